/**
 * Teardown against backends that resist: one ignoring SIGTERM is killed after stop-timeout and
 * teardown passes; one that, on SIGTERM, hands its listening socket to a daemonized grandchild
 * (double fork + setsid: out of the process group, reparented away from the tree) leaves the port
 * held, and teardown fails naming that pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, trackPid, until } from '../helpers/procs.js';
import {
  INT_APPS,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  isRunning,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

async function tinyBackendRun(env: string[], stopTimeout = '1s') {
  const port = await freePort();
  const run = await runCheck([
    `--start=${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    ...env.map((e) => `--env=${e}`),
    '--health=/api/health',
    `--stop-timeout=${stopTimeout}`,
    '--ready-timeout=30s',
  ]);
  return { port, ...run };
}

test('a backend that ignores SIGTERM: teardown escalates to SIGKILL after stop-timeout and passes', async () => {
  const { code, report, port } = await tinyBackendRun(['ON_SIGTERM=ignore']);

  expect(Object.values(itemStatuses(report)).filter((s) => s !== 'pass' && s !== 'skip')).toEqual(
    [],
  );
  expect(code).toBe(0);
  const teardown = item(report, 'teardown');
  expect(teardown.status).toBe('pass');
  expect(teardown.summary).toMatch(
    new RegExp(
      `^stopped \\d+ process\\(es\\) with SIGKILL after 1 s for 1 process\\(es\\) that ignored SIGTERM in \\d+ ms; port ${port} is free$`,
    ),
  );
  expect(teardown.details).toEqual([
    expect.stringMatching(/^needed SIGKILL: pid \d+ \(.*tiny_backend\.py\)$/),
  ]);
});

test('a daemonized child keeps the port: teardown fails naming that pid', async () => {
  const pidfile = path.join(await tempDir(), 'daemon.pid');
  const { code, report, port } = await tinyBackendRun(
    [
      'ON_SIGTERM=daemonize',
      `DAEMON_PIDFILE=${pidfile}`,
      // A generous grace: on a loaded machine SIGKILL must not beat the handler that forks.
    ],
    '5s',
  );
  await until(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').length > 0, 10_000);
  const daemonPid = Number(readFileSync(pidfile, 'utf8'));
  trackPid(daemonPid); // stopped by cleanup even if an assertion fails

  expect(code).toBe(1);
  const teardown = item(report, 'teardown');
  expect(teardown.status).toBe('fail');
  expect(teardown.summary).toBe(
    `port ${port} is still held after teardown by pid ${daemonPid} (${PY.replace(' -u', '')} -u ${path.join(INT_APPS, 'tiny_backend.py')})`,
  );
  expect(teardown.listeners?.flatMap((s) => s.processes.map((p) => p.pid))).toEqual([daemonPid]);
  expect(teardown.diagnosis).toMatch(
    new RegExp(`^pid ${daemonPid} .* survived teardown; parent chain: ${daemonPid} ← `),
  );
  expect(teardown.diagnosis).toMatch(/left the backend's process group \(daemonized/);
  expect(await isRunning(daemonPid)).toBe(true);
  // Every other item passed: only teardown catches it.
  expect(
    Object.entries(itemStatuses(report))
      .filter(([, s]) => s === 'fail')
      .map(([id]) => id),
  ).toEqual(['teardown']);

  process.kill(daemonPid, 'SIGKILL');
  await until(async () => !(await isRunning(daemonPid)), 5000);
});
