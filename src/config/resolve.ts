/**
 * Merged service settings → the ServiceConfig the checklist runs, with the defaults of
 * docs/configuration.md.
 */
import {
  DEFAULT_FORBID_LOG,
  DEFAULT_MAX_LISTENERS,
  DEFAULT_PROBES,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_STOP_TIMEOUT_MS,
} from './defaults.js';
import type { ServiceSettings } from './settings.js';
import type { ServiceConfig } from './types.js';

/** `settings` must carry a port and a name (the loader checks both before calling). */
export function toServiceConfig(
  settings: ServiceSettings & { port: number; name: string },
  defaultCwd: string,
): ServiceConfig {
  return {
    name: settings.name,
    start: settings.start ?? '',
    attach: settings.attach ?? false,
    cwd: settings.cwd ?? defaultCwd,
    port: settings.port,
    env: settings.env ?? {},
    ...(settings.shell === undefined ? {} : { shell: settings.shell }),
    readyTimeoutMs: settings.readyTimeout ?? DEFAULT_READY_TIMEOUT_MS,
    waitOn: settings.waitOn ?? [],
    health: settings.health ?? null,
    baseUrl: settings.baseUrl ?? null,
    endpoints: settings.endpoints ?? [],
    probes: settings.probes ?? DEFAULT_PROBES,
    maxListeners: settings.maxListeners ?? DEFAULT_MAX_LISTENERS,
    onConflict: settings.onConflict ?? 'fail',
    clearBytecode: settings.clearBytecode ?? true,
    expectLog: settings.expectLog ?? [],
    forbidLog: settings.forbidLog ?? [...DEFAULT_FORBID_LOG],
    stopTimeoutMs: settings.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS,
    keepRunning: settings.keepRunning ?? false,
  };
}
