/**
 * Scripted Platforms for millisecond tests; no real process is read or signalled.
 *
 * - fakePlatform: give the reads a test is about, the rest is derived (socket ids from
 *   listListeners, processes from listProcesses) or empty (no marker anywhere).
 * - FakeSystem: an in-memory process table and listen table whose state the test scripts on the
 *   (jest fake) clock — "pid 7 binds at t=300 ms", "pid 9 ignores SIGTERM", "pid 12 exits at
 *   t=50" — and whose stopProcesses ends processes as the script says, so teardown and
 *   on-conflict kill run against it. Its startBackend spawns a scripted process in place of the
 *   start command.
 */
import type {
  Backend,
  BackendExit,
  StartBackend,
  StartOptions,
} from '../../src/checklist/backend.js';
import type {
  Family,
  ListenerSocket,
  Platform,
  ProcessInfo,
  StopRequest,
} from '../../src/platform/types.js';

export function fakePlatform(
  parts: Partial<Platform> & Pick<Platform, 'listListeners' | 'listProcesses'>,
): Platform {
  return {
    name: 'linux',
    watchPollMs: 10,
    getProcess: async (pid) => (await parts.listProcesses()).find((p) => p.pid === pid) ?? null,
    listSocketIds: async (port) => (await parts.listListeners(port)).map((s) => s.socketId),
    markerState: async () => 'unmarked',
    findMarked: async () => [],
    stopMethod: 'signals',
    stopProcesses: async () => {
      throw new Error('this fake platform stops nothing: give stopProcesses, or use FakeSystem');
    },
    spawnOptions: { detached: true },
    ...parts,
  };
}

/** What a scripted process does when stopped. */
export interface StopBehaviour {
  /** SIGTERM is ignored (a stuck server); SIGKILL still ends it. */
  ignoresTerm?: boolean;
  /** After SIGTERM it takes this long to exit (a graceful shutdown). */
  termDelayMs?: number;
  /** Even SIGKILL does not end it (uninterruptible sleep): a teardown survivor. */
  survivesKill?: boolean;
}

export interface ProcessSpec extends StopBehaviour {
  pid: number;
  ppid?: number;
  name?: string;
  command?: string;
  /** Default: the parent's group (its own pid when it has no parent in the table). */
  pgid?: number;
  /** Default: our uid. */
  uid?: number;
  /** Wall clock of the start; default: now on the (fake) clock. */
  startedAt?: string;
  /** `NAME=VALUE` entries; default: inherited from the parent. */
  env?: string[];
  /** The environment cannot be read (another user's, a title that overwrote it). */
  envUnreadable?: boolean;
}

/** The process a startBackend spawns, and what it does from then on (ms after its spawn). */
export interface SpawnSpec extends ProcessSpec {
  /** It exits on its own this long after its spawn, with `exitCode` (default 0). */
  exitsAfter?: number;
  exitCode?: number;
  /** Steps run this long after its spawn: `[[300, () => system.bind(7, 5000)]]`. */
  then?: Array<[ms: number, step: () => void]>;
}

interface FakeProcess extends StopBehaviour {
  info: ProcessInfo;
  env: string[];
  envUnreadable: boolean;
  /** Set while a SIGTERM'd process takes its time to exit. */
  exiting: boolean;
  onExit: Array<(code: number | null, signal: NodeJS.Signals | null) => void>;
}

interface FakeSocket {
  socketId: string;
  address: string;
  port: number;
  family: Family;
  pids: number[];
  ownerUnknown?: string;
}

/** One stop the platform was asked to send, as `SIGTERM -7` (a negative target is a group). */
export type SentSignal = string;

export class FakeSystem {
  private readonly procs = new Map<number, FakeProcess>();
  private readonly sockets: FakeSocket[] = [];
  private readonly queued: SpawnSpec[] = [];
  private nextSocketId = 1;
  private readonly t0 = Date.now();
  /** Every stop sent through the platform, in order, with the (fake) time it was sent. */
  readonly sent: Array<{ atMs: number; text: SentSignal }> = [];
  /** The options each spawn was given. */
  readonly spawned: StartOptions[] = [];
  /**
   * How long each inventory (listListeners) takes, answering with the table as it was when it
   * began: a busy host's walk of every open file. The cheap read (listSocketIds) stays instant.
   */
  inventoryMs = 0;

  /** Milliseconds since the system was created (the test's t=0). */
  now(): number {
    return Date.now() - this.t0;
  }

  /**
   * Runs `step` at t=`ms` (jest fake timers drive it). The run's own steps drift by the real file
   * reads it waits on: script what the backend does with SpawnSpec's `then`, relative to its spawn.
   */
  at(ms: number, step: () => void): this {
    setTimeout(step, Math.max(0, ms - this.now()));
    return this;
  }

