/**
 * The port, watched from the backend's start to the end of teardown: the listen table's socket
 * ids are re-read every poll (the cheap read), and the holder inventory is re-taken whenever that
 * set changes. Every socket that appeared is remembered with when it was first and last seen, so
 * the listener items judge the whole run, not one instant.
 */
import {
  skippedRowsOf,
  type ListenerSocket,
  type Platform,
  type SkippedRow,
} from '../platform/types.js';
import { groupListeners } from './listener-count.js';
import type { TimelineEvent } from './types.js';
import { pause } from '../process/wait.js';

/**
 * For this long after the watch starts and after each change of the socket set, it polls at the
 * platform's fastest pace (a listener is expected: readiness latency is half a poll); later at
 * its idle pace, which still sees a late binder within one idle poll.
 */
export const BURST_MS = 3000;

export interface SocketRecord {
  /** The socket with every holder seen on it. */
  socket: ListenerSocket;
  /** Milliseconds since the run started. */
  firstSeenMs: number;
  /** Last read that still listed it; null while it still listens. */
  goneMs: number | null;
}

export interface WatchSnapshot {
  atMs: number;
  sockets: ListenerSocket[];
}

export class PortWatch {
  /** The newest inventory. */
  current: ListenerSocket[] = [];
  /** One entry per change of the socket set, in order. */
  readonly history: WatchSnapshot[] = [];
  readonly records = new Map<string, SocketRecord>();
  /** Rows the platform could not read during the watch, each once: what it could not see. */
  readonly skipped: SkippedRow[] = [];
  private ids = '';
  /** performance.now() of the start or of the latest change of the socket set. */
  private burstFrom = 0;
  private stopper = new AbortController();
  private loop: Promise<void> | null = null;
  private change: Deferred | null = null;
  private tableChange: Deferred | null = null;
  /** The cheap read saw the set change; its inventory is not in yet. */
  private pending = false;

  constructor(
    private readonly platform: Platform,
    private readonly port: number,
    /** Milliseconds since the run started. */
    private readonly now: () => number,
    /** Called with each new inventory before anyone sees it (the run classifies the holders). */
    private readonly onInventory: (sockets: ListenerSocket[]) => Promise<void>,
  ) {}

