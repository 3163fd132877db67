/**
 * Teardown against backends that resist: one ignoring SIGTERM is killed after stop-timeout and
 * teardown passes; one that, on SIGTERM, hands its listening socket to a daemonized grandchild
 * (double fork + setsid: out of the process group, reparented away from the tree) is found by the
 * run's marker and stopped too, and only then is the port read back free.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { currentPlatform } from '../../src/platform/index.js';
import { freePort, trackPid, until } from '../helpers/procs.js';
import { shownCommand } from '../helpers/shown-command.js';
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

/** The backend's command line: as long as the clone's path, so the details may cut it. */
const TINY_BACKEND = `${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`;

async function tinyBackendRun(env: string[], stopTimeout = '1s') {
  const port = await freePort();
  const run = await runCheck([
    `--start=${TINY_BACKEND}`,
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
    expect.stringMatching(
      new RegExp(`^needed SIGKILL: pid \\d+ \\(${shownCommand(TINY_BACKEND)}\\)$`),
    ),
    `read back after the last process of the run was gone: no listener of the run on port ${port}`,
  ]);
});

test('a child that daemonizes in its SIGTERM handler (setsid, reparented to init) is found by the run marker and stopped: the port is read back free', async () => {
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

  expect(code).toBe(0);
  const teardown = item(report, 'teardown');
  expect(teardown.summary).toMatch(
    new RegExp(`^stopped \\d+ process\\(es\\) .*; port ${port} is free$`),
  );
  expect(teardown.details).toContainEqual(
    expect.stringMatching(
      new RegExp(`^stopped outside the process group: pid ${daemonPid} .*found by the run marker`),
    ),
  );
  expect(await isRunning(daemonPid)).toBe(false);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(await currentPlatform().findMarked(report!.services[0]!.marker!)).toEqual([]);
});
