/**
 * Runs the checklist for every service and returns one result per item. Services start in the
 * listed order and are torn down in reverse, always — also after a fatal item, an internal error
 * or an interrupt — so no backend is left running.
 */
import type { Config } from '../config/types.js';
import { limit } from '../http/limit.js';
import type { Platform } from '../platform/types.js';
import { serverProcess } from '../process/server.js';
import { VERSION } from '../version.js';
import { startBackend, type StartBackend } from './backend.js';
import { checklistFor, TEARDOWN, teardownFor } from './checklist.js';
import type { ChecklistItem, ItemOutcome } from './item.js';
import { reproduceCommand } from './reproduce.js';
import { ServiceRun } from './service-run.js';
import type { ItemResult, RunResult, ServiceResult } from './types.js';

export interface RunHooks {
  serviceStarted(name: string, port: number): void;
  /** A sequential item begins (endpoint items run concurrently and only report when done). */
  itemStarted(service: string, id: string, title: string): void;
  itemFinished(service: string, item: ItemResult): void;
  progress(text: string): void;
  logLine(service: string, line: string): void;
}

export interface RunDeps {
  platform: Platform;
  hooks: RunHooks;
  redact: (text: string) => string;
  signal: AbortSignal;
  /** Aborted on a second signal (or when an interrupted teardown's time is up): SIGKILL at once. */
  escalate?: AbortSignal;
  /**
   * Called once when `signal` aborts, with the result so far and teardown pending: before
   * teardown starts, or at once when the signal comes during teardown. A CI runner kills the
   * program seconds after its interrupt, maybe during teardown: the reports must exist by then.
   */
  onInterrupt?: (partial: RunResult) => void;
  /** How many endpoint requests run at once, across the endpoints of a service. */
  endpointConcurrency?: number;
  /** Spawns each backend (default: startBackend; tests that fake the platform script it). */
  startBackend?: StartBackend;
}

