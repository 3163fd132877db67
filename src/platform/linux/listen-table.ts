/** Reads the LISTEN rows for one port from /proc/net/tcp and /proc/net/tcp6. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Family } from '../types.js';
import { parseListenRows, type ListenRow } from './proc-net-tcp.js';

export const TABLES: ReadonlyArray<readonly [string, Family]> = [
  ['/proc/net/tcp', 'IPv4'],
  ['/proc/net/tcp6', 'IPv6'],
];

/*
 * Every read() of these tables makes the kernel walk its socket hashes, so the cost of reading a
 * table to its end grows with the host's connections (32k rows: ~30 ms of kernel time). Two facts
 * let us stop early:
 * - the kernel lists the listening hash first, then the established hash (tcp_seq_next in
 *   net/ipv4/tcp_ipv4.c moves from TCP_SEQ_STATE_LISTENING to TCP_SEQ_STATE_ESTABLISHED once,
 *   never back): a row in a state other than LISTEN (0A) or SYN_RECV (03: listed next to its
 *   listener before Linux 4.4) comes from the established hash, after every LISTEN row;
 * - a read() returns whole rows, at most one page (≥ 4096 bytes) of them, stopping early only at
 *   the end of the table: a read shorter than a page minus a row is the last one.
 * The order is checked on every read, not trusted: a LISTEN row after an established one in what
 * was read means the early stop is unsafe here, and the whole table is read instead.
 */
const CHUNK = 4096;
const LONGEST_ROW = 256;
const LISTENING_SECTION_STATES = new Set(['0A', '03']);

/** Sequential reads of one file into a buffer: the bytes read, 0 at its end. */
export type ReadChunk = (buffer: Buffer) => number;

/** Where the rows read so far say a table's reader is. */
export type Section = 'listening' | 'past-listening' | 'out-of-order';

const ROW_STATE = /^\s*\d+: \S+ \S+ ([0-9A-F]{2}) /i;

/** Pure: the section after these complete lines (the header has no state and is skipped). */
export function nextSection(section: Section, lines: readonly string[]): Section {
  let current = section;
  for (const line of lines) {
    const state = ROW_STATE.exec(line)?.[1]?.toUpperCase();
    if (state === undefined) continue;
    const listening = LISTENING_SECTION_STATES.has(state);
    if (current === 'past-listening' && listening) return 'out-of-order';
    if (!listening) current = 'past-listening';
  }
  return current;
}

/**
 * The beginning of a table that holds every LISTEN row: reading stops at the first chunk that
 * reaches the established section. When the rows read break the listening-first order, the rest
 * of the table is read too, so no LISTEN row is ever missed.
 */
export function readListeningSection(read: ReadChunk): string {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const chunks: string[] = [];
  let partial = ''; // a row cut by a chunk's end (the kernel never cuts one; a fake may)
  let section: Section = 'listening';
  for (;;) {
    const n = read(buffer);
    const chunk = buffer.toString('latin1', 0, n);
    chunks.push(chunk);
    if (n < CHUNK - LONGEST_ROW) return chunks.join(''); // the end of the table
    if (section === 'out-of-order') continue;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    section = nextSection(section, lines);
    if (section === 'past-listening') return chunks.join('');
  }
}

/** One table's listening section through one fd, read sequentially. */
function readTableFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    return readListeningSection((buffer) => readSync(fd, buffer, 0, buffer.length, null));
  } finally {
    closeSync(fd);
  }
}

/** The LISTEN rows of one table, on `port` if given (a missing table, e.g. tcp6 without IPv6, has none). */
export function readTableRows(path: string, family: Family, port?: number): ListenRow[] {
  let text: string;
  try {
    text = readTableFile(path);
  } catch {
    return [];
  }
  return parseListenRows(text, family, port);
}

/** The LISTEN rows on the port (every port when none is given) from both tables. */
export function readListenRows(port?: number): ListenRow[] {
  return TABLES.flatMap(([path, family]) => readTableRows(path, family, port));
}
