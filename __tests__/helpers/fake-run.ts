/**
 * The checklist runner on a FakeSystem under jest's fake clock: no real process, a run of many
 * seconds in milliseconds. Call useFakeClock() in beforeEach, then build the FakeSystem.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChecklist, type RunDeps, type RunHooks } from '../../src/checklist/runner.js';
import type { ItemResult, RunResult } from '../../src/checklist/types.js';
import type { Config, ServiceConfig } from '../../src/config/types.js';
import { parseWaitOnResource } from '../../src/config/wait-on.js';
import type { FakeSystem } from './fake-platform.js';
import { serviceConfig } from './service-config.js';

/** Far more fake time than any scripted run needs: a run still going then is stuck. */
const MAX_FAKE_MS = 15 * 60_000;
/** Fake time per real event-loop turn: half the watch's poll, so no poll is skipped over. */
const STEP_MS = 5;

/**
 * Fake timers, Date and performance; setImmediate stays real so file reads (the report folder,
 * the wait-on file) complete between the clock's ticks. Undone in afterEach.
 */
export function useFakeClock(): void {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
}

/**
 * A service for the fake system: readiness waits on a file that exists (no network), so a socket
 * the backend holds on the port is what makes it ready.
 */
export function fakeService(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return serviceConfig({
    start: 'python3 app.py',
    cwd: process.cwd(),
    waitOn: [parseWaitOnResource(path.join(process.cwd(), 'package.json'))],
    ...overrides,
  });
}

export interface FakeRun {
  result: RunResult;
  /** `service item status`, in the order items finished (reviews included). */
  finished: string[];
  /** Calls of onInterrupt, with the partial result. */
  partials: RunResult[];
}

/** Runs the checklist on `system`, advancing the fake clock until the run ends. */
export async function runOnFake(
  system: FakeSystem,
  services: ServiceConfig[],
  deps: Partial<Omit<RunDeps, 'hooks'>> & { hooks?: Partial<RunHooks> } = {},
): Promise<FakeRun> {
  const reportDir = mkdtempSync(path.join(tmpdir(), 'slc-fake-'));
  const config: Config = { services, reportDir, secrets: [], configPath: null };
  const finished: string[] = [];
  const partials: RunResult[] = [];
  const noop = () => undefined;
  let settled = false;
  const running = runChecklist(config, {
    platform: system.platform,
    startBackend: system.startBackend,
    redact: (text) => text,
    signal: new AbortController().signal,
    onInterrupt: (partial) => partials.push(partial),
    ...deps,
    hooks: {
      serviceStarted: noop,
      itemStarted: noop,
      progress: noop,
      logLine: noop,
      ...deps.hooks,
      itemFinished: (service: string, item: ItemResult) => {
        finished.push(`${service} ${item.id} ${item.status}`);
        deps.hooks?.itemFinished?.(service, item);
      },
    },
  }).finally(() => (settled = true));
  try {
    while (!settled) {
      if (system.now() > MAX_FAKE_MS) throw new Error('the run did not end on the fake clock');
      await new Promise((resolve) => setImmediate(resolve));
      await jest.advanceTimersByTimeAsync(STEP_MS);
    }
    return { result: await running, finished, partials };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/** The item's result in the (single or named) service. */
export function itemOf(result: RunResult, id: string, service = 0): ItemResult {
  const item = result.services[service]!.items.find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id}`);
  return item;
}

/** `id status` for every item of a service, in the checklist's order. */
export function statuses(result: RunResult, service = 0): string[] {
  return result.services[service]!.items.map((i) => `${i.id} ${i.status}`);
}
