/**
 * The `on-conflict: kill` guards (README, "Kill is all or nothing"), end to end through a run
 * (issue 7 item 5): the holder of the port is PID 1, the program itself, one of its ancestors, or
 * another user's process. Each time port-free fails saying why, the holder keeps running and
 * nothing is started. The guard function itself (killRefusal) and stopProcessTree are unit-tested
 * on real processes in __tests__/process/stop.int.test.ts; `free --kill` against another user's holder
 * in __tests__/cli/free.int.test.ts.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pythonListenCode } from '../helpers/real-listeners.js';
import { cleanupProcesses, freePort, PYTHON, spawnTracked, until } from '../helpers/procs.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { RunResult } from '../../src/checklist/types.js';
import { bundledCli, itemOf, readReport, removeScratch, runCli, scratchDir } from './helpers.js';

afterEach(cleanupProcesses);
afterAll(removeScratch);

/** A run with on-conflict kill whose start command would create a marker file. */
function killRun(port: number) {
  const dir = scratchDir();
  const reportDir = path.join(dir, 'reports');
  const marker = path.join(dir, 'started');
  const argv = [
    ...['--start', `touch '${marker}'`, '--port', String(port), '--cwd', dir],
    ...['--report-dir', reportDir, '--on-conflict', 'kill', '--stop-timeout', '2s'],
  ];
  return { argv, reportDir, marker };
}

/** port-free refused with `reason` (`s` flag: a holder's command line may span lines), nothing started, the exit code 1. */
function expectRefused(report: RunResult, code: number | string, marker: string, reason: RegExp) {
  expect(code).toBe(1);
  const portFree = itemOf(report, 'port-free');
  expect(portFree.status).toBe('fail');
  expect(portFree.summary).toMatch(
    /^on-conflict: kill stopped nothing: \d+ of \d+ holders? of port \d+ (and .+ )?may not be stopped$/,
  );
  expect(portFree.diagnosis).not.toMatch(/on-conflict: kill`|free --port \d+ --kill/);
  expect(portFree.details.join('\n')).toMatch(reason);
  expect(itemOf(report, 'backend-start').status).toBe('skip');
  expect(existsSync(marker)).toBe(false);
}

async function holds(pid: number, port: number): Promise<boolean> {
  const sockets = await linuxPlatform.listListeners(port);
  return sockets.some((s) => s.processes.some((p) => p.pid === pid));
}

test("another user's holder: refused, still listening", async () => {
  const port = await freePort();
  const holder = await spawnTracked(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', PYTHON, '-u', '-c'].concat(
      pythonListenCode(port, { host: '127.0.0.1' }),
    ),
    { readyText: 'READY', cwd: '/tmp' },
  );
  const run = killRun(port);
  const { code } = await runCli(run.argv);
  expectRefused(
    readReport(run.reportDir),
    code,
    run.marker,
    new RegExp(`pid ${holder.pid} \\(.*\\) belongs to uid 65534, not to us`, 's'),
  );
  expect(await holds(holder.pid, port)).toBe(true);
});

test('the program itself holds the port: refused, still listening', async () => {
  const port = await freePort();
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    const run = killRun(port);
    const { code } = await runCli(run.argv); // in this very process
    expectRefused(
      readReport(run.reportDir),
      code,
      run.marker,
      new RegExp(`pid ${process.pid} \\(.*\\) is single-listener-check itself`, 's'),
    );
    expect(await holds(process.pid, port)).toBe(true);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * Python that listens on the port, then runs the bundled CLI as its child (so the holder is the
 * CLI's parent) and prints `CLI_EXIT <code>`. `wrapper` runs the Python (e.g. in a new PID
 * namespace, where it is PID 1).
 */
async function holderRunningTheCli(port: number, wrapper: string[]) {
  const run = killRun(port);
  const code = [
    pythonListenCode(port, { host: '127.0.0.1' }).replace(/\ntime\.sleep\(600\)$/, ''),
    'import subprocess, sys',
    'print("CLI_EXIT", subprocess.run(sys.argv[1:]).returncode, flush=True)',
    'time.sleep(600)',
  ].join('\n');
  const cli = [process.execPath, bundledCli(), ...run.argv];
  const holder = await spawnTracked(wrapper[0] ?? PYTHON, [
    ...wrapper.slice(1),
    ...(wrapper.length > 0 ? [PYTHON] : []),
    ...['-u', '-c', code, ...cli],
  ]);
  await until(() => /CLI_EXIT (\d+)/.test(holder.output()), 60_000);
  const exitCode = Number(/CLI_EXIT (\d+)/.exec(holder.output())![1]);
  return { run, exitCode, holder };
}

test('an ancestor of the program holds the port: refused, still listening', async () => {
  const port = await freePort();
  const { run, exitCode, holder } = await holderRunningTheCli(port, []);
  const report = readReport(run.reportDir);
  expectRefused(
    report,
    exitCode,
    run.marker,
    new RegExp(`pid ${holder.pid} \\(.*\\) is an ancestor of single-listener-check`, 's'),
  );
  expect(await holds(holder.pid, port)).toBe(true);
}, 120_000);

test('PID 1 holds the port (in a PID namespace of its own): refused, still listening', async () => {
  const port = await freePort();
  const { run, exitCode } = await holderRunningTheCli(port, [
    'unshare',
    '--pid',
    '--fork',
    '--mount-proc',
  ]);
  expectRefused(
    readReport(run.reportDir),
    exitCode,
    run.marker,
    /pid 1 \(.*\) is PID 1 \(init\), which is never stopped/s,
  );
  // Seen from here the namespace's PID 1 has another pid; it still holds the port.
  expect(await linuxPlatform.listListeners(port)).toHaveLength(1);
}, 120_000);
