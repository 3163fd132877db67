/**
 * Attach mode (no start command: the server was started elsewhere, here by the test) and
 * keep-running (the backend outlives the run, recorded for the `stop` command).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnTracked, PYTHON } from '../helpers/procs.js';
import { main } from '../../src/cli/main.js';
import { currentPlatform } from '../../src/platform/index.js';
import { captureIO } from '../fixtures/linux/cli-io.js';
import {
  APPS,
  INT_APPS,
  readReport,
  rememberRun,
  tempDir,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  isRunning,
  runCheck,
} from './run-helpers.js';
import { bundledCli } from '../helpers/bundled-cli.js';

checkAndCleanUpAfterEach();

test('attach mode: the checks that need our own process skip, the listener checks pass', async () => {
  const port = await freePort();
  const server = await spawnTracked(PYTHON, ['-u', 'flask_app.py'], {
    cwd: APPS,
    env: { ...process.env, PORT: String(port) },
    readyText: 'Running on',
  });

  const { code, report } = await runCheck([
    `--port=${port}`,
    '--health=/api/health',
    '--endpoint=GET /api/local-llm/status 200 json',
  ]);

  const attach = 'attach mode: no start command, the server was started elsewhere';
  expect(itemStatuses(report)).toEqual({
    'port-free': 'skip',
    'bytecode-cache': 'skip',
    'backend-start': 'skip',
    ready: 'pass',
    'single-listener': 'pass',
    'listener-owner': 'skip',
    logs: 'skip',
    health: 'pass',
    'endpoint:GET /api/local-llm/status': 'pass',
    teardown: 'skip',
  });
  for (const id of ['port-free', 'bytecode-cache', 'backend-start', 'listener-owner', 'teardown']) {
    expect([id, item(report, id).summary]).toEqual([id, attach]);
  }
  expect(item(report, 'single-listener').summary).toBe(
    `1 listener(s) on port ${port} (1 socket(s), pids ${server.pid})`,
  );
  expect(report!.services[0]!.backendPid).toBeNull();
  expect(code).toBe(0);
  // Not ours to stop.
  expect(await isRunning(server.pid)).toBe(true);
});

test('keep-running: the backend is left running, teardown skips, and it is recorded for stop', async () => {
  const port = await freePort();
  const { code, report, reportDir } = await runCheck([
    `--start=${PY} flask_app.py`,
    `--cwd=${APPS}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    '--health=/api/health',
    '--keep-running',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(0);
  const backendPid = report!.services[0]!.backendPid!;
  expect(item(report, 'teardown')).toMatchObject({
    status: 'skip',
    summary: `keep-running: pid ${backendPid} left running; stop it with \`single-listener-check stop --report-dir ${reportDir}\``,
  });
  expect(await isRunning(backendPid)).toBe(true);
  expect(await currentPlatform().listListeners(port)).toHaveLength(1);
  const kept = JSON.parse(readFileSync(path.join(reportDir, 'kept-backends.json'), 'utf8'));
  expect(kept).toEqual([
    expect.objectContaining({
      name: 'backend',
      port,
      process: expect.objectContaining({ pid: backendPid }),
    }),
  ]);

  const io = captureIO();
  const stopCode = await main(['stop', '--report-dir', reportDir], io);

  expect([stopCode, io.err()]).toEqual([0, '']);
  expect(await isRunning(backendPid)).toBe(false);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(existsSync(path.join(reportDir, 'kept-backends.json'))).toBe(false);
});

test('keep-running from the real program: it exits, and the backend keeps serving and logging', async () => {
  const cli = bundledCli();
  const port = await freePort();
  const reportDir = await tempDir();
  const run = await spawnTracked(process.execPath, [
    cli,
    'run',
    `--start=${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
    `--cwd=${reportDir}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    '--health=/api/health',
    '--keep-running',
    '--ready-timeout=30s',
    `--report-dir=${reportDir}`,
  ]);
  // The program must not wait for the backend it leaves running (its output pipes included).
  const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
  const report = readReport(reportDir)!;
  rememberRun(report);
  expect([code, item(report, 'teardown').status]).toEqual([0, 'skip']);

  // The backend logs every request to stderr: with nobody left reading its pipes it would
  // block, or die of EPIPE. It answers, again and again.
  const base = `http://127.0.0.1:${port}/api/items`;
  for (let n = 0; n < 20; n++) expect((await fetch(base)).status).toBe(200);
  expect(await isRunning(report.services[0]!.backendPid!)).toBe(true);

  const io = captureIO();
  expect(await main(['stop', `--report-dir=${reportDir}`], io)).toBe(0);
}, 120_000); // bundles the CLI first
