/** A complete ServiceConfig and RunEnvironment for millisecond tests, with only what matters given. */
import { startBackend } from '../../src/checklist/backend.js';
import type { RunEnvironment } from '../../src/checklist/service-run.js';
import { DEFAULT_FORBID_LOG, type ServiceConfig } from '../../src/config/types.js';
import type { Platform } from '../../src/platform/types.js';

export function serviceConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    name: 'backend',
    start: 'python3 app.py',
    attach: false,
    cwd: '/tmp',
    port: 5000,
    env: {},
    readyTimeoutMs: 10_000,
    waitOn: [],
    health: null,
    baseUrl: null,
    endpoints: [],
    probes: 3,
    maxListeners: 1,
    onConflict: 'fail',
    clearBytecode: false,
    expectLog: [],
    forbidLog: DEFAULT_FORBID_LOG,
    stopTimeoutMs: 10_000,
    settleTime: 100,
    keepRunning: false,
    ...overrides,
  };
}

export function runEnvironment(
  platform: Platform,
  overrides: Partial<RunEnvironment> = {},
): RunEnvironment {
  return {
    platform,
    startBackend,
    reportDir: '/nonexistent-never-written',
    redact: (text) => text,
    redactsLogs: false,
    progress: () => undefined,
    logLine: () => undefined,
    startedAtMs: 0,
    startedAtWall: new Date(),
    signal: new AbortController().signal,
    escalate: new AbortController().signal,
    ...overrides,
  };
}
