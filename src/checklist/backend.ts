/**
 * Spawns the backend in its own process group (POSIX: detached → new session; killing the
 * group reaches the shell's children too) and pipes its output into a LogCapture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { LogCapture } from './log-capture.js';

export interface BackendExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Backend {
  pid: number;
  child: ChildProcess;
  /** Resolves when the spawned process itself has exited (its children may live on). */
  exited: Promise<BackendExit>;
  /** Resolves when its output pipes are closed too (every holder of them has exited). */
  drained: Promise<void>;
  /** Set once exited. */
  exit: BackendExit | null;
}

export interface StartOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** undefined: the platform's shell (/bin/sh, cmd.exe). */
  shell?: string;
  log: LogCapture;
}

const IS_WINDOWS = process.platform === 'win32';

export function describeExit(exit: BackendExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

export function startBackend(opts: StartOptions): Promise<Backend> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.command, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      shell: opts.shell ?? true,
      detached: !IS_WINDOWS,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => opts.log.write(d));
    child.stderr.on('data', (d: Buffer) => opts.log.write(d));
    child.once('error', reject);
    child.once('spawn', () => {
      const backend: Backend = {
        pid: child.pid!,
        child,
        exit: null,
        exited: new Promise((done) =>
          child.once('exit', (code, signal) => {
            backend.exit = { code, signal };
            done(backend.exit);
          }),
        ),
        drained: new Promise((done) => child.once('close', () => done())),
      };
      resolve(backend);
    });
  });
}
