/** The state one service's checklist builds up as its items run. */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServiceConfig } from '../config/types.js';
import type { ListenerSocket, Platform, ProcessInfo } from '../platform/types.js';
import { descendants, isSameProcess } from '../process/tree.js';
import { describeExit, type Backend } from './backend.js';
import { pause } from './wait.js';
import type { LogCapture } from './log-capture.js';
import type { TimelineEvent } from './types.js';

export interface RunEnvironment {
  platform: Platform;
  reportDir: string;
  /** Secrets → *** in every line and report. */
  redact: (text: string) => string;
  /** There are secrets: the backend's raw output goes to a private file, backend.log is a redacted copy. */
  redactsLogs: boolean;
  /** Progress text while waiting (the terminal's live line). */
  progress: (text: string) => void;
  /** Each backend log line, for the job log. */
  logLine: (service: string, line: string) => void;
  /** performance.now() when the run started: item times are offsets from it. */
  startedAtMs: number;
  /** Wall clock of the run's start: holders started before it are stale. */
  startedAtWall: Date;
  /** Aborted on SIGINT/SIGTERM: waits end early, the remaining items skip. */
  signal: AbortSignal;
}

const EXIT_GRACE_MS = 50;

export class ServiceRun {
  backend: Backend | null = null;
  /** The backend's own process record (pid + start time), once known. */
  backendProcess: ProcessInfo | null = null;
  log: LogCapture | null = null;
  /** With secrets: the private folder holding the backend's raw output (removed at teardown). */
  privateOutputDir: string | null = null;
  /** Every process seen in the backend's tree: teardown checks each for survivors. */
  readonly tree = new Map<number, ProcessInfo>();
  /** Sockets that held the port before start and `on-conflict: ignore` let be: not ours to free. */
  preexisting: ListenerSocket[] = [];
  /** The listener table read when the backend became ready. */
  listeners: ListenerSocket[] = [];
  baseUrl: string | null = null;
  readonly timeline: TimelineEvent[] = [];

  constructor(
    readonly config: ServiceConfig,
    readonly env: RunEnvironment,
  ) {}

  get attach(): boolean {
    return this.config.attach;
  }

  /** `backend.log` for the single default service, `backend-<name>.log` for named ones. */
  get logPath(): string {
    const name = this.config.name.replace(/[^\w.-]/g, '_');
    return path.join(
      this.env.reportDir,
      name === 'backend' ? 'backend.log' : `backend-${name}.log`,
    );
  }

  mark(event: string): void {
    this.timeline.push({ event, atMs: Math.round(performance.now() - this.env.startedAtMs) });
  }

  /**
   * Whether a process belongs to the backend's tree: it is a known member, or its parent chain
   * reaches the backend with start times never going backwards (a reused pid breaks the chain).
   */
  async inTree(proc: ProcessInfo): Promise<boolean> {
    const root = this.backendProcess;
    if (!root) return false;
    let current: ProcessInfo | null = proc;
    for (let hops = 0; current && hops < 64; hops++) {
      const known = this.tree.get(current.pid);
      if (isSameProcess(current, root) || (known && isSameProcess(known, current))) {
        // Remembered whichever way it was reached: diagnoses and teardown look members up here.
        this.tree.set(proc.pid, proc);
        return true;
      }
      if (current.ppid === null || current.ppid <= 1) return false;
      const parent = await this.env.platform.getProcess(current.ppid);
      if (!parent || startedAfter(parent, current)) return false;
      current = parent;
    }
    return false;
  }

  /**
   * When a check failed: did the backend exit meanwhile? Its exit event may trail the refused
   * connections by a moment, so it gets a short grace. Returns a summary naming the exit, or null.
   */
  async exitedDuringChecks(): Promise<string | null> {
    const backend = this.backend;
    if (!backend) return null;
    await Promise.race([backend.exited, pause(EXIT_GRACE_MS)]);
    if (!backend.exit) return null;
    backend.readLog();
    return `the backend exited during the checks (${describeExit(backend.exit)})`;
  }

  /** Re-reads the backend's tree (pid + descendants by parent chain) and remembers every member. */
  async refreshTree(): Promise<Map<number, ProcessInfo>> {
    const current = new Map<number, ProcessInfo>();
    if (!this.backendProcess) return current;
    const all = await this.env.platform.listProcesses();
    for (const proc of [this.backendProcess, ...descendants(all, this.backendProcess)]) {
      current.set(proc.pid, proc);
      this.tree.set(proc.pid, proc);
    }
    return current;
  }
}

/** True when `a` started after `b` (so `a` cannot be `b`'s parent); unknown times do not break a chain. */
function startedAfter(a: ProcessInfo, b: ProcessInfo): boolean {
  return a.startedAt !== null && b.startedAt !== null && a.startedAt > b.startedAt;
}
