/** What one checklist item is and what it returns; the runner adds timing and ids. */
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
  /** The rest of the checklist is meaningless after this: later items skip with this reason. */
  fatal?: string;
}

export interface ChecklistItem {
  id: string;
  title: string;
  run(service: ServiceRun): Promise<ItemOutcome>;
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

/** The reason attach-mode items give (SPEC §3.2). */
export const ATTACH_SKIP = 'attach mode: no start command, the server was started elsewhere';