export async function runChecklist(config: Config, deps: RunDeps): Promise<RunResult> {
  const startedAtMs = performance.now();
  const startedAtWall = new Date();
  const env = {
    platform: deps.platform,
    startBackend: deps.startBackend ?? startBackend,
    reportDir: config.reportDir,
    redact: deps.redact,
    redactsLogs: config.secrets.length > 0,
    progress: deps.hooks.progress,
    logLine: deps.hooks.logLine,
    startedAtMs,
    startedAtWall,
    signal: deps.signal,
    escalate: deps.escalate ?? new AbortController().signal,
  };
  const runs = config.services.map((s) => new ServiceRun(s, env));
  const items = new Map<ServiceRun, ItemResult[]>(runs.map((r) => [r, []]));
  /** The server of each started backend, read when it became ready (see process/server.ts). */
  const servers = new Map<ServiceRun, number>();
  let internalError: string | undefined;

  /** Runs one item (or skips it), catching what it throws; never rejects. */
  const execute = async (service: ServiceRun, item: ChecklistItem, skipReason: string | null) => {
    const begin = performance.now();
    let outcome: ItemOutcome;
    if (skipReason !== null) {
      outcome = { status: 'skip', summary: skipReason };
    } else {
      try {
        // Other items give way to an interrupt, so teardown starts at once (a CI runner kills
        // the job a few seconds after its SIGINT).
        outcome = item.mustFinish
          ? await item.run(service)
          : await orInterrupt(() => item.run(service), deps.signal);
      } catch (err) {
        internalError ??= `${item.id}: ${(err as Error).message}`;
        outcome = {
          status: 'fail',
          summary: `internal error: ${(err as Error).message}`,
          fatal: `internal error in ${item.id}`,
        };
      }
    }
    return { outcome, begin, end: performance.now() };
  };

  /** Records an executed item, reports it, and returns its fatal reason if any. */
  const record = (
    service: ServiceRun,
    item: ChecklistItem,
    run: Awaited<ReturnType<typeof execute>>,
  ) => {
    const { fatal, ...shown } = run.outcome;
    const result: ItemResult = {
      id: item.id,
      title: item.title,
      details: [],
      ...shown,
      startedAtMs: Math.round(run.begin - startedAtMs),
      durationMs: Math.round(run.end - run.begin),
    };
    items.get(service)!.push(result);
    deps.hooks.itemFinished(service.config.name, result);
    return fatal;
  };

  const runItem = async (service: ServiceRun, item: ChecklistItem, skipReason: string | null) => {
    if (skipReason === null) deps.hooks.itemStarted(service.config.name, item.id, item.title);
    return record(service, item, await execute(service, item, skipReason));
  };

  try {
    for (const service of runs) {
      deps.hooks.serviceStarted(service.config.name, service.config.port);
      service.mark('start');
      let afterFatal: string | null = null;
      const { sequential, endpoints } = checklistFor(service.config);
      for (const item of sequential) {
        const skipReason =
          afterFatal !== null && !item.runsAfterFatal?.(service)
            ? afterFatal
            : interrupted(deps.signal);
        const fatal = await runItem(service, item, skipReason);
        if (fatal) afterFatal ??= `skipped: ${fatal}`;
        else if (item.id === 'ready') await noteServer(service);
      }
      const skipReason = afterFatal ?? interrupted(deps.signal);
      if (skipReason !== null || endpoints.length === 0) {
        for (const item of endpoints) await runItem(service, item, skipReason);
      } else {
        service.mark('checks');
        // Probe concurrently, report in order: each item's outcome is awaited in sequence.
        const slot = limit(deps.endpointConcurrency ?? 8);
        const probing = endpoints.map((item) => slot(() => execute(service, item, null)));
        for (const [i, item] of endpoints.entries()) record(service, item, await probing[i]!);
      }
    }
  } finally {
    const reportInterrupt = () => {
      try {
        deps.onInterrupt?.(buildResult(true));
      } catch {
        // Teardown goes on; the final report, written after it, meets the same problem.
      }
    };
    if (deps.signal.aborted) reportInterrupt();
    else deps.signal.addEventListener('abort', reportInterrupt, { once: true });
    for (const service of [...runs].reverse()) {
      await runItem(service, teardownFor(service.config), null);
    }
    deps.signal.removeEventListener('abort', reportInterrupt);
    // Teardown stops it; attach mode and skipped teardowns end it here.
    for (const service of runs) await service.watch.stop();
  }
  for (const service of runs) await review(service);
  return buildResult(false);

  /** While the backend is ready, which of its processes is the server (never fails the run). */
  async function noteServer(service: ServiceRun) {
    const backend = service.backend;
    if (backend === null || items.get(service)!.at(-1)?.status !== 'pass') return;
    try {
      const all = await deps.platform.listProcesses();
      const server = serverProcess(all, { pid: backend.pid, shell: backend.shell });
      if (server !== null) servers.set(service, server.pid);
    } catch {
      // Unknown: the output falls back to the spawned pid.
    }
  }

  /** The listener items judge again over the whole watch, teardown included. */
  async function review(service: ServiceRun) {
    const list = items.get(service)!;
    for (const item of checklistFor(service.config).sequential) {
      const index = list.findIndex((r) => r.id === item.id);
      const earlier = list[index];
      if (!item.review || !earlier || earlier.status === 'fail' || earlier.status === 'skip')
        continue;
      const revised = await item.review(service);
      if (!revised) continue;
      const { fatal: _fatal, ...shown } = revised;
      list[index] = { ...earlier, details: [], ...shown };
      deps.hooks.itemFinished(service.config.name, list[index]!);
    }
  }

  /** The result as it stands; `teardownPending`: services not yet torn down show it pending. */
  function buildResult(teardownPending: boolean): RunResult {
    const services: ServiceResult[] = runs.map((run) => {
      const done = items.get(run)!;
      const list =
        teardownPending && !done.some((i) => i.id === TEARDOWN.id)
          ? [...done, pendingTeardown(run, Math.round(performance.now() - startedAtMs))]
          : done;
      return {
        name: run.config.name,
        port: run.config.port,
        attach: run.attach,
        result: list.some((i) => i.status === 'fail') ? 'fail' : 'pass',
        items: list,
        listeners: listenerPicture(run, list),
        ...(run.watch.skipped.length > 0 ? { skippedRows: run.watch.skipped } : {}),
        backendPid: run.backend?.pid ?? null,
        ...(servers.has(run) ? { serverPid: servers.get(run)! } : {}),
        marker: run.backend ? run.marker : null,
        logPath: run.log ? run.logPath : null,
        logTail: run.log?.tail() ?? [],
        timeline: [...run.timeline, ...run.watch.events()].sort((a, b) => a.atMs - b.atMs),
        socketSpans: [...run.watch.records.values()].map((r) => ({
          socketId: r.socket.socketId,
          firstSeenMs: r.firstSeenMs,
          goneMs: r.goneMs,
        })),
      };
    });
    return {
      version: 1,
      tool: { name: 'single-listener-check', version: VERSION },
      // An interrupted run checked less than it should have: never a pass.
      result:
        services.every((s) => s.result === 'pass') && !internalError && !deps.signal.aborted
          ? 'pass'
          : 'fail',
      startedAt: startedAtWall.toISOString(),
      durationMs: Math.round(performance.now() - startedAtMs),
      platform: deps.platform.name,
      services,
      reproduce: reproduceCommand(config),
      ...(deps.signal.aborted ? { interrupted: String(deps.signal.reason ?? 'interrupted') } : {}),
      ...(internalError ? { error: internalError } : {}),
    };
  }
}

