/**
 * A stale server already holds the port: with on-conflict fail (the default) nothing is started;
 * with on-conflict kill its tree is stopped and the run passes, warning what it stopped.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { currentPlatform } from '../../src/platform/index.js';
import { removeAppDir, spawnGunicorn } from '../helpers/real-listeners.js';
import { freePort, spawnTracked, PYTHON } from '../helpers/procs.js';
import { shownCommand } from '../helpers/shown-command.js';
import {
  APPS,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  isRunning,
  runCheck,
} from './run-helpers.js';

checkAndCleanUpAfterEach();
afterAll(removeAppDir);

const byNumber = (a: number, b: number) => a - b;

/** An old build (without /api/local-llm/status); RELOADER=1: a tree of two holding one socket. */
async function staleServer(port: number, env: Record<string, string> = {}) {
  return spawnTracked(PYTHON, ['-u', 'flask_app.py'], {
    cwd: APPS,
    env: { ...process.env, PORT: String(port), OLD: '1', ...env },
    readyText: env.RELOADER ? 'Debugger PIN' : 'Running on',
  });
}

const args = (port: number) => [
  `--start=${PY} flask_app.py`,
  `--cwd=${APPS}`,
  `--port=${port}`,
  `--env=PORT=${port}`,
  '--health=/api/health',
  '--endpoint=GET /api/local-llm/status 200 json',
  '--ready-timeout=30s',
];

test('port held and on-conflict fail: port-free fails naming the holder, nothing is started', async () => {
  const port = await freePort();
  const stale = await staleServer(port);

  const { code, report, reportDir, summary } = await runCheck(args(port));

  expect(code).toBe(1);
  const statuses = itemStatuses(report);
  expect(statuses['port-free']).toBe('fail');
  // The listener picture is the holder's, not empty, exactly when it matters.
  const pictured = report!.services[0]!.listeners.flatMap((s) => s.processes.map((p) => p.pid));
  expect(pictured).toEqual([stale.pid]);
  expect(summary).not.toContain('No listener was read on this port');
  expect(summary).toContain(`| ${stale.pid} |`);
  const rest = Object.entries(statuses).filter(([id]) => id !== 'port-free');
  expect(rest.map(([, s]) => s)).toEqual(rest.map(() => 'skip'));
  const portFree = item(report, 'port-free');
  expect(portFree.summary).toBe(
    `port ${port} is already held: pid ${stale.pid} (${PYTHON} -u flask_app.py)`,
  );
  expect(portFree.diagnosis).toMatch(
    new RegExp(`pid ${stale.pid} .* is a stale server from an earlier run`),
  );
  expect(portFree.diagnosis).toMatch(/on-conflict: kill/);
  expect(item(report, 'backend-start').summary).toMatch(
    /^skipped: port \d+ was held before start \(on-conflict: fail\); nothing was started$/,
  );
  expect(item(report, 'teardown').summary).toBe('nothing was started');
  expect(report!.services[0]!.backendPid).toBeNull();
  expect(existsSync(path.join(reportDir, 'backend.log'))).toBe(false);
  // Not ours: left alone.
  expect(await isRunning(stale.pid)).toBe(true);
});

test('on-conflict kill: the stale tree is stopped, port-free warns listing it, the run passes', async () => {
  const port = await freePort();
  const stale = await staleServer(port, { RELOADER: '1' });
  const [held] = await currentPlatform().listListeners(port);
  const stalePids = held!.processes.map((p) => p.pid).sort(byNumber);
  expect(stalePids).toHaveLength(2); // the reloader and its child

  const { code, report } = await runCheck([...args(port), '--on-conflict=kill']);

  const statuses = itemStatuses(report);
  expect(statuses['port-free']).toBe('warn');
  expect(
    Object.entries(statuses)
      .filter(([id]) => id !== 'port-free')
      .every(([, s]) => s === 'pass'),
  ).toBe(true);
  expect(code).toBe(0);
  const portFree = item(report, 'port-free');
  expect(portFree.summary).toBe(`port ${port} was held; stopped 2 process(es) (on-conflict: kill)`);
  // One line per stopped process, naming it as it was listed. The reloader's child runs the
  // script by its absolute path (as long as the clone's path), so match through shownCommand.
  expect(portFree.details).toHaveLength(stalePids.length);
  expect(portFree.details).toEqual(
    expect.arrayContaining(
      held!.processes.map((p) =>
        expect.stringMatching(
          new RegExp(`^stopped pid ${p.pid} \\(${shownCommand(p.command)}\\)$`),
        ),
      ),
    ),
  );
  expect(portFree.listeners?.flatMap((s) => s.processes.map((p) => p.pid)).sort(byNumber)).toEqual(
    stalePids,
  );
  for (const pid of stalePids) expect([pid, await isRunning(pid)]).toEqual([pid, false]);
  expect(stalePids).toContain(stale.pid);
  // The new build answers the new route: it is our server, not the stale one.
  expect(item(report, 'endpoint:GET /api/local-llm/status').summary).toMatch(/^3\/3 probes 200/);
});

test('on-conflict ignore: the new backend cannot bind and fails fast; teardown does not blame the stale holder on us', async () => {
  const port = await freePort();
  const stale = await staleServer(port);

  const { code, report } = await runCheck([...args(port), '--on-conflict=ignore']);

  expect(code).toBe(1);
  expect(itemStatuses(report)).toMatchObject({
    'port-free': 'warn',
    'backend-start': 'pass',
    // Never ready against someone else's listener: ours died of EADDRINUSE.
    ready: 'fail',
    'single-listener': 'skip',
    teardown: 'warn',
  });
  expect(item(report, 'port-free').summary).toBe(
    `port ${port} is already held (pid ${stale.pid} (${PYTHON} -u flask_app.py)); continuing (on-conflict: ignore)`,
  );
  const ready = item(report, 'ready');
  expect(ready.summary).toBe('backend exited before it was ready (exit code 1)');
  expect(ready.details).toContain('Address already in use');
  const teardown = item(report, 'teardown');
  expect(teardown.summary).toBe(
    `nothing left to stop: the backend had already exited (exit code 1); port ${port} is still held by pid ${stale.pid} (${PYTHON} -u flask_app.py) on 127.0.0.1:${port}, which held it before the run (on-conflict: ignore)`,
  );
  expect(teardown.diagnosis).toBeUndefined();
  expect(await isRunning(stale.pid)).toBe(true);
});

test('a stale gunicorn -w 2 holds the port: one paragraph names its master and counts its workers', async () => {
  const port = await freePort();
  const stale = await spawnGunicorn(port, 2);

  const { code, report } = await runCheck(args(port));

  expect(code).toBe(1);
  const portFree = item(report, 'port-free');
  expect(portFree.status).toBe('fail');
  const diagnosis = portFree.diagnosis ?? '';
  // One server, one paragraph: not a "stale server" per process.
  expect(diagnosis.match(/is a stale server/g)).toHaveLength(1);
  expect(diagnosis).toMatch(
    new RegExp(
      `^pid ${stale.pid} \\([^)]*gunicorn[^)]*\\) and 2 workers on 0\\.0\\.0\\.0:${port}, started .* is a stale server from an earlier run`,
    ),
  );
  for (const worker of stale.workerPids) expect(diagnosis).not.toContain(`pid ${worker} `);
  expect(await isRunning(stale.pid)).toBe(true);
});
