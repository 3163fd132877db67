/**
 * macOS: listeners from `lsof -F`, process details from `ps`; when not root, `netstat -anv`
 * cross-checks lsof (docs/platforms.md). The port watch polls connects, not lsof (connect-signal).
 */
import { createInventorySignal, SIGNAL_POLL_MS, type SignalCadence } from '../connect-signal.js';
import { posixStopping } from '../posix-stop.js';
import { isMissingTool, runCommand, type RunCommand } from '../run-command.js';
import {
  skippedText,
  withSkipped,
  type ListenerSocket,
  type Platform,
  type ProcessInfo,
  type SkippedRow,
} from '../types.js';
import { knownSystemHolder } from './known-holders.js';
import { lsofArgs, readLsofFields, type LsofSocketEntry } from './lsof.js';
import { NETSTAT_ARGS, parseNetstatListeners, type NetstatListener } from './netstat.js';
import {
  parseMarkedPids,
  parsePsNames,
  parsePsRows,
  psArgs,
  psEnvironmentArgs,
  PS_ENV,
} from './ps.js';

const OWNER_HIDDEN =
  'lsof listed this socket without its process: it belongs to another user (run as root to see it)';

export interface DarwinPlatformOptions {
  /**
   * Our user id (default: process.getuid()). Not 0: lsof leaves other users' processes out
   * entirely, so every read is cross-checked with netstat. null (unknown) counts as not root.
   */
  uid?: number | null;
  /** The watch's signal and inventory cadence (tests shorten it). */
  signal?: Partial<SignalCadence>;
}

/** What lsof (and, when not root, netstat) saw on the port, before ps adds the details. */
interface PortRead {
  entries: LsofSocketEntry[];
  /** Listeners netstat lists that no lsof socket accounts for. */
  unattributed: NetstatListener[];
  skipped: SkippedRow[];
}

export function createDarwinPlatform(
  run: RunCommand,
  { uid = process.getuid?.() ?? null, signal: cadence }: DarwinPlatformOptions = {},
): Platform {
  const signal = createInventorySignal(cadence);
  const ps = async (args: string[]): Promise<string> => {
    // ps exits 1 when some pid is gone; the rows it did print are still right.
    const { stdout } = await run('ps', args, { env: { ...process.env, ...PS_ENV } });
    return stdout;
  };
  const readProcesses = async (selection: number[] | 'all'): Promise<ProcessInfo[]> => {
    const [details, names] = await Promise.all([
      ps(psArgs(selection, 'details')),
      ps(psArgs(selection, 'names')),
    ]);
    return parsePsRows(details, parsePsNames(names));
  };

  const readPort = async (port: number): Promise<PortRead> => {
    // As root lsof sees every process: nothing to cross-check. Else both tools run at once.
    const [first, netstat] = await Promise.all([
      readLsof(run, port),
      uid === 0 ? null : readNetstat(run, port, uid),
    ]);
    const onPort = (read: typeof first) => read.entries.filter((e) => e.port === port);
    if (netstat === null)
      return { entries: onPort(first), unattributed: [], skipped: first.skipped };
    const hidden = netstat.listeners === null ? [] : unattributed(onPort(first), netstat.listeners);
    if (netstat.listeners === null || hidden.length === 0) {
      return {
        entries: onPort(first),
        unattributed: [],
        skipped: [...first.skipped, ...netstat.skipped],
      };
    }
    // A socket bound after lsof read the table is in netstat's answer but not lsof's: read lsof
    // again (after netstat) and match against both reads, so only sockets lsof cannot see stay hidden.
    const second = await readLsof(run, port);
    return {
      entries: onPort(second),
      unattributed: unattributed([...onPort(first), ...onPort(second)], netstat.listeners),
      skipped: [...second.skipped, ...netstat.skipped],
    };
  };

  const readListeners = async (port: number) => {
    const { entries, unattributed: hidden, skipped } = await readPort(port);
    const pids = [
      ...new Set([
        ...entries.flatMap((e) => (e.pid === null ? [] : [e.pid])),
        ...hidden.flatMap((l) => (l.pid === null ? [] : [l.pid])),
      ]),
    ];
    const details = new Map(
      (pids.length === 0 ? [] : await readProcesses(pids)).map((p) => [p.pid, p]),
    );
    const sockets = [...groupBySocket(entries, details), ...hiddenSockets(hidden, details, uid)];
    return withSkipped(sockets, skipped);
  };
  /** `ps -E` appends each process's environment to its command line: only for our own processes. */
  const markedPids = async (selection: number[] | 'all', marker: string) =>
    parseMarkedPids(await ps(psEnvironmentArgs(selection)), marker);

  return {
    name: 'darwin',
    watchPollMs: SIGNAL_POLL_MS,
    listListeners: (port) => signal.track(port, () => readListeners(port)),
    // Connects, no process: lsof (and netstat, ps) run when the answer changes or one is due.
    listSocketIds: (port) => signal.socketIds(port),
    // No listeningSocketsOf: on macOS it would cost a whole inventory, so `ready` waits for the
    // watch's, and a readiness timeout says only what listens on the port.

    async markerState(pid, marker) {
      if ((await markedPids([pid], marker)).includes(pid)) return 'marked';
      const proc = (await readProcesses([pid])).find((p) => p.pid === pid);
      // ps shows only our own processes' environments.
      return proc && uid !== null && proc.uid === uid ? 'unmarked' : 'unreadable';
    },

    async findMarked(marker) {
      const pids = await markedPids('all', marker);
      return pids.length === 0 ? [] : readProcesses(pids);
    },

    async getProcess(pid) {
      if (!Number.isSafeInteger(pid) || pid <= 0) return null;
      return (await readProcesses([pid])).find((p) => p.pid === pid) ?? null;
    },

    listProcesses: () => readProcesses('all'),
    ...posixStopping,
    knownHolder: knownSystemHolder,
  };
}

