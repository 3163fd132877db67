/** listListeners for Linux: the LISTEN rows of /proc/net/tcp{,6} for a port, with every holder. */
import type { ListenerSocket, ProcessInfo } from '../types.js';
import { readListenRows } from './listen-table.js';
import type { ListenRow } from './proc-net-tcp.js';
import { readProcess, withDescendants } from './procfs.js';
import {
  findSocketHolders,
  findSocketHoldersInSlices,
  type SocketHolders,
} from './socket-holders.js';

const MAX_LISTED_PIDS = 5;

/** Why a socket has no holder we can name: permission, or a holder out of our sight. */
export function ownerUnknownReason(inode: string, deniedPids: number[]): string {
  if (deniedPids.length === 0) {
    return `no process visible here holds socket inode ${inode} (another PID namespace such as a container, or its holder just exited)`;
  }
  const shown = deniedPids.slice(0, MAX_LISTED_PIDS).join(', ');
  const more =
    deniedPids.length > MAX_LISTED_PIDS ? ` and ${deniedPids.length - MAX_LISTED_PIDS} more` : '';
  return `no readable process holds socket inode ${inode} (permission denied for pids ${shown}${more})`;
}

/** One socket per row (one row per inode), with its holders; holders that exited meanwhile are dropped. */
export function assembleListeners(
  rows: ListenRow[],
  scan: SocketHolders,
  getProcess: (pid: number) => ProcessInfo | null,
): ListenerSocket[] {
  return rows.map((row) => {
    const processes = (scan.holders.get(row.inode) ?? [])
      .map(getProcess)
      .filter((p): p is ProcessInfo => p !== null);
    const socket: ListenerSocket = {
      address: row.address,
      port: row.port,
      family: row.family,
      socketId: row.inode,
      processes,
    };
    if (processes.length === 0)
      socket.ownerUnknown = ownerUnknownReason(row.inode, scan.deniedPids);
    return socket;
  });
}

/** Near zero work when nothing listens: the process walk only runs when a row matched. */
export async function listListeners(port: number): Promise<ListenerSocket[]> {
  const rows = readListenRows(port);
  if (rows.length === 0) return [];
  const scan = await findSocketHoldersInSlices(new Set(rows.map((row) => row.inode)));
  return assembleListeners(rows, scan, readProcess);
}

/**
 * The listening sockets, on any port, held by these processes or their descendants: a walk of
 * their fds only.
 */
export function listeningSocketsOf(pids: readonly number[]): ListenerSocket[] {
  const rows = readListenRows();
  if (rows.length === 0 || pids.length === 0) return [];
  const scan = findSocketHolders(new Set(rows.map((row) => row.inode)), withDescendants(pids));
  return assembleListeners(
    rows.filter((row) => scan.holders.has(row.inode)),
    scan,
    readProcess,
  );
}
