/**
 * The defaults of docs/configuration.md's settings table, in one place: the loader applies them and
 * `--help` shows them.
 */
import path from 'node:path';
import type { StatusSpec } from './types.js';
export { DEFAULT_FORBID_LOG } from './types.js';

export const DEFAULT_CONFIG_FILE = '.single-listener.yml';
export const DEFAULT_SERVICE_NAME = 'backend';
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
export const DEFAULT_PROBES = 3;
export const DEFAULT_MAX_LISTENERS = 1;
export const DEFAULT_ENDPOINT_STATUS: StatusSpec = ['2xx'];
export const DEFAULT_HEALTH_STATUS: StatusSpec = [200];

/** `$RUNNER_TEMP/single-listener-check` on a runner, else `.single-listener-check` under `cwd`. */
export function defaultReportDir(env: Record<string, string | undefined>, cwd: string): string {
  const runnerTemp = env.RUNNER_TEMP;
  return runnerTemp
    ? path.resolve(cwd, runnerTemp, 'single-listener-check')
    : path.resolve(cwd, '.single-listener-check');
}
