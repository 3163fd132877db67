/**
 * SIGINT or SIGTERM to the real program (the bundled CLI in a child process) after the backend
 * is ready: the rest of the checklist skips, teardown still runs, the reports say "interrupted",
 * the exit code is 130 or 143, and no process of the backend survives.
 * An interrupt while the backend is being started still ends with the backend stopped.
 */
import path from 'node:path';
import { runChecklist } from '../../src/checklist/runner.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import { currentPlatform } from '../../src/platform/index.js';
import type { Platform } from '../../src/platform/types.js';
import { freePort, sleep, spawnTracked, until } from '../helpers/procs.js';
import {
  INT_APPS,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  readReport,
  rememberRun,
  tempDir,
} from './run-helpers.js';
import { bundledCli } from '../helpers/bundled-cli.js';

checkAndCleanUpAfterEach();

let cli: string;
beforeAll(async () => {
  cli = bundledCli();
}, 180_000);

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s after ready: later items skip, teardown runs, the exit code says so',
  async (signal) => {
    const port = await freePort();
    const reportDir = await tempDir();
    // /api/health answers after 5 s: the health item is in flight when the signal arrives. Readiness
    // waits on a TCP connect instead, so it does not need the health answer.
    const run = await spawnTracked(process.execPath, [
      cli,
      'run',
      `--start=${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
      `--cwd=${reportDir}`,
      `--port=${port}`,
      `--env=PORT=${port}`,
      '--env=HEALTH_DELAY_S=5',
      `--wait-on=tcp:127.0.0.1:${port}`,
      '--health=/api/health',
      '--endpoint=GET /api/items 200 json',
      '--ready-timeout=30s',
      `--report-dir=${reportDir}`,
    ]);
    const exited = new Promise<number | null>((resolve) =>
      run.child.once('exit', (code) => resolve(code)),
    );

    await until(() => /✔ Backend ready/.test(run.output()), 30_000);
    const signalled = Date.now();
    run.child.kill(signal);
    const code = await exited;
    console.log(`interrupt: exit ${Date.now() - signalled} ms after ${signal}`);

    const report = readReport(reportDir);
    expect(report).not.toBeNull();
    rememberRun(report!);
    expect([code, report!.interrupted, report!.result]).toEqual([
      EXIT_CODES[signal],
      signal,
      'fail',
    ]);
    expect(itemStatuses(report)).toMatchObject({
      'port-free': 'pass',
      'backend-start': 'pass',
      ready: 'pass',
    });
    // The items after ready: those done before the signal passed; the one running gave way (the
    // 5 s health answer was not awaited) and every later one skipped, all saying why.
    const items = report!.services[0]!.items;
    const afterReady = items.slice(items.findIndex((i) => i.id === 'ready') + 1, -1);
    const cut = afterReady.findIndex((i) => i.status !== 'pass');
    expect(afterReady.slice(cut).map((i) => [i.id, i.status])).toEqual(
      afterReady.slice(cut).map((i) => [i.id, 'skip']),
    );
    expect(afterReady[cut]!.summary).toBe(`interrupted (${signal}) before it finished`);
    for (const i of afterReady.slice(cut + 1))
      expect(i.summary).toBe(`skipped: interrupted (${signal})`);
    expect(itemStatuses(report)).toMatchObject({
      health: 'skip',
      'endpoint:GET /api/items': 'skip',
    });
    expect(item(report, 'teardown').status).toBe('pass');
    expect(run.output()).toMatch(/Interrupted|interrupted/);
  },
);

test('an interrupt while the backend is being started: the start completes and teardown stops it', async () => {
  const port = await freePort();
  const reportDir = await tempDir();
  const config = loadConfig({
    flags: parseRunFlags([
      `--start=${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
      `--port=${port}`,
      `--env=PORT=${port}`,
      `--report-dir=${reportDir}`,
      '--no-clear-bytecode',
    ]),
    env: process.env,
    cwd: reportDir,
  });
  // The signal arrives while backend-start reads the new process (slowly, as `ps` or PowerShell
  // would on macOS or Windows): the spawned backend must not escape teardown.
  const aborter = new AbortController();
  const platform: Platform = {
    ...currentPlatform(),
    getProcess: async (pid) => {
      if (!aborter.signal.aborted) {
        aborter.abort('SIGINT');
        await sleep(200);
      }
      return currentPlatform().getProcess(pid);
    },
  };
  const noop = () => undefined;

  const result = await runChecklist(config, {
    platform,
    redact: (text) => text,
    signal: aborter.signal,
    hooks: {
      serviceStarted: noop,
      itemStarted: noop,
      itemFinished: noop,
      progress: noop,
      logLine: noop,
    },
  });
  rememberRun(result);

  expect(result.interrupted).toBe('SIGINT');
  expect(itemStatuses(result)).toMatchObject({
    'backend-start': 'pass',
    ready: 'skip',
    teardown: 'pass',
  });
  expect(item(result, 'teardown').summary).toMatch(/^stopped [12] process\(es\) with SIGTERM/);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
});
