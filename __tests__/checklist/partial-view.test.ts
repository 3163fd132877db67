/**
 * A listener item that passes on a partial view says so: rows the platform printed but could not
 * read (a netstat row that does not fit, an lsof entry without a port) turn the pass into a
 * warning that names them, in single-listener and listener-owner alike.
 */
import { listenerOwner } from '../../src/checklist/items/listener-owner.js';
import { singleListener } from '../../src/checklist/items/single-listener.js';
import { ServiceRun } from '../../src/checklist/service-run.js';
import {
  withSkipped,
  type ListenerSocket,
  type ProcessInfo,
  type SkippedRow,
} from '../../src/platform/types.js';
import { fakePlatform } from '../helpers/fake-platform.js';
import { runEnvironment, serviceConfig } from '../helpers/service-config.js';

const backend: ProcessInfo = {
  pid: 100,
  ppid: 1,
  name: 'python3',
  command: 'python3 app.py',
  startedAt: '2026-12-02T12:00:00.000Z',
  uid: process.getuid!(),
};
const socket: ListenerSocket = {
  address: '127.0.0.1',
  port: 5000,
  family: 'IPv4',
  socketId: '1',
  processes: [backend],
};
const row: SkippedRow = {
  source: 'netstat',
  text: 'TCP    0.0.0.0:5000    0.0.0.0:0    LISTENING    ???',
  reason: 'the pid column is not a number',
};

async function judged(skipped: SkippedRow[]) {
  const platform = fakePlatform({
    listListeners: async () => withSkipped([socket], skipped),
    listProcesses: async () => [backend],
  });
  const service = new ServiceRun(serviceConfig(), runEnvironment(platform));
  service.backendProcess = backend;
  service.adopt(backend, 'tree');
  return [await singleListener.run(service), await listenerOwner.run(service)];
}

test('a full view: both items pass', async () => {
  expect((await judged([])).map((o) => o.status)).toEqual(['pass', 'pass']);
});

test('rows the platform could not read: both items warn and name them', async () => {
  for (const outcome of await judged([row])) {
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/; 1 row\(s\) the platform printed could not be read$/);
    expect(outcome.details).toContain(
      `could not read: netstat: ${row.text} (the pid column is not a number)`,
    );
  }
});
