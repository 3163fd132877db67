/**
 * port-free when the platform could not read everything: an empty inventory that carries skipped
 * rows (an unreadable row, or the macOS netstat cross-check that could not run) is not "nothing
 * listens".
 */
import { fakePlatform } from '../helpers/fake-platform.js';
import { runEnvironment, serviceConfig } from '../helpers/service-config.js';
import { portFree } from '../../src/checklist/items/port-free.js';
import { ServiceRun } from '../../src/checklist/service-run.js';
import { withSkipped, type ListenerTable } from '../../src/platform/types.js';

function service(table: ListenerTable) {
  const platform = fakePlatform({
    listListeners: () => Promise.resolve(table),
    listProcesses: () => Promise.resolve([]),
  });
  return new ServiceRun(serviceConfig({ port: 5000 }), runEnvironment(platform));
}

test('nothing seen and nothing unread: pass', async () => {
  await expect(portFree.run(service([]))).resolves.toMatchObject({
    status: 'pass',
    summary: 'nothing listens on port 5000',
  });
});

test('nothing seen, but rows unread: a warning naming each row, never "nothing listens"', async () => {
  const skipped = {
    source: 'netstat',
    text: 'netstat -anv -p tcp',
    reason:
      "netstat was not found: lsof, not run as root (running as uid 501), leaves out other users' processes, so the view of the port's holders is partial",
  };
  const outcome = await portFree.run(service(withSkipped([], [skipped])));
  expect(outcome).toMatchObject({
    status: 'warn',
    summary: 'no listener seen on port 5000, but 1 row(s) of the listener table could not be read',
    details: [`netstat: netstat -anv -p tcp (${skipped.reason})`],
  });
});