export const darwinPlatform: Platform = createDarwinPlatform(runCommand);

async function readLsof(
  run: RunCommand,
  port: number,
): Promise<{ entries: LsofSocketEntry[]; skipped: SkippedRow[] }> {
  const args = lsofArgs(port);
  const result = await run('lsof', args).catch((error: unknown) => {
    if (!isMissingTool(error)) throw error;
    throw new Error(
      'lsof not found: it is needed to read listeners on macOS (it ships as /usr/sbin/lsof; ' +
        'make sure /usr/sbin is on PATH)',
    );
  });
  // Exit 1 with nothing printed is lsof's "no match" (no listener) — or, not run as root, "no
  // listener of ours" (the netstat cross-check covers the rest); with output, lsof saw some
  // sockets but not all it looked for: keep what it printed.
  if (result.code > 1)
    throw new Error(`lsof ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return readLsofFields(result.stdout);
}

/** Why the view is partial, in the words both the skipped row and ownerUnknown use. */
function partialView(uid: number | null): string {
  const who = uid === null ? 'as a user that could not be told' : `as uid ${uid}`;
  return `lsof, not run as root (running ${who}), leaves out other users' processes, so the view of the port's holders is partial`;
}

/**
 * The netstat cross-check. When netstat cannot be run or read, the answer says so as a skipped
 * row (`listeners: null`): the tool never reports fewer listeners than the system has in silence.
 */
async function readNetstat(
  run: RunCommand,
  port: number,
  uid: number | null,
): Promise<{ listeners: NetstatListener[] | null; skipped: SkippedRow[] }> {
  const command = `netstat ${NETSTAT_ARGS.join(' ')}`;
  const failed = (why: string) => ({
    listeners: null,
    skipped: [
      {
        source: 'netstat',
        text: skippedText(command),
        reason: `${why}: ${partialView(uid)}, and listeners on port ${port} held by other users could not be looked for (run as root to see them)`,
      },
    ],
  });
  let result;
  try {
    result = await run('netstat', NETSTAT_ARGS);
  } catch (error) {
    return failed(
      isMissingTool(error)
        ? 'netstat was not found'
        : `netstat could not be run (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (result.code !== 0) {
    return failed(`netstat failed (exit ${result.code}: ${result.stderr.trim() || 'no message'})`);
  }
  return parseNetstatListeners(result.stdout, port);
}

/**
 * The netstat listeners that no lsof socket accounts for. netstat prints no socket identity lsof
 * shares, so rows are matched to lsof's sockets by family and address, the pid netstat names
 * preferred: first both, then the address alone, then the pid alone (an address lsof and netstat
 * spell differently). Each lsof socket accounts for one row; the rows left over are sockets lsof
 * could not see.
 */
function unattributed(entries: LsofSocketEntry[], netstat: NetstatListener[]): NetstatListener[] {
  const sockets = new Map<string, { family: string; address: string; pids: Set<number> }>();
  for (const e of entries) {
    const id = socketIdOf(e);
    const socket = sockets.get(id) ?? { family: e.family, address: e.address, pids: new Set() };
    if (e.pid !== null) socket.pids.add(e.pid);
    sockets.set(id, socket);
  }
  const free = [...sockets.values()];
  let left = [...netstat];
  const pass = (fits: (row: NetstatListener, socket: (typeof free)[number]) => boolean) => {
    left = left.filter((row) => {
      const at = free.findIndex((socket) => fits(row, socket));
      if (at < 0) return true;
      free.splice(at, 1);
      return false;
    });
  };
  const sameAddress = (row: NetstatListener, s: (typeof free)[number]) =>
    row.family === s.family && row.address === s.address;
  const samePid = (row: NetstatListener, s: (typeof free)[number]) =>
    row.pid !== null && s.pids.has(row.pid);
  pass((row, s) => sameAddress(row, s) && samePid(row, s));
  pass(sameAddress);
  pass(samePid);
  return left;
}

/** Ids for the sockets only netstat saw: its per-socket gencnt where printed, else the row. */
function hiddenSocketIds(hidden: NetstatListener[]): string[] {
  const seen = new Map<string, number>();
  return hidden.map((l) => {
    const base = `netstat:${l.gencnt ?? `${l.proto}/${l.address}/${l.port}/${l.pid ?? '?'}`}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/**
 * A listener only netstat saw is reported with `ownerUnknown` (which fails ownership), holding
 * the pid netstat names when it names one: the last process to use the socket, which ps can still
 * describe, but whose open files lsof could not read.
 */
function hiddenSockets(
  hidden: NetstatListener[],
  details: Map<number, ProcessInfo>,
  uid: number | null,
): ListenerSocket[] {
  const ids = hiddenSocketIds(hidden);
  return hidden.map((l, i) => {
    const proc =
      l.pid === null
        ? undefined
        : (details.get(l.pid) ?? {
            pid: l.pid,
            ppid: null,
            name: l.process ?? '',
            command: '',
            startedAt: null,
          });
    const named = proc
      ? `netstat names pid ${proc.pid}${proc.name ? ` (${proc.name})` : ''}, the last process to use it`
      : 'netstat names no process';
    return {
      address: l.address,
      port: l.port,
      family: l.family,
      socketId: ids[i]!,
      processes: proc ? [proc] : [],
      ownerUnknown: `netstat lists this listener but lsof could not attribute it: ${partialView(uid)}; ${named}. Run as root to see every holder`,
    };
  });
}

/** lsof's `d` field, the socket's kernel address; without it, one id per process and fd. */
function socketIdOf(entry: LsofSocketEntry): string {
  return entry.device ?? `${entry.pid ?? '?'}/${entry.fd}/${entry.address}:${entry.port}`;
}

/** One ListenerSocket per `d` value, holding every pid lsof printed it under. */
function groupBySocket(
  entries: LsofSocketEntry[],
  details: Map<number, ProcessInfo>,
): ListenerSocket[] {
  const sockets = new Map<string, ListenerSocket>();
  for (const entry of entries) {
    const socketId = socketIdOf(entry);
    const socket = sockets.get(socketId) ?? {
      address: entry.address,
      port: entry.port,
      family: entry.family,
      socketId,
      processes: [],
    };
    sockets.set(socketId, socket);
    if (entry.pid !== null && !socket.processes.some((p) => p.pid === entry.pid)) {
      socket.processes.push(details.get(entry.pid) ?? lsofOnly(entry, entry.pid));
    }
  }
  return [...sockets.values()].map((s) =>
    s.processes.length > 0 ? s : { ...s, ownerUnknown: OWNER_HIDDEN },
  );
}

/** A pid ps no longer lists (it exited in between) keeps what lsof knew. */
function lsofOnly(entry: LsofSocketEntry, pid: number): ProcessInfo {
  return { pid, ppid: entry.ppid, name: entry.command, command: '', startedAt: null };
}
