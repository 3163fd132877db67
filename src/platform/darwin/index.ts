/** macOS: listeners from `lsof -F`, process details from `ps`. */
import { isMissingTool, runCommand, type RunCommand } from '../run-command.js';
import type { ListenerSocket, Platform, ProcessInfo } from '../types.js';
import { lsofArgs, parseLsofFields, type LsofSocketEntry } from './lsof.js';
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

export function createDarwinPlatform(run: RunCommand): Platform {
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

  const listListeners = async (port: number) => {
    const entries = (await readLsof(run, port)).filter((e) => e.port === port);
    const pids = [...new Set(entries.flatMap((e) => (e.pid === null ? [] : [e.pid])))];
    const details = pids.length === 0 ? [] : await readProcesses(pids);
    return groupBySocket(entries, new Map(details.map((p) => [p.pid, p])));
  };
  /** `ps -E` appends each process's environment to its command line: only for our own processes. */
  const markedPids = async (selection: number[] | 'all', marker: string) =>
    parseMarkedPids(await ps(psEnvironmentArgs(selection)), marker);

  return {
    name: 'darwin',
    // Every read runs lsof (tens of milliseconds of CPU): poll less often than on Linux.
    watchPollMs: 100,
    listListeners,
    // lsof alone: the processes' details (ps) are read only when the set of sockets changes.
    listSocketIds: async (port) =>
      (await readLsof(run, port)).filter((e) => e.port === port).map(socketIdOf),
    // Not read yet on macOS: a readiness timeout then says only what listens on the port.
    listeningSocketsOf: async () => [],

    async markerState(pid, marker) {
      if ((await markedPids([pid], marker)).includes(pid)) return 'marked';
      const proc = (await readProcesses([pid])).find((p) => p.pid === pid);
      // ps shows only our own processes' environments.
      return proc && proc.uid === process.getuid?.() ? 'unmarked' : 'unreadable';
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
  };
}

export const darwinPlatform: Platform = createDarwinPlatform(runCommand);

async function readLsof(run: RunCommand, port: number): Promise<LsofSocketEntry[]> {
  const args = lsofArgs(port);
  const result = await run('lsof', args).catch((error: unknown) => {
    if (!isMissingTool(error)) throw error;
    throw new Error(
      'lsof not found: it is needed to read listeners on macOS (it ships as /usr/sbin/lsof; ' +
        'make sure /usr/sbin is on PATH)',
    );
  });
  // Exit 1 with nothing printed is lsof's "no match" (no listener); with output, lsof saw some
  // sockets but not all it looked for: keep what it printed.
  if (result.code > 1)
    throw new Error(`lsof ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  return parseLsofFields(result.stdout);
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
