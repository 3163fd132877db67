// Process bookkeeping for the benchmarks: everything is started in its own process group and
// stopped by pid / process group — in a finally, on SIGINT/SIGTERM and at exit. Never by name.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Wall clock, ms with sub-ms precision: comparable with what other processes record. */
export const wallNow = () => performance.timeOrigin + performance.now();

const groups = new Set();

function signal(target, sig) {
  try {
    process.kill(target, sig);
  } catch {
    // already gone (ESRCH)
  }
}

/** SIGKILLs every process group the benchmarks started and have not stopped yet. */
export function killAll() {
  for (const pgid of groups) signal(-pgid, 'SIGKILL');
  groups.clear();
}

/** Stops one group started by spawnGroup (and forgets it). */
export function killGroup(pgid) {
  signal(-pgid, 'SIGKILL');
  groups.delete(pgid);
}

/**
 * Stops a benchmark backend by the pid it recorded, if it still runs (a tool under test should
 * have stopped it). The command line is checked first, so a reused pid is never hit.
 */
export function reapBackend(mark) {
  if (!mark) return;
  try {
    const cmdline = readFileSync(`/proc/${mark.pid}/cmdline`, 'utf8');
    if (cmdline.includes('bench/fixtures/backend.mjs')) signal(mark.pid, 'SIGKILL');
  } catch {
    // gone
  }
}

let installed = false;
/** Cleanup (every group, then `extra`, e.g. removing temporary files) on interrupt and at exit. */
export function installCleanup(extra = () => {}) {
  if (installed) return;
  installed = true;
  const cleanup = () => {
    killAll();
    extra();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
}

/**
 * Spawns a command as the leader of a new process group. `exited` resolves with the code and
 * the wall time the exit was seen; `lineAt(re)` resolves with the wall time of the first stdout
 * line matching re (or null if the process ends first).
 */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
  groups.add(child.pid);
  let stdout = '';
  let stderr = '';
  const watchers = [];
  child.stdout?.on('data', (chunk) => {
    const at = wallNow();
    stdout += chunk;
    for (const w of watchers) {
      if (w.done || !w.re.test(stdout)) continue;
      w.done = true;
      w.resolve(at);
    }
  });
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, sig) => resolve({ code, signal: sig, at: wallNow() }));
  });
  const closed = new Promise((resolve) => child.on('close', resolve));
  const lineAt = (re) =>
    new Promise((resolve) => {
      watchers.push({ re, resolve, done: false });
      void closed.then(() => resolve(null));
    });
  return {
    pid: child.pid,
    exited,
    lineAt,
    output: async () => (await closed, { stdout, stderr }),
    stdoutSoFar: () => stdout,
  };
}

/** A port nothing listens on right now (both families). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '::', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The backend's mark ({pid, event, at}), or null when it never wrote one. */
export function readMark(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Runs a command to completion and returns its elapsed ms (measured here) and exit code. */
export async function timeCommand(command, args, options = {}) {
  const begin = performance.now();
  const proc = spawnGroup(command, args, options);
  const { code } = await proc.exited;
  const ms = performance.now() - begin;
  killGroup(proc.pid); // anything it left behind in its group
  await proc.output();
  return { ms, code };
}