  /** Adds a running process. */
  process(spec: ProcessSpec): this {
    if (spec.pid === process.pid || spec.pid === process.ppid) {
      throw new Error(`pid ${spec.pid} is this test's own (or its parent's): pick another`);
    }
    const parent = spec.ppid === undefined ? undefined : this.procs.get(spec.ppid);
    this.procs.set(spec.pid, {
      info: {
        pid: spec.pid,
        ppid: spec.ppid ?? 1,
        name: spec.name ?? `proc${spec.pid}`,
        command: spec.command ?? `server ${spec.pid}`,
        startedAt: spec.startedAt ?? new Date().toISOString(),
        uid: spec.uid ?? process.getuid!(),
        pgid: spec.pgid ?? parent?.info.pgid ?? spec.pid,
        state: 'running',
      },
      env: spec.env ?? parent?.env ?? [],
      envUnreadable: spec.envUnreadable ?? false,
      ignoresTerm: spec.ignoresTerm,
      termDelayMs: spec.termDelayMs,
      survivesKill: spec.survivesKill,
      exiting: false,
      onExit: [],
    });
    return this;
  }

  /**
   * `pid` starts listening on `port`; returns the socket id. Several pids: one shared socket.
   * Pids that no longer run bind nothing (a scripted step of a process stopped before it).
   */
  bind(
    pids: number | number[],
    port: number,
    { address = '0.0.0.0', family = address.includes(':') ? 'IPv6' : 'IPv4' } = {} as {
      address?: string;
      family?: Family;
    },
  ): string {
    const socketId = `fake-${this.nextSocketId++}`;
    const holders = [pids].flat().filter((pid) => this.procs.has(pid));
    if (holders.length > 0) this.sockets.push({ socketId, address, port, family, pids: holders });
    return socketId;
  }

  /** A listening socket whose holder cannot be read (another user's, lsof without root). */
  bindUnknown(port: number, reason: string): string {
    const socketId = `fake-${this.nextSocketId++}`;
    this.sockets.push({
      socketId,
      address: '0.0.0.0',
      port,
      family: 'IPv4',
      pids: [],
      ownerUnknown: reason,
    });
    return socketId;
  }

  /** The socket stops listening. */
  close(socketId: string): void {
    const at = this.sockets.findIndex((s) => s.socketId === socketId);
    if (at !== -1) this.sockets.splice(at, 1);
  }

  /** The process exits: its sockets close (unless another holder keeps them), its children go to init. */
  exit(pid: number, code: number | null = 0, signal: NodeJS.Signals | null = null): void {
    const proc = this.procs.get(pid);
    if (!proc) return;
    this.procs.delete(pid);
    for (const socket of [...this.sockets]) {
      socket.pids = socket.pids.filter((p) => p !== pid);
      if (socket.pids.length === 0 && socket.ownerUnknown === undefined)
        this.close(socket.socketId);
    }
    for (const child of this.procs.values()) if (child.info.ppid === pid) child.info.ppid = 1;
    for (const listener of proc.onExit) listener(code, signal);
  }

  isRunning(pid: number): boolean {
    return this.procs.has(pid);
  }

  /**
   * The next startBackend spawns this process (the shell running the start command), which gets
   * the run's marker in its environment and leads its own group, then follows its script.
   * Spawns with none queued fail like a missing shell.
   */
  spawns(spec: SpawnSpec): this {
    this.queued.push(spec);
    return this;
  }

  /** The run's spawn, in place of a real start command. */
  readonly startBackend: StartBackend = async (opts) => {
    this.spawned.push(opts);
    const spec = this.queued.shift();
    if (!spec) throw new Error('spawn /bin/sh ENOENT');
    const marker = Object.entries(opts.env).map(([name, value]) => `${name}=${value}`);
    this.process({
      name: 'sh',
      command: `/bin/sh -c ${opts.command}`,
      pgid: opts.detached ? spec.pid : undefined,
      ...spec,
      env: [...marker, ...(spec.env ?? [])],
    });
    const fake = this.procs.get(spec.pid)!;
    const backend: Backend = {
      pid: spec.pid,
      shell: '/bin/sh',
      exit: null,
      exited: new Promise<BackendExit>((done) =>
        fake.onExit.push((code, signal) => {
          backend.exit = { code, signal, atMs: Date.now() };
          done(backend.exit);
        }),
      ),
      readLog: () => undefined,
      release: () => undefined,
    };
    for (const [ms, step] of spec.then ?? []) setTimeout(step, ms);
    if (spec.exitsAfter !== undefined) {
      setTimeout(() => this.exit(spec.pid, spec.exitCode ?? 0), spec.exitsAfter);
    }
    return backend;
  };