/**
 * Teardown in a report written before it ended: if that report is the last one, the program was
 * killed during teardown (README, "Cancellation"), and the backend may still be running.
 */
function pendingTeardown(run: ServiceRun, atMs: number): ItemResult {
  const pending =
    'pending: this report was written before teardown ended and is rewritten when it ends';
  const killed = run.backend
    ? `; if it was not, the program was killed first and the backend (pid ${run.backend.pid}) may still be running`
    : '';
  return {
    id: TEARDOWN.id,
    title: TEARDOWN.title,
    status: 'skip',
    summary: pending + killed,
    details: [],
    startedAtMs: atMs,
    durationMs: 0,
  };
}

/**
 * Every socket the watch saw on the port during the run; before anything was started (the port
 * was held), the holders the last item read.
 */
function listenerPicture(run: ServiceRun, list: ItemResult[]) {
  const seen = run.watch.seen();
  if (seen.length > 0) return seen;
  return [...list].reverse().find((i) => (i.listeners?.length ?? 0) > 0)?.listeners ?? [];
}

function interrupted(signal: AbortSignal): string | null {
  return signal.aborted ? `skipped: ${interruptReason(signal)}` : null;
}

const interruptReason = (signal: AbortSignal) =>
  `interrupted (${String(signal.reason ?? 'signal')})`;

/**
 * The item's outcome, or a skip when the run is interrupted first. The item's own work is
 * abandoned, not awaited: an in-flight request ends when teardown stops the backend. An endpoint
 * item that waited for a free slot until after the interrupt does not start at all.
 */
function orInterrupt(run: () => Promise<ItemOutcome>, signal: AbortSignal): Promise<ItemOutcome> {
  const skipped = (summary: string): ItemOutcome => ({ status: 'skip', summary });
  if (signal.aborted) return Promise.resolve(skipped(`skipped: ${interruptReason(signal)}`));
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(skipped(`${interruptReason(signal)} before it finished`));
    signal.addEventListener('abort', onAbort, { once: true });
    run()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
