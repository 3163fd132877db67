/** The state one service's checklist builds up as its items run. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ServiceConfig } from '../config/types.js';
import type { ListenerSocket, Platform, ProcessInfo } from '../platform/types.js';
import { describeProcess } from '../process/describe.js';
import { descendants, isSameProcess } from '../process/tree.js';
import { describeExit, type Backend, type StartBackend } from './backend.js';
import { pause } from '../process/wait.js';
import type { LogCapture } from './log-capture.js';
import { PortWatch } from './port-watch.js';
import type { TimelineEvent } from './types.js';

/** The environment variable that marks every process the run starts, wherever it goes. */
export const MARKER_VARIABLE = 'SINGLE_LISTENER_CHECK_RUN';

/**
 * Why a process belongs to the run: `tree` its parent chain reaches the spawned backend; `marker`
 * it (or an ancestor) carries the run's marker; `timing` our user's process with an unreadable or
 * overwritten environment that started after the backend and bound the port during the run.
 */
export type MemberRule = 'tree' | 'marker' | 'timing';

/** How late a start time read from the system may be (at most ~20 ms on Linux, a whole second where only btime or ps seconds are known). */
const START_SLACK_MS = 1000;

export interface RunEnvironment {
  platform: Platform;
  /** Spawns the backend (a stand-in where tests fake the platform). */
  startBackend: StartBackend;
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
  /**
   * Aborted on a second signal, or when an interrupted run's teardown time is up: teardown sends
   * SIGKILL at once instead of waiting out the SIGTERM grace.
   */
  escalate: AbortSignal;
}

const EXIT_GRACE_MS = 50;

export class ServiceRun {
  backend: Backend | null = null;
  /** The backend's own process record (pid + start time), once known. */
  backendProcess: ProcessInfo | null = null;
  log: LogCapture | null = null;
  /** With secrets: the private folder holding the backend's raw output (removed at teardown). */
  privateOutputDir: string | null = null;
  /** Every process known to belong to the run, by pid, and why: teardown checks each for survivors. */
  private readonly members = new Map<number, { proc: ProcessInfo; rule: MemberRule }>();
  /** Holders judged not to be ours, by pid (with their start time against PID reuse). */
  private readonly strangers = new Map<number, ProcessInfo>();
  /** `NAME=VALUE` in the backend's environment, unique to this run and service. */
  readonly marker = `${MARKER_VARIABLE}=${randomUUID()}`;
  /** The port, watched from the backend's start (attach mode: from readiness) to the end of teardown. */
  readonly watch: PortWatch;
  /** Sockets that held the port before start and `on-conflict: ignore` let be: not ours to free. */
  preexisting: ListenerSocket[] = [];
  baseUrl: string | null = null;
  readonly timeline: TimelineEvent[] = [];

  constructor(
    readonly config: ServiceConfig,
    readonly env: RunEnvironment,
  ) {
    this.watch = new PortWatch(
      env.platform,
      config.port,
      () => this.elapsedMs(),
      (sockets) => this.onInventory(sockets),
    );
  }

  /** Milliseconds since the run started. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.env.startedAtMs);
  }

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
    this.timeline.push({ event, atMs: this.elapsedMs() });
  }

  /**
   * Why a process belongs to the run, or null when it does not: its parent chain reaches the
   * backend or a known member (start times never going backwards: a reused pid breaks the
   * chain), or it or an ancestor carries the run's marker (it daemonized), or — by timing — it
   * is our user's, started after the backend and its environment was overwritten (nginx's title).
   */
  async belongs(proc: ProcessInfo): Promise<MemberRule | null> {
    if (this.attach) return null;
    const root = this.backendProcess;
    const known = this.ruleOf(proc);
    if (known !== null) return known;
    const stranger = this.strangers.get(proc.pid);
    if (stranger && isSameProcess(stranger, proc)) return null;

    const { platform } = this.env;
    // The parent chain first: a process in the spawned tree is `tree` even though it is marked.
    const chain: ProcessInfo[] = [];
    let rule: MemberRule | null = null;
    for (let current: ProcessInfo | null = proc; current && chain.length < 64;) {
      chain.push(current);
      rule = root && isSameProcess(current, root) ? 'tree' : this.ruleOf(current);
      if (rule !== null || current.ppid === null || current.ppid <= 1) break;
      const parent = await platform.getProcess(current.ppid);
      current = parent && !startedAfter(parent, current) ? parent : null;
    }
    for (const link of rule === null ? chain : []) {
      if ((await platform.markerState(link.pid, this.marker)) === 'marked') {
        rule = 'marker';
        break;
      }
    }
    // By timing, the process or an ancestor (nginx's workers: another user, their master ours).
    for (const link of rule === null ? chain : []) {
      if (await this.startedByTiming(link)) {
        rule = 'timing';
        this.adopt(link, rule);
        break;
      }
    }
    if (rule === null) {
      // Before the backend's own record exists, a chain cannot reach it yet: judge again later.
      if (root) this.strangers.set(proc.pid, proc);
      return null;
    }
    // Remembered whichever way it was reached: diagnoses and teardown look members up here.
    this.adopt(proc, rule);
    return rule;
  }

