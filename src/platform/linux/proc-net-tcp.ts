/**
 * Pure parser of /proc/net/tcp and /proc/net/tcp6: the LISTEN rows, with decoded addresses.
 *
 * Row shape (whitespace-separated): `sl local_address rem_address st tx:rx tr:when retrnsmt
 * uid timeout inode ...`; local_address is `<hex address>:<hex port>`, state `0A` is LISTEN.
 */
import type { Family } from '../types.js';

export interface ListenRow {
  address: string;
  port: number;
  family: Family;
  /** The socket's inode, as printed (decimal). */
  inode: string;
}

const LISTEN_STATE = '0A';
// os.endianness() without loading node:os: a little-endian host stores the 16-bit 1 as 01 00.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The kernel prints each 32-bit word of the address as a host-order integer (`%08X`), so on
 * little-endian hosts each word's bytes appear reversed.
 */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const printed = [0, 2, 4, 6].map((i) => parseInt(hex.slice(word + i, word + i + 2), 16));
    bytes.push(...(littleEndian ? printed.reverse() : printed));
  }
  return bytes;
}

/** `0100007F` → `127.0.0.1` (on a little-endian host). */
export function decodeIPv4(hex: string, littleEndian = HOST_IS_LITTLE_ENDIAN): string {
  return wordBytes(hex, littleEndian).join('.');
}

/** `00000000000000000000000001000000` → `::1`; IPv4-mapped addresses keep their dotted quad. */
export function decodeIPv6(hex: string, littleEndian = HOST_IS_LITTLE_ENDIAN): string {
  const bytes = wordBytes(hex, littleEndian);
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((g) => (bytes[2 * g]! << 8) | bytes[2 * g + 1]!);
  const isV4Mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (isV4Mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  return compressIPv6(groups);
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart < 0) return text.join(':');
  const head = text.slice(0, bestStart).join(':');
  const tail = text.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

const ADDRESS_PATTERN = {
  IPv4: /^([0-9A-F]{8}):([0-9A-F]{4})$/i,
  IPv6: /^([0-9A-F]{32}):([0-9A-F]{4})$/i,
};

/**
 * The LISTEN rows of one table (on `port` only, when given: other rows' addresses are never
 * decoded); the header and malformed rows are skipped, never thrown on.
 */
export function parseListenRows(text: string, family: Family, port?: number): ListenRow[] {
  const rows: ListenRow[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] !== LISTEN_STATE) continue;
    const local = ADDRESS_PATTERN[family].exec(fields[1] ?? '');
    const inode = fields[9];
    if (!local || inode === undefined || !/^\d+$/.test(inode)) continue;
    const rowPort = parseInt(local[2]!, 16);
    if (port !== undefined && rowPort !== port) continue;
    const address = family === 'IPv4' ? decodeIPv4(local[1]!) : decodeIPv6(local[1]!);
    rows.push({ address, port: rowPort, family, inode });
  }
  return rows;
}
