/**
 * Spawns the backend with the platform's spawn options (POSIX: its own process group, so killing
 * the group reaches the shell's children too). Its stdout and stderr go straight into a file, followed by
 * a FileTail into the LogCapture: the output is complete on disk even if this program dies, and
 * a backend kept running after the run never writes into a closed pipe.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { FileTail } from './file-tail.js';
import type { LogCapture } from './log-capture.js';

export interface BackendExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall clock of the exit, epoch milliseconds. */
  atMs: number;
}

export interface Backend {
  pid: number;
  /** The file spawned: the shell running the start command (`/bin/sh`, `cmd.exe`). */
  shell: string;
  /** Resolves when the spawned process itself has exited (its children may live on). */
  exited: Promise<BackendExit>;
  /** Set once exited. */
  exit: BackendExit | null;
  /** Feeds everything written so far to the log capture. */
  readLog(): void;
  /** Stops following the output (reading it to the end) and lets the program exit without it. */
  release(): void;
}

export interface StartOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** undefined: the platform's shell (/bin/sh, cmd.exe). */
  shell?: string;
  /** The file the backend's output is written to. */
  outputPath: string;
  log: LogCapture;
  /** The platform's spawnOptions. */
  detached: boolean;
}

/** Starts the backend: startBackend, or a scripted stand-in in tests that fake the platform. */
export type StartBackend = (opts: StartOptions) => Promise<Backend>;

/** How often new output is read while the backend runs. */
const TAIL_MS = 20;

export function describeExit(exit: BackendExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/**
 * The environment the backend inherits from this program: everything but the action's inputs
 * (`INPUT_*`, how the runner passes `with:` to a step). They are the action's settings, not the
 * backend's, and may hold text the backend must not see or act on. A variable the user names in
 * `env` is given to the backend whatever its name, `INPUT_*` included: asking is explicit.
 */
export function inheritedEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.toUpperCase().startsWith('INPUT_')),
  );
}

export const startBackend: StartBackend = (opts) => {
  const output = openSync(opts.outputPath, 'w');
  return new Promise<Backend>((resolve, reject) => {
    const child = spawn(opts.command, {
      cwd: opts.cwd,
      env: { ...inheritedEnvironment(process.env), ...opts.env },
      shell: opts.shell ?? true,
      detached: opts.detached,
      windowsHide: true,
      stdio: ['ignore', output, output],
    });
    child.once('error', reject);
    child.once('spawn', () => {
      const tail = new FileTail(opts.outputPath, (chunk) => opts.log.write(chunk));
      tail.start(TAIL_MS);
      const backend: Backend = {
        pid: child.pid!,
        shell: child.spawnfile,
        exit: null,
        exited: new Promise((done) =>
          child.once('exit', (code, signal) => {
            backend.exit = { code, signal, atMs: Date.now() };
            done(backend.exit);
          }),
        ),
        readLog: () => tail.read(),
        release: () => {
          tail.stop();
          child.unref();
        },
      };
      resolve(backend);
    });
  }).finally(() => closeSync(output));
};
