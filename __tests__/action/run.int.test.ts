/**
 * The action as the runner runs it (harness.ts): action.yml's step, with `with:` inputs, runs the
 * committed bundle dist/index.js against the example backend on a free port. Also run by
 * scripts/test-node-versions.sh with Node 22 and 24 first on PATH.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OUTPUT_NAMES } from '../../src/action/outputs.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ListenerSocket } from '../../src/platform/types.js';
import { cleanupProcesses, freePort, sleep, spawnTracked, trackPid } from '../helpers/procs.js';
import { Job, REPO_ROOT, type ActionRun } from './harness.js';

const EXAMPLE = path.join(REPO_ROOT, 'example');
let job: Job;

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'dist/index.js')))
    throw new Error('dist/index.js is missing: run `npm run build` first');
});

beforeEach(async () => {
  job = await Job.create();
});

afterEach(async () => {
  await cleanupProcesses();
  await job.dispose();
});

/** Inputs that check example/server.mjs on `port`: health, two endpoints, a route log line. */
function exampleInputs(port: number): Record<string, string> {
  return {
    start: 'node server.mjs',
    'working-directory': 'example',
    port: String(port),
    env: `PORT=${port}\nGREETING=hello world`, // two lines: PORT must come out alone
    'health-path': '/api/health',
    endpoints: 'GET /api/items 200 json\nGET /api/local-llm/status 200 json',
    'expect-log': 'route registered: GET /api/local-llm/status',
    'ready-timeout': '30s',
  };
}

/**
 * Runs the action and registers for cleanup what it started, whatever the test asserts or the
 * harness throws: the backend (by its pid output) and any process group listening on the
 * test's port, which was free before.
 */
async function runAction(
  inputs: Record<string, string>,
  env?: Record<string, string>,
  options: { timeoutMs?: number } = {},
) {
  try {
    const run = await job.run('action.yml', { with: inputs, env, ...options });
    for (const pid of (run.actionOutputs['backend-pid'] ?? '').split(',').filter(Boolean))
      trackPid(Number(pid));
    return run;
  } finally {
    const port = Number(inputs.port);
    if (Number.isInteger(port)) {
      for (const socket of await linuxPlatform.listListeners(port))
        for (const p of socket.processes) trackPid(p.pgid ?? p.pid);
    }
  }
}

const errorLines = (run: ActionRun) =>
  run.stdout.split('\n').filter((l) => l.startsWith('::error'));

