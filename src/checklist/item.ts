/** What one checklist item is and what it returns; the runner adds timing and ids. */
import { describeSkippedRow } from '../process/describe.js';
import type { ListenerSocket } from '../platform/types.js';
import type { ItemStatus, ProbeResult } from './types.js';
import type { ServiceRun } from './service-run.js';

export interface ItemOutcome {
  status: ItemStatus;
  summary: string;
  details?: string[];
  diagnosis?: string;
  listeners?: ListenerSocket[];
  probes?: ProbeResult[];
  /** See ItemResult.crashLine. */
  crashLine?: string;
  /** See ItemResult.nextStep. */
  nextStep?: string;
  /** See ItemResult.flapping. */
  flapping?: boolean;
  /** The rest of the checklist is meaningless after this: later items skip with this reason. */
  fatal?: string;
}

export interface ChecklistItem {
  id: string;
  title: string;
  /**
   * Runs to its end even when the run is interrupted: it starts or stops processes, and
   * abandoning it halfway would leave a backend that teardown does not know about.
   */
  mustFinish?: boolean;
  /** Only about a backend this run started: attach mode skips it (checklistFor decides). */
  startedBackendOnly?: boolean;
  run(service: ServiceRun): Promise<ItemOutcome>;
  /**
   * After a fatal item the rest of the checklist skips, except an item that says it still has
   * something to judge (logs: whatever the backend wrote before it crashed).
   */
  runsAfterFatal?(service: ServiceRun): boolean;
  /**
   * Judges again once teardown has ended, over everything the port watch saw: returns the new
   * outcome when the verdict changes (a pass that no longer holds), else null.
   */
  review?(service: ServiceRun): Promise<ItemOutcome | null>;
}

export const pass = (summary: string, more: Partial<ItemOutcome> = {}): ItemOutcome => ({
  status: 'pass',
  summary,
  ...more,
});
export const fail = (summary: string, more: Partial<ItemOutcome> = {}): ItemOutcome => ({
  status: 'fail',
  summary,
  ...more,
});
export const warn = (summary: string, more: Partial<ItemOutcome> = {}): ItemOutcome => ({
  status: 'warn',
  summary,
  ...more,
});
export const skip = (summary: string): ItemOutcome => ({ status: 'skip', summary });

/** The reason attach-mode items give (README, "Attach mode"). */
export const ATTACH_SKIP = 'attach mode: nothing was started, the server was started elsewhere';

/** The line before a log tail in an item's details (the terminal, which printed them, cuts there). */
export const LOG_TAIL_HEADING = 'last log lines:';

/** The backend's last log lines, for the details of a failure: always the details' last lines. */
export function logTail(service: ServiceRun): string[] {
  if (!service.log) return []; // attach mode: the backend's output is not ours to read
  const tail = service.log.tail();
  return tail.length > 0 ? [LOG_TAIL_HEADING, ...tail] : ['the backend printed nothing'];
}

/**
 * A pass that rests on a partial view becomes a warning naming what could not be read: the
 * platform printed rows it could not read, which may hide a listener (never a silent pass).
 */
export function unlessPartial(outcome: ItemOutcome, service: ServiceRun): ItemOutcome {
  const skipped = service.watch.skipped;
  if (outcome.status !== 'pass' || skipped.length === 0) return outcome;
  return {
    ...outcome,
    status: 'warn',
    summary: `${outcome.summary}; ${skipped.length} row(s) the platform printed could not be read`,
    details: [
      ...(outcome.details ?? []),
      ...skipped.map((row) => `could not read: ${describeSkippedRow(row)}`),
    ],
  };
}
