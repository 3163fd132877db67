// `node bench/windows-liveness.mjs`: Windows teardown liveness and PowerShell time-outs, measured
// on any OS with a fake runner that answers like Windows and takes 400 ms per PowerShell call (a
// warm `powershell.exe` running a CIM query; a cold one takes longer). Prints the figures of
// docs/benchmarks.md, "Windows: teardown liveness"; never fails on timing.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundle } from './lib/build.mjs';

const POWERSHELL_MS = 400;
/** The processes exit at 1 s, 1.13 s, … 1.52 s into the wait: every phase of a 650 ms poll cycle. */
const EXIT_AFTER_MS = [1000, 1130, 1260, 1390, 1520];
const RUNS = EXIT_AFTER_MS.length;

const { createWindowsPlatform, waitGone, POWERSHELL_TIMEOUT_MS } = await import(
  new URL(`../${bundle('bench/windows-liveness-entry.ts', 'windows-liveness')}`, import.meta.url)
    .href
);

/**
 * A machine whose processes all exit `EXIT_AFTER_MS` after `start`. Each PowerShell call takes
 * POWERSHELL_MS; with `cores`, at most that many run at once (the rest queue, as PowerShell
 * starts are CPU-bound), else any number overlap.
 */
function machine(pids, cores, exitAfterMs) {
  const start = performance.now();
  const stats = { calls: 0 };
  let running = 0;
  const queue = [];
  const slot = async () => {
    if (cores === undefined) return;
    while (running >= cores) await new Promise((resolve) => queue.push(resolve));
    running += 1;
  };
  const release = () => {
    if (cores === undefined) return;
    running -= 1;
    queue.shift()?.();
  };
  const run = async (file, args) => {
    if (file !== 'pwsh') throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    await slot();
    stats.calls += 1;
    await sleep(POWERSHELL_MS);
    release();
    const script = Buffer.from(args.at(-1), 'base64').toString('utf16le');
    const asked = [...script.matchAll(/ProcessId=(\d+)/g)].map((m) => Number(m[1]));
    const alive = performance.now() - start < exitAfterMs ? asked : [];
    const rows = alive.map((pid) => ({
      ProcessId: pid,
      ParentProcessId: 1,
      Name: 'python.exe',
      CommandLine: 'python -m http.server 8765',
      CreationDate: '2026-12-02T23:00:00.000Z',
    }));
    return { stdout: JSON.stringify(rows), stderr: '', code: 0 };
  };
  const procs = pids.map((pid) => ({
    pid,
    ppid: 1,
    name: 'python.exe',
    command: 'python -m http.server 8765',
    startedAt: '2026-12-02T23:00:00.000Z',
    state: 'running',
  }));
  return { platform: createWindowsPlatform(run), procs, stats, start };
}

/** The platform as teardown used it before: one getProcess per pid, the 20 ms default poll. */
const perPid = (platform) => ({ ...platform, getProcesses: undefined, livenessPollMs: undefined });

async function measure(n, cores, before) {
  const results = [];
  for (let i = 0; i < RUNS; i++) {
    const { platform, procs, stats, start } = machine(
      Array.from({ length: n }, (_, k) => 4000 + k),
      cores,
      EXIT_AFTER_MS[i],
    );
    await waitGone(before ? perPid(platform) : platform, procs, 10_000);
    const total = performance.now() - start;
    results.push({ calls: stats.calls, lag: total - EXIT_AFTER_MS[i] });
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    calls: median(results.map((r) => r.calls)),
    lag: Math.round(median(results.map((r) => r.lag))),
  };
}

console.log(
  `Processes exit ${EXIT_AFTER_MS.join(', ')} ms into the wait (one run each); each PowerShell call takes ${POWERSHELL_MS} ms; medians.\n`,
);
console.log(
  '| processes | model | before: PowerShell calls, exit seen after | now: PowerShell calls, exit seen after |',
);
console.log('| --- | --- | --- | --- |');
for (const n of [1, 3, 5]) {
  for (const [label, cores] of [
    ['calls overlap freely', undefined],
    ['2 cores: 2 at a time', 2],
  ]) {
    const before = await measure(n, cores, true);
    const now = await measure(n, cores, false);
    console.log(
      `| ${n} | ${label} | ${before.calls} calls, +${before.lag} ms | ${now.calls} calls, +${now.lag} ms |`,
    );
  }
}

// Both PowerShells hanging: what a read waits before netstat, over three reads (computed from the
// time-outs the runner is given; nothing sleeps).
const waited = [];
const hung = async (file, _args, opts = {}) => {
  if (file === 'pwsh' || file === 'powershell.exe') {
    waited.push(opts.timeoutMs ?? 10_000);
    throw new Error(
      `${file} did not finish within ${(opts.timeoutMs ?? 0) / 1000} s and was stopped`,
    );
  }
  if (file === 'netstat') return { stdout: '', stderr: '', code: 0 };
  return { stdout: '', stderr: '', code: 0 };
};
const platform = createWindowsPlatform(hung);
const perRead = [];
for (let read = 0; read < 3; read++) {
  waited.length = 0;
  await platform.listListeners(8765);
  perRead.push(waited.reduce((a, b) => a + b, 0) / 1000);
}
console.log(
  `\nBoth PowerShells hanging (time-out ${POWERSHELL_TIMEOUT_MS / 1000} s each): seconds waited before netstat on reads 1, 2, 3: ${perRead.join(', ')} (before: 15 s × 2 = 30 s on every read).`,
);