test('a passing run sets all seven outputs, writes the reports and the job summary', async () => {
  const port = await freePort();
  const run = await runAction(exampleInputs(port));

  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  // The program wrote all seven to GITHUB_OUTPUT, and action.yml maps each one through.
  expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  const out = run.actionOutputs;
  expect(out).toEqual(run.outputs);
  expect(out.result).toBe('pass');
  expect(out['failed-items']).toBe('');
  // The default report folder is $RUNNER_TEMP/single-listener-check.
  const reportDir = path.join(job.runnerTemp, 'single-listener-check');
  expect(out['report-path']).toBe(path.join(reportDir, 'report.json'));
  expect(out['junit-path']).toBe(path.join(reportDir, 'junit.xml'));
  expect(out['log-path']).toBe(path.join(reportDir, 'backend.log'));
  const report = JSON.parse(readFileSync(out['report-path']!, 'utf8'));
  expect(report.result).toBe('pass');
  expect(readFileSync(out['junit-path']!, 'utf8')).toContain('<testsuite');

  // The one socket is held by the server the action started: the shell's child, whose own pid
  // the server printed into the backend log.
  const backendPid = Number(out['backend-pid']);
  const listeners = JSON.parse(out.listeners!) as ListenerSocket[];
  expect(listeners).toHaveLength(1);
  const holders = listeners[0]!.processes;
  const log = readFileSync(out['log-path']!, 'utf8');
  const serverPid = Number(/listening on port \d+ \(pid (\d+)\)/.exec(log)?.[1]);
  expect(holders.map((p) => p.pid)).toEqual([serverPid]);
  expect(holders[0]!.ppid === backendPid || holders[0]!.pid === backendPid).toBe(true);
  expect(log).toContain(`listening on port ${port}`);

  expect(run.summary).toMatch(/^## ✅ single-listener-check passed — port \d+/);
  expect(errorLines(run)).toEqual([]);
  // Torn down: nothing listens any more.
  expect(await linuxPlatform.listListeners(port)).toEqual([]);
});

test('a stale listener on the port: exit 1, result fail, failed-items port-free, an error annotation', async () => {
  const port = await freePort();
  const stale = await spawnTracked(process.execPath, ['server.mjs'], {
    cwd: EXAMPLE,
    env: { ...process.env, PORT: String(port), STALE: '1' },
    readyText: 'listening on port',
  });

  const run = await runAction(exampleInputs(port));

  expect(run.exitCode).toBe(1);
  expect(run.actionOutputs.result).toBe('fail');
  expect(run.actionOutputs['failed-items']).toBe('port-free');
  expect(run.actionOutputs['backend-pid']).toBe('');
  expect(errorLines(run)).toEqual([
    expect.stringMatching(
      new RegExp(`^::error title=backend%3A Port free before start::.*pid ${stale.pid} `),
    ),
  ]);
  expect(run.summary).toMatch(/^## ❌ single-listener-check failed/);
  // on-conflict defaults to fail: the stale server is reported, not touched.
  expect((await linuxPlatform.getProcess(stale.pid))?.state).toBe('running');
});

test('under act (ACT=true) the job summary is printed to the log as well', async () => {
  const port = await freePort();
  const run = await runAction(exampleInputs(port), { ACT: 'true' });
  expect(run.exitCode).toBe(0);
  expect(run.summary).toContain('single-listener-check passed');
  expect(run.stdout).toContain(run.summary.trim());
});

test('without ACT the summary goes to the summary file only', async () => {
  const port = await freePort();
  const run = await runAction(exampleInputs(port));
  expect(run.summary).toContain('### Reproduce locally');
  expect(run.stdout).not.toContain('### Reproduce locally');
});

test('keep-running, then the stop action: the backend serves between the two steps, then is gone', async () => {
  const port = await freePort();
  const kept = await runAction(
    {
      start: 'node logging-server.mjs',
      'working-directory': '__tests__/action',
      port: String(port),
      env: `PORT=${port}`,
      'health-path': '/api/health',
      'keep-running': 'true',
    },
    undefined,
    { timeoutMs: 30_000 },
  );
  expect(kept.exitCode).toBe(0);
  expect(kept.actionOutputs.result).toBe('pass');
  // backend-pid names the server (node), the shell's only child; stop names the spawned shell.
  const backendPid = Number(kept.actionOutputs['backend-pid']);
  const spawned = (await linuxPlatform.getProcess(backendPid))!.ppid!;
  // What a later step does with a kept backend: requests, each of which it logs.
  for (const path of ['/api/health', '/api/items', '/api/health']) {
    expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
    await sleep(200);
  }

  const stopped = await job.run('stop/action.yml');

  expect(stopped.stderr).toBe('');
  expect(stopped.exitCode).toBe(0);
  expect(stopped.stdout).toMatch(
    new RegExp(`^backend \\(port ${port}\\): stopped pid ${spawned} .*; port ${port} is free\\n$`),
  );
  expect(await linuxPlatform.listListeners(port)).toEqual([]);
  expect((await linuxPlatform.getProcess(backendPid))?.state ?? 'gone').not.toBe('running');
}, 90_000);

test('an invalid input: exit 2, one error line naming it, nothing started', async () => {
  const port = await freePort();
  const run = await runAction({ ...exampleInputs(port), port: 'abc' });
  expect(run.exitCode).toBe(2);
  expect(errorLines(run)).toEqual([
    '::error title=single-listener-check%3A invalid input::port: expected a whole number from 1 to 65535 (got "abc")',
  ]);
  expect(run.actionOutputs.result).toBe('');
});
