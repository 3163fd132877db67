/**
 * Shared by the reliability tests: scratch folders, the program bundled from the current
 * sources (run as a child, as users run it), backends marked so every process of their tree
 * can be found in /proc — even one that daemonized — and the report a run left behind.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { run as runAction } from '../../src/action/main.js';
import { inputEnvName } from '../../src/config/text-settings.js';
import type { RunResult } from '../../src/checklist/types.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/cli-io.js';
import { trackPid } from '../helpers/procs.js';

/** The misbehaving backend: `node <BACKEND> <port> [behaviour...]` (see backend.mjs). */
const BACKEND = fileURLToPath(new URL('./backend.mjs', import.meta.url));

/** `node '<BACKEND>' <port> <behaviours>` as a start command. */
export function backendCommand(port: number, ...behaviours: string[]): string {
  return [process.execPath, BACKEND, String(port), ...behaviours]
    .map((w) => `'${w.replace(/'/g, `'\\''`)}'`)
    .join(' ');
}

const scratch: string[] = [];

/** A fresh folder, removed by removeScratch (call it in afterAll). */
export function scratchDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-reliability-'));
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// ── The bundled program: see ../helpers/bundled-cli.ts

export { bundledCli } from '../helpers/bundled-cli.js';

export interface ChildRun {
  pid: number;
  /** Exit code, or 128 + signal number when killed by a signal. */
  exited: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  /** Closes our end of its stdout pipe: its next write fails with EPIPE (a `| head` reader). */
  closeStdout: () => void;
}

/**
 * Runs a bundle as its own process (its own group, tracked for cleanup). With `stdoutFile`,
 * stdout goes to that file instead of memory (for runs that print hundreds of MB).
 */
export function runBundle(
  bundle: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; stdoutFile?: string },
): ChildRun {
  const fd = opts.stdoutFile === undefined ? null : openSync(opts.stdoutFile, 'w');
  const child = spawn(process.execPath, [bundle, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', fd ?? 'pipe', 'pipe'],
  });
  if (fd !== null) closeSync(fd);
  trackPid(child.pid!);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.once('close', (code, signal) =>
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    ),
  );
  return {
    pid: child.pid!,
    exited,
    stdout: () => out,
    stderr: () => err,
    closeStdout: () => child.stdout?.destroy(),
  };
}

/** The promise's value, or 'timed out' after `ms` (the timer never outlives the promise). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ── In-process front ends ───────────────────────────────────────────────────

/** `main(argv)` with its output captured. */
export async function runCli(argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/**
 * The action's run(env) with `inputs` as INPUT_* variables (as the composite step passes them)
 * and what it printed to stdout (the live view and @actions/core's `::error::` commands).
 */
export async function runActionInputs(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
) {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const inputEnv = Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [inputEnvName(name), value]),
    );
    const code = await runAction({ ...inputEnv, ...env });
    return { code, stdout: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

// ── Backend trees, found through /proc ──────────────────────────────────────

/**
 * A mark for one backend: `SLC_RELIABILITY_MARK=<uuid>` in its environment, which every process
 * of its tree inherits, whether it stays in the group or daemonizes.
 */
export function newMark(): string {
  return `SLC_RELIABILITY_MARK=${randomUUID()}`;
}

interface ProcRow {
  pid: number;
  state: string;
  pgid: number;
}

function readProcRow(pid: number): ProcRow | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0]!, pgid: Number(fields[2]) };
  } catch {
    return null; // exited during the scan
  }
}

function hasMark(pid: number, mark: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark);
  } catch {
    return false;
  }
}

/**
 * Live (non-zombie) processes that carry `mark` or sit in process group `pgid` (the backend's
 * own group: its pid). Empty means nothing of the backend's tree is left.
 */
export function leftovers(mark: string, pgid: number | null = null): number[] {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return pids
    .map(readProcRow)
    .filter((row): row is ProcRow => row !== null && row.state !== 'Z')
    .filter((row) => hasMark(row.pid, mark) || (pgid !== null && row.pgid === pgid))
    .map((row) => row.pid);
}

/** Hands every live process carrying `mark` to cleanupProcesses (call before it, in afterEach). */
export function trackMarked(mark: string): void {
  for (const pid of leftovers(mark)) trackPid(pid);
}

// ── Reports ─────────────────────────────────────────────────────────────────

export function readReport(reportDir: string): RunResult {
  return JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunResult;
}

/** Leftovers of an interrupted atomic write (`.<name>.<pid>.<hex>.tmp`). */
export function tempFilesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tmp')) : [];
}

/** The item of the only service with this id; fails the test when it is missing. */
export function itemOf(report: RunResult, id: string) {
  const item = report.services[0]?.items.find((i) => i.id === id);
  if (item === undefined) throw new Error(`no item ${id} in the report`);
  return item;
}
