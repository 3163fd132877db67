/**
 * The one way the macOS and Windows platforms run a tool. Injected into the platform factories
 * so tests feed recorded output instead of mocking modules.
 */

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The exit code: a non-zero exit resolves (lsof exits 1 for "no match"), it does not reject. */
  code: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Runs `file` with `args`, no shell. Resolves with the output and exit code; rejects when the
 * tool cannot be started (the error keeps `code: 'ENOENT'`), times out or is killed.
 */
export type RunCommand = (
  file: string,
  args: readonly string[],
  opts?: RunOptions,
) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 10_000;
/** `ps -A` or `Win32_Process` on a busy machine runs to megabytes. */
const MAX_BUFFER = 64 * 1024 * 1024;

export const runCommand: RunCommand = async (file, args, opts = {}) => {
  // Loaded on first use: Linux reads /proc and runs no tool (a short command stays lean).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    execFile(
      file,
      args,
      { env: opts.env, timeout, maxBuffer: MAX_BUFFER, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ stdout, stderr, code: 0 });
        if (typeof error.code === 'number') return resolve({ stdout, stderr, code: error.code });
        // `killed` without an error code: our timeout fired (a maxBuffer overflow carries its own code).
        if (error.killed && error.code == null) {
          return reject(
            new Error(`${file} did not finish within ${timeout / 1000} s and was stopped`),
          );
        }
        reject(error);
      },
    );
  });
};

/** True when the tool itself is missing (not on PATH). */
export function isMissingTool(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as NodeJS.ErrnoException).code === 'ENOENT'
  );
}
