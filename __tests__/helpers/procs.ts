/**
 * Real processes for tests: free ports, spawned servers tracked by pid, and cleanup that
 * stops only what the test started (its process groups), never anything by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';
import { existsSync } from 'node:fs';

/** Debian's python3 (python3-flask, gunicorn live in its dist-packages, not in pyenv's). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const GUNICORN = '/usr/bin/gunicorn';

const started = new Set<number>();

/** A port nothing listens on, on any address or family (the kernel picks it on `::` dual-stack). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  output: () => string;
}

/**
 * Spawns in its own process group (so cleanup stops the whole tree) and resolves once `readyText`
 * appears on stdout/stderr (or at once when not given).
 */
export async function spawnTracked(
  cmd: string,
  args: string[],
  opts: SpawnOptions & { readyText?: string | RegExp; timeoutMs?: number } = {},
): Promise<Spawned> {
  const { readyText, timeoutMs = 15000, ...spawnOpts } = opts;
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...spawnOpts,
  });
  if (child.pid === undefined) throw new Error(`spawn failed: ${cmd}`);
  const pid = child.pid;
  started.add(pid);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const spawned = { child, pid, output: () => out };
  if (readyText === undefined) return spawned;
  await new Promise<void>((resolve, reject) => {
    const matches = () =>
      typeof readyText === 'string' ? out.includes(readyText) : readyText.test(out);
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`${cmd} not ready after ${timeoutMs} ms; output:\n${out}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (matches()) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`${cmd} exited (${child.exitCode ?? child.signalCode}); output:\n${out}`));
      }
    }, 20);
  });
  return spawned;
}

/** Python code run by Debian's python3; `readyText` defaults to READY (print it after listen). */
export function spawnPython(code: string, opts: Parameters<typeof spawnTracked>[2] = {}) {
  return spawnTracked(PYTHON, ['-u', '-c', code], { readyText: 'READY', ...opts });
}

/** Marks a pid started by other means (e.g. through a program under test) for cleanup. */
export function trackPid(pid: number): void {
  started.add(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops every process group the test started: SIGKILL to each group and its leader. Call in afterEach. */
export async function cleanupProcesses(): Promise<void> {
  for (const pid of started) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const deadline = Date.now() + 5000;
  while ([...started].some(alive) && Date.now() < deadline) await sleep(20);
  started.clear();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