  get watching(): boolean {
    return this.loop !== null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops polling after a last read. */
  async stop(): Promise<void> {
    if (!this.loop || this.stopper.signal.aborted) return;
    this.stopper.abort();
    await this.loop;
    await this.refresh().catch(() => undefined); // the items' own reads report failures
  }

  /** Takes the full inventory now (new holders of a known socket show up only this way). */
  async refresh(): Promise<ListenerSocket[]> {
    const sockets = await this.platform.listListeners(this.port);
    await this.record(sockets);
    return sockets;
  }

  /**
   * Whether the cheap read has seen the socket set change and the inventory that names its
   * holders is being taken (on a host with many connections, a walk of every process's open files).
   */
  get inventoryPending(): boolean {
    return this.pending;
  }

  /**
   * Sockets read outside an inventory (ready's read of the spawned tree: a partial view) are
   * remembered as seen, so one that closes before the inventory still counts; nothing is judged
   * gone or counted from them.
   */
  async note(sockets: ListenerSocket[]): Promise<void> {
    await this.onInventory(sockets);
    this.remember(sockets, this.now());
  }

  /** Resolves when the inventory after the next change of the socket set is in (one shared promise). */
  changed(): Promise<void> {
    return (this.change ??= deferred()).promise;
  }

  /** Resolves when the cheap read next sees the socket set change, before its inventory. */
  tableChanged(): Promise<void> {
    return (this.tableChange ??= deferred()).promise;
  }

  /**
   * The most listeners (the counting rule of the README's `single-listener` item) on the port at
   * any one read, with that read.
   */
  peak(): { count: number; snapshot: WatchSnapshot | null } {
    let best: { count: number; snapshot: WatchSnapshot | null } = { count: 0, snapshot: null };
    for (const snapshot of this.history) {
      const count = groupListeners(snapshot.sockets).length;
      if (count > best.count) best = { count, snapshot };
    }
    return best;
  }

  /** The listeners that were on the port at some moment between `fromMs` and `toMs`. */
  listenersDuring(fromMs: number, toMs: number): ListenerSocket[][] {
    const alive = [...this.records.values()].filter(
      (r) => r.firstSeenMs <= toMs && (r.goneMs === null || r.goneMs >= fromMs),
    );
    return groupListeners(alive.map((r) => r.socket));
  }

  /** When each socket appeared and went away, for the run's timeline. */
  events(): TimelineEvent[] {
    return [...this.records.values()].flatMap(({ socket, firstSeenMs, goneMs }) => {
      const where = socket.family === 'IPv6' ? `[${socket.address}]` : socket.address;
      const pids = socket.processes.map((p) => p.pid).join(', ') || 'owner unknown';
      const name = `listener ${where}:${socket.port} (pid ${pids})`;
      return [
        { event: `${name} appeared`, atMs: firstSeenMs },
        ...(goneMs === null ? [] : [{ event: `${name} closed`, atMs: goneMs }]),
      ];
    });
  }

  /** Every socket seen during the watch, with its holders. */
  seen(): ListenerSocket[] {
    return [...this.records.values()].map((r) => r.socket);
  }

  /** The pause before the next poll: fast within BURST_MS of the start or a change. */
  pollDelayMs(nowMs = performance.now()): number {
    const { watchPollMs, watchIdlePollMs = watchPollMs } = this.platform;
    return nowMs - this.burstFrom < BURST_MS ? watchPollMs : watchIdlePollMs;
  }

  private async run(): Promise<void> {
    this.burstFrom = performance.now();
    while (!this.stopper.signal.aborted) {
      try {
        const ids = (await this.platform.listSocketIds(this.port)).sort().join(' ');
        if (ids !== this.ids || this.history.length === 0) {
          this.pending = true;
          this.tableChange?.resolve();
          this.tableChange = null;
          // One turn of the event loop first: whoever awaited the change (ready, reading only
          // the spawned tree) reads before the full walk starts competing with it.
          await new Promise((resume) => setImmediate(resume));
          await this.refresh().finally(() => (this.pending = false));
        }
      } catch {
        // A failed read (a tool timing out) is retried at the next poll; the items re-read anyway.
      }
      await pause(this.pollDelayMs(), this.stopper.signal);
    }
  }

  private async record(sockets: ListenerSocket[]): Promise<void> {
    await this.onInventory(sockets);
    for (const row of skippedRowsOf(sockets)) {
      if (!this.skipped.some((r) => r.source === row.source && r.text === row.text))
        this.skipped.push(row);
    }
    const atMs = this.now();
    const ids = sockets
      .map((s) => s.socketId)
      .sort()
      .join(' ');
    this.remember(sockets, atMs);
    for (const record of this.records.values()) {
      if (record.goneMs === null && !ids.split(' ').includes(record.socket.socketId)) {
        record.goneMs = atMs;
      }
    }
    this.current = sockets;
    if (ids !== this.ids || this.history.length === 0) {
      this.ids = ids;
      this.burstFrom = performance.now();
      this.history.push({ atMs, sockets });
      this.change?.resolve();
      this.change = null;
    }
  }

  /** Each socket as seen at `atMs`: a new record, or its record with any new holders added. */
  private remember(sockets: ListenerSocket[], atMs: number): void {
    for (const socket of sockets) {
      const known = this.records.get(socket.socketId);
      if (!known || known.goneMs !== null) {
        this.records.set(socket.socketId, { socket, firstSeenMs: atMs, goneMs: null });
      } else {
        const pids = new Set(known.socket.processes.map((p) => p.pid));
        const added = socket.processes.filter((p) => !pids.has(p.pid));
        if (added.length > 0 || (known.socket.ownerUnknown && !socket.ownerUnknown)) {
          known.socket = { ...socket, processes: [...known.socket.processes, ...added] };
        }
      }
    }
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