  private listed(socket: FakeSocket): ListenerSocket {
    return {
      address: socket.address,
      port: socket.port,
      family: socket.family,
      socketId: socket.socketId,
      processes: socket.pids.flatMap((pid) => this.info(pid) ?? []),
      ...(socket.ownerUnknown ? { ownerUnknown: socket.ownerUnknown } : {}),
    };
  }

  private withDescendants(pids: readonly number[]): Set<number> {
    const tree = new Set(pids);
    for (let grew = true; grew;) {
      grew = false;
      for (const { info } of this.procs.values()) {
        if (info.ppid !== null && tree.has(info.ppid) && !tree.has(info.pid)) {
          tree.add(info.pid);
          grew = true;
        }
      }
    }
    return tree;
  }

  private info(pid: number): ProcessInfo | null {
    const proc = this.procs.get(pid);
    return proc ? { ...proc.info } : null;
  }

  private deliver(pid: number, signal: 'SIGTERM' | 'SIGKILL'): void {
    const proc = this.procs.get(pid);
    if (!proc) return;
    if (signal === 'SIGKILL') {
      if (!proc.survivesKill) this.exit(pid, null, 'SIGKILL');
      return;
    }
    if (proc.ignoresTerm || proc.exiting) return;
    if (!proc.termDelayMs) return this.exit(pid, null, 'SIGTERM');
    proc.exiting = true;
    setTimeout(() => this.exit(pid, null, 'SIGTERM'), proc.termDelayMs);
  }

  /** Ends `root` and every descendant at once, as taskkill /T /F does. */
  private endTree(root: number): void {
    const below = [...this.procs.values()].filter((p) => p.info.ppid === root);
    this.deliver(root, 'SIGKILL');
    for (const child of below) this.endTree(child.info.pid);
  }

  private stop({ signal, pids, groups, tree }: StopRequest): void {
    if (this.os === 'win32') {
      this.sent.push({
        atMs: this.now(),
        text: `taskkill ${tree === undefined ? pids.join(' ') : `${tree} /T`}`,
      });
      if (tree !== undefined) return this.endTree(tree);
      for (const pid of pids) this.deliver(pid, 'SIGKILL');
      return;
    }
    for (const group of groups) {
      this.sent.push({ atMs: this.now(), text: `${signal} -${group}` });
      const members = [...this.procs.values()].filter((p) => p.info.pgid === group);
      for (const member of members) this.deliver(member.info.pid, signal);
    }
    for (const pid of pids) {
      this.sent.push({ atMs: this.now(), text: `${signal} ${pid}` });
      this.deliver(pid, signal);
    }
  }

  /**
   * The Platform view of this system: Linux-like (markers readable, signals, process groups), or
   * Windows-like (no environments to read, taskkill, no groups).
   */
  readonly platform: Platform;

  constructor(private readonly os: 'linux' | 'win32' = 'linux') {
    const windows = os === 'win32';
    this.platform = fakePlatform({
      name: os,
      watchPollMs: 10,
      stopMethod: windows ? 'taskkill' : 'signals',
      spawnOptions: { detached: !windows },
      listListeners: async (port) => {
        const listed = this.sockets.filter((s) => s.port === port).map((s) => this.listed(s));
        if (this.inventoryMs > 0) await new Promise((done) => setTimeout(done, this.inventoryMs));
        return listed;
      },
      listSocketIds: async (port) =>
        this.sockets.filter((s) => s.port === port).map((s) => s.socketId),
      listeningSocketsOf: async (pids) => {
        const tree = this.withDescendants(pids);
        return this.sockets
          .filter((s) => s.pids.some((p) => tree.has(p)))
          .map((s) => this.listed(s));
      },
      markerState: async (pid, marker) => {
        const proc = this.procs.get(pid);
        if (!proc || proc.envUnreadable || windows) return 'unreadable';
        return proc.env.includes(marker) ? 'marked' : 'unmarked';
      },
      findMarked: async (marker) =>
        [...this.procs.values()]
          .filter((p) => !windows && !p.envUnreadable && p.env.includes(marker))
          .map((p) => ({ ...p.info })),
      getProcess: async (pid) => this.info(pid),
      listProcesses: async () => [...this.procs.values()].map((p) => ({ ...p.info })),
      stopProcesses: async (request) => this.stop(request),
    });
  }

  /** The backend prints `text` (into the log capture of the last spawn). */
  print(text: string): void {
    const spawn = this.spawned.at(-1);
    if (!spawn) throw new Error('nothing was spawned to print');
    spawn.log.write(Buffer.from(text));
  }
}
