/** Reads the LISTEN rows for one port from /proc/net/tcp and /proc/net/tcp6. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Family } from '../types.js';
import { parseListenRows, type ListenRow } from './proc-net-tcp.js';

const TABLES: Array<[string, Family]> = [
  ['/proc/net/tcp', 'IPv4'],
  ['/proc/net/tcp6', 'IPv6'],
];

/*
 * Reading these tables costs a walk of the kernel's whole established-socket hash (262,144
 * buckets here: ~0.6 ms) per read() call, and reading to EOF takes one more read, hence one more
 * walk. Two facts let us stop early:
 * - the kernel lists the listening hash first, then the established hash; a row in a state other
 *   than LISTEN (0A) or SYN_RECV (03: listed next to their listener before Linux 4.4) comes from
 *   the established hash, so every LISTEN row has been read;
 * - a read() returns whole rows, at most one page (≥ 4096 bytes) of them, stopping early only at
 *   the end of the table: a read shorter than a page minus a row is the last one.
 */
const READ_BUFFER = Buffer.allocUnsafe(128 * 1024);
const SHORTEST_PAGE = 4096;
const LONGEST_ROW = 256;
const ESTABLISHED_HASH_ROW = /^\s*\d+: \S+ \S+ (?!0A|03)[0-9A-F]{2} /im;

/** The beginning of a /proc/net/tcp{,6} table that holds every LISTEN row. */
function readListeningSection(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let text = '';
    for (;;) {
      const n = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, null);
      const chunk = READ_BUFFER.toString('latin1', 0, n);
      text += chunk;
      if (n < SHORTEST_PAGE - LONGEST_ROW || ESTABLISHED_HASH_ROW.test(chunk)) return text;
    }
  } finally {
    closeSync(fd);
  }
}

/** The LISTEN rows on the port (every port when none is given) from both tables (a missing tcp6 table means no IPv6). */
export function readListenRows(port?: number): ListenRow[] {
  return TABLES.flatMap(([path, family]) => {
    let text: string;
    try {
      text = readListeningSection(path);
    } catch {
      return [];
    }
    const rows = parseListenRows(text, family);
    return port === undefined ? rows : rows.filter((row) => row.port === port);
  });
}
