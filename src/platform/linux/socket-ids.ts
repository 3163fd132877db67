/**
 * The watch's cheap read: the ids of the sockets listening on a port, from a listen table that is
 * re-read only when the kernel's count of TCP sockets of its family changed (or REVALIDATE_MS
 * after its last read). Even stopped early, a table read walks the established hash up to the
 * first socket of its family: on a host whose 16k connections are all IPv4, every tcp6 read walks
 * all of them (~3 ms of kernel time). The counters cost a few µs and do not grow with the host.
 */
import { openSync, readSync } from 'node:fs';
import type { Family } from '../types.js';
import { readTableRows, TABLES } from './listen-table.js';
import type { ListenRow } from './proc-net-tcp.js';

/**
 * A listener that closes and another that opens between two polls leave the count unchanged: the
 * table is re-read at least this often whatever the counters say.
 */
export const REVALIDATE_MS = 250;

/** Where each family's TCP `inuse` count (hashed sockets: listening and connected) is printed. */
const COUNTERS: Record<Family, { path: string; pattern: RegExp }> = {
  IPv4: { path: '/proc/net/sockstat', pattern: /^TCP: inuse (\d+)/m },
  IPv6: { path: '/proc/net/sockstat6', pattern: /^TCP6: inuse (\d+)/m },
};

/** Pure: the count in a sockstat text, or null when it is not there. */
export function parseInUse(text: string, family: Family): number | null {
  const match = COUNTERS[family].pattern.exec(text);
  return match ? Number(match[1]) : null;
}

const counterFds = new Map<Family, number | null>();
const counterBuffer = Buffer.allocUnsafe(2048);

/**
 * The family's count, or null when unreadable (then the table is always read). The file stays
 * open: a read from offset 0 makes the kernel print it afresh, at a tenth of an open's cost.
 */
export function tcpSocketsInUse(family: Family): number | null {
  if (!counterFds.has(family)) {
    try {
      counterFds.set(family, openSync(COUNTERS[family].path, 'r'));
    } catch {
      counterFds.set(family, null);
    }
  }
  const fd = counterFds.get(family);
  if (fd === null || fd === undefined) return null;
  try {
    const n = readSync(fd, counterBuffer, 0, counterBuffer.length, 0);
    return parseInUse(counterBuffer.toString('latin1', 0, n), family);
  } catch {
    return null;
  }
}

interface TableRead {
  count: number | null;
  atMs: number;
  rows: ListenRow[];
}

/** Each family's rows on a port, re-read when its count moved or its last read is REVALIDATE_MS old. */
export class ListenRowsCache {
  private readonly last = new Map<string, TableRead>();

  constructor(
    private readonly count: (family: Family) => number | null,
    private readonly read: (path: string, family: Family, port: number) => ListenRow[],
  ) {}

  rows(path: string, family: Family, port: number, nowMs: number): ListenRow[] {
    // The count is read before the table: a listener that appears in between is in the table,
    // or moves the count the next poll sees.
    const count = this.count(family);
    const key = `${family} ${port}`;
    const last = this.last.get(key);
    if (last && count !== null && last.count === count && nowMs - last.atMs < REVALIDATE_MS) {
      return last.rows;
    }
    const rows = this.read(path, family, port);
    this.last.set(key, { count, atMs: nowMs, rows });
    return rows;
  }
}

const cache = new ListenRowsCache(tcpSocketsInUse, readTableRows);

/** The inodes of the sockets listening on the port, both families. */
export function listeningSocketIds(port: number, nowMs = performance.now()): string[] {
  return TABLES.flatMap(([path, family]) =>
    cache.rows(path, family, port, nowMs).map((row) => row.inode),
  );
}
