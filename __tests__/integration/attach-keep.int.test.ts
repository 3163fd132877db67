/**
 * Attach mode (`--attach`: nothing is started, the server was started elsewhere, here by the
 * test), an empty start that must never turn into attach mode, and keep-running (the backend
 * outlives the run, recorded for the `stop` command).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnTracked, PYTHON } from '../helpers/procs.js';
import { main } from '../../src/cli/main.js';
import { currentPlatform } from '../../src/platform/index.js';
import { captureIO } from '../helpers/cli-io.js';
import { START_REQUIRED, startEmpty } from '../config/helpers.js';
import { Job, REPO_ROOT } from '../action/harness.js';
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
import { bundledActionPath, bundledCli } from '../helpers/bundled-cli.js';

checkAndCleanUpAfterEach();

test('attach mode: the checks that need our own process skip, the listener checks pass, and every report says attach mode', async () => {
  const port = await freePort();
  const server = await spawnTracked(PYTHON, ['-u', 'flask_app.py'], {
    cwd: APPS,
    env: { ...process.env, PORT: String(port) },
    readyText: 'Running on',
  });

  const { code, report, stdout, summary } = await runCheck([
    `--port=${port}`,
    '--attach',
    '--health=/api/health',
    '--endpoint=GET /api/local-llm/status 200 json',
  ]);

  const attach = 'attach mode: nothing was started, the server was started elsewhere';
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
  // Every report says nothing was started: report.json, the summary's top, the terminal.
  expect(report!.services[0]!.attach).toBe(true);
  expect(report!.reproduce).toMatch(/^npx single-listener-check run --attach --port /);
  const top = summary.split('\n').slice(0, 5);
  expect(top[0]).toBe(`## ✅ single-listener-check passed — port ${port}`);
  expect(top[4]).toBe(
    `> **Attach mode:** nothing was started; checked the server already listening on port ${port}, started elsewhere.`,
  );
  const lines = stdout.split('\n');
  const header = lines.indexOf(`backend — port ${port}`);
  expect(lines[header + 1]).toBe(
    `  attach mode: nothing is started; checking the server already listening on port ${port}`,
  );
  // Not ours to stop.
  expect(await isRunning(server.pid)).toBe(true);
});

/**
 * A shell that leaves a marker file when it is asked to run anything: given as `shell`, it
 * proves no start command ran.
 */
async function markerShell(): Promise<{ shell: string; marker: string }> {
  const dir = await tempDir();
  const marker = path.join(dir, 'started');
  const shell = path.join(dir, 'marker-shell.sh');
  writeFileSync(shell, `#!/bin/sh\ntouch '${marker}'\nexec /bin/sh "$@"\n`);
  chmodSync(shell, 0o755);
  return { shell, marker };
}

/** The port's listeners as identities: socket, holders by pid and start time. */
async function listenerIdentities(port: number) {
  return (await currentPlatform().listListeners(port)).map((s) => ({
    socket: s.socketId,
    address: s.address,
    holders: s.processes.map((p) => [p.pid, p.startedAt]),
  }));
}

/** An old server on a free port, as an earlier run or another job would leave it. */
async function staleServer() {
  const port = await freePort();
  const stale = await spawnTracked(process.execPath, ['server.mjs'], {
    cwd: path.join(REPO_ROOT, 'example'),
    env: { ...process.env, PORT: String(port), STALE: '1' },
    readyText: 'listening on port',
  });
  const before = await listenerIdentities(port);
  expect(before.map((l) => l.holders)).toEqual([[[stale.pid, expect.any(String)]]]);
  /** Still running, the same socket held by the same process, still answering. */
  const untouched = async () => {
    expect(await isRunning(stale.pid)).toBe(true);
    expect(await listenerIdentities(port)).toEqual(before);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', version: '1.0.0' });
  };
  return { port, untouched };
}

test('--start "" (an unset variable) with an old server on the port: exit 2, nothing started, the old server untouched', async () => {
  const { port, untouched } = await staleServer();
  const { shell, marker } = await markerShell();

  const run = await runCheck([`--port=${port}`, '--start=', `--shell=${shell}`]);

  expect([run.code, run.stdout, run.stderr]).toEqual([
    2,
    '',
    `single-listener-check: ${startEmpty('--start', '')}\n`,
  ]);
  expect(run.report).toBeNull();
  expect(run.summary).toBe('');
  expect(existsSync(marker)).toBe(false);
  await untouched();
});

test('the action with start fed by an unset expression (INPUT_START=""), an old server on the port: exit 2, nothing started, the old server untouched', async () => {
  const { port, untouched } = await staleServer();
  const { shell, marker } = await markerShell();
  const job = await Job.create();
  try {
    // The composite step passes every input, an unset one as INPUT_START="".
    const run = await job.run('action.yml', {
      with: { start: '', port: String(port), shell },
      actionPath: bundledActionPath(),
    });

    expect(run.exitCode).toBe(2);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::error title=single-listener-check%3A invalid input::${START_REQUIRED.input}`,
    ]);
    expect(run.actionOutputs.result).toBe('');
    expect(run.summary).toBe('');
    expect(existsSync(path.join(job.runnerTemp, 'single-listener-check'))).toBe(false);
    expect(existsSync(marker)).toBe(false);
    await untouched();
  } finally {
    await job.dispose();
  }
}, 120_000); // bundles the action first

test('the action with attach: true checks the server already there and says so', async () => {
  const { port, untouched } = await staleServer();
  const job = await Job.create();
  try {
    const run = await job.run('action.yml', {
      with: { attach: 'true', port: String(port), 'health-path': '/api/health' },
      actionPath: bundledActionPath(),
    });

    const report = JSON.parse(readFileSync(run.actionOutputs['report-path']!, 'utf8'));
    rememberRun(report);
    expect([run.exitCode, run.actionOutputs.result, run.actionOutputs['backend-pid']]).toEqual([
      0,
      'pass',
      '',
    ]);
    expect(report.services[0].attach).toBe(true);
    expect(run.summary).toContain(
      `> **Attach mode:** nothing was started; checked the server already listening on port ${port}, started elsewhere.`,
    );
    expect(run.stdout).toContain(
      `attach mode: nothing is started; checking the server already listening on port ${port}`,
    );
    await untouched();
  } finally {
    await job.dispose();
  }
}, 120_000);

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

test('keep-running with a start command that backgrounds its server: stop finds it by the run marker and frees the port', async () => {
  const port = await freePort();
  const { code, report, reportDir } = await runCheck([
    `--start=${PY} -m http.server ${port} --bind 127.0.0.1 &`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    '--keep-running',
    '--ready-timeout=30s',
  ]);
  expect(code).toBe(0);
  const marker = report!.services[0]!.marker!;
  const [daemon] = await currentPlatform().findMarked(marker);
  expect(daemon).toBeDefined();

  const io = captureIO();
  const stopCode = await main(['stop', '--report-dir', reportDir], io);

  expect([stopCode, io.err()]).toEqual([0, '']);
  expect(io.out()).toMatch(
    new RegExp(
      `had already exited; stopped 1 process of its run found by the run's marker; port ${port} is free\\n$`,
    ),
  );
  expect(await isRunning(daemon!.pid)).toBe(false);
  expect(await currentPlatform().findMarked(marker)).toEqual([]);
});