  /** Remembers a process as the run's. */
  adopt(proc: ProcessInfo, rule: MemberRule): void {
    this.members.set(proc.pid, { proc, rule });
  }

  /** Why a process is known to be the run's (same pid and start time), or null. */
  ruleOf(proc: ProcessInfo): MemberRule | null {
    const member = this.members.get(proc.pid);
    return member && isSameProcess(member.proc, proc) ? member.rule : null;
  }

  /**
   * Our user's process that started after the backend, while its start command still ran, whose
   * environment cannot show the marker because it was overwritten or cannot be read.
   */
  private async startedByTiming(proc: ProcessInfo): Promise<boolean> {
    const root = this.backendProcess;
    const uid = process.getuid?.();
    if (uid === undefined || proc.uid !== uid || !proc.startedAt || !root?.startedAt) return false;
    const started = Date.parse(proc.startedAt);
    const exitedAt = this.backend?.exit?.atMs;
    if (started < Date.parse(root.startedAt)) return false;
    if (exitedAt !== undefined && started > exitedAt + START_SLACK_MS) return false;
    return (await this.env.platform.markerState(proc.pid, this.marker)) === 'unreadable';
  }

  /** Every holder of every socket gets judged while it is alive to be judged. */
  private async onInventory(sockets: ListenerSocket[]): Promise<void> {
    if (this.attach) return;
    for (const socket of sockets) for (const proc of socket.processes) await this.belongs(proc);
  }

  /** The processes of a socket that belong to the run. */
  ownHolders(socket: ListenerSocket): ProcessInfo[] {
    return socket.processes.filter((p) => this.ruleOf(p) !== null);
  }

  /** The holders seen on the port during the watch that do not belong to the run. */
  strangersSeen(): ProcessInfo[] {
    const byPid = new Map<number, ProcessInfo>();
    for (const socket of this.watch.seen()) {
      for (const p of socket.processes) {
        const stranger = this.strangers.get(p.pid);
        if (stranger && isSameProcess(stranger, p)) byPid.set(p.pid, p);
      }
    }
    return [...byPid.values()];
  }

  /**
   * The run's processes alive now: the spawned tree, every process carrying the marker, their
   * descendants, and the members found by timing that nothing else can have started (reparented
   * to init, or children of a member). Each is remembered with its rule.
   */
  async liveMembers(): Promise<ProcessInfo[]> {
    const all = await this.env.platform.listProcesses();
    const running = all.filter((p) => p.state !== 'exited');
    const alive = new Map<number, ProcessInfo>();
    const add = (p: ProcessInfo, rule: MemberRule) => {
      if (alive.has(p.pid) || p.state === 'exited') return;
      alive.set(p.pid, p);
      const known = this.ruleOf(p) ?? rule;
      this.adopt(p, known);
      for (const child of descendants(all, p)) add(child, known);
    };
    const root = this.backendProcess;
    const rootNow = root && running.find((p) => isSameProcess(p, root));
    if (rootNow) add(rootNow, 'tree');
    // A marked process forked after the table was read is in no tree above: its parent chain
    // still says whether it is the spawned tree's (a reloader's child) or daemonized.
    for (const p of await this.env.platform.findMarked(this.marker)) {
      if (!alive.has(p.pid)) add(p, (await this.belongs(p)) ?? 'marker');
    }
    for (const p of running) {
      const rule = this.ruleOf(p);
      if (rule === null) continue;
      const orphaned = p.ppid === null || p.ppid <= 1 || alive.has(p.ppid);
      if (rule !== 'timing' || orphaned) add(p, rule);
    }
    return [...alive.values()];
  }

  /** `pid 12 (gunicorn …), found by its marker` — how a member was recognised, for teardown's details. */
  describeMember(p: ProcessInfo): string {
    const rule = this.ruleOf(p);
    const how =
      rule === 'marker'
        ? ', found by the run marker in its environment'
        : rule === 'timing'
          ? ', ours by timing: our user, started by the start command, environment overwritten'
          : '';
    return `${describeProcess(p)}${how}`;
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
}

/** True when `a` started after `b` (so `a` cannot be `b`'s parent); unknown times do not break a chain. */
function startedAfter(a: ProcessInfo, b: ProcessInfo): boolean {
  return a.startedAt !== null && b.startedAt !== null && a.startedAt > b.startedAt;
}
