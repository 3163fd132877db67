/** The result model every reporter renders (README, "The checklist" and its reports). */
import type { ListenerSocket, SkippedRow } from '../platform/types.js';

export type ItemStatus = 'pass' | 'fail' | 'warn' | 'skip';

export type { ProbeResult } from './judge/probe-result.js';
import type { ProbeResult } from './judge/probe-result.js';

export interface ItemResult {
  id: string;
  title: string;
  status: ItemStatus;
  /** One line. */
  summary: string;
  /** Further lines for the details view. */
  details: string[];
  /**
   * Likely cause and fix, in one or two plain sentences (README's checklist: failing items say the
   * likely cause and the fix).
   */
  diagnosis?: string;
  /** Milliseconds since the run started. */
  startedAtMs: number;
  durationMs: number;
  /** The listener table this item measured, when it measured one. */
  listeners?: ListenerSocket[];
  probes?: ProbeResult[];
  /**
   * The backend crashed: the one log line that says why (an exception line), when one does. It
   * is the error annotation's title and the first line under the item in the terminal.
   */
  crashLine?: string;
  /** The command that fixes what failed, for the reader to copy (the summary's "why"). */
  nextStep?: string;
  /** The endpoint's probes disagreed (some passed, some failed): judge/probe.ts's verdict, judged once. */
  flapping?: boolean;
}

export interface TimelineEvent {
  event: string;
  atMs: number;
}

export interface ServiceResult {
  name: string;
  port: number;
  /** Attach mode: nothing was started; the server already listening on the port was checked. */
  attach: boolean;
  result: 'pass' | 'fail';
  items: ItemResult[];
  /** Rows the platform printed but could not read while the port was watched (a partial view). */
  skippedRows?: SkippedRow[];
  /** Every socket seen on the port while it was watched (before start: the holders read), [] if none. */
  listeners: ListenerSocket[];
  /** The process the run spawned: the shell running the start command (or what it exec'd). */
  backendPid: number | null;
  /**
   * The server, read when the backend became ready: `backendPid` when the shell exec'd it (or
   * started several processes: `a & b` has no single server), the shell's only child when it
   * started exactly one. Absent when it was not read (attach mode, never ready).
   */
  serverPid?: number;
  /**
   * `NAME=VALUE` in the environment of every process the run started: on Linux, grep for it
   * in /proc/<pid>/environ to find them wherever they went.
   */
  marker: string | null;
  logPath: string | null;
  /** Last 50 lines of the backend log. */
  logTail: string[];
  timeline: TimelineEvent[];
  /** When each socket the port watch saw appeared and went away (the timeline picture). */
  socketSpans?: SocketSpan[];
}

export interface SocketSpan {
  socketId: string;
  /** Milliseconds since the run started. */
  firstSeenMs: number;
  /** The first read that no longer listed it; null when it still listened at the last read. */
  goneMs: number | null;
}

export interface RunResult {
  /** Schema version of report.json. */
  version: 1;
  tool: { name: 'single-listener-check'; version: string };
  result: 'pass' | 'fail';
  startedAt: string;
  durationMs: number;
  platform: string;
  services: ServiceResult[];
  /** A command that reproduces this run locally. */
  reproduce: string;
  /** Set when the run was interrupted (SIGINT/SIGTERM) or the program erred. */
  interrupted?: string;
  error?: string;
}
