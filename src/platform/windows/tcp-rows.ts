/** Listening rows as Windows tables print them, and the sockets they stand for. */
import type { Family } from '../types.js';

/** One row of Get-NetTCPConnection or netstat: Windows gives no socket handle, only this. */
export interface WindowsTcpRow {
  /** Without brackets: '0.0.0.0', '::', '127.0.0.1', '::1'. */
  address: string;
  port: number;
  pid: number;
}

/** A listening row whose owner could not be read (no pid column, OwningProcess null). */
export type UnownedTcpRow = Omit<WindowsTcpRow, 'pid'>;

export interface WindowsSocket extends WindowsTcpRow {
  socketId: string;
  family: Family;
}

/**
 * Socket identity on Windows, synthesised from the rows:
 * - one pid's `0.0.0.0` row paired with its `::` row on the same port is one dual-stack socket,
 *   `win:<pid>:<port>:wildcard`, reported as what it is bound to (`::`, IPv6). Were they two
 *   v6-only sockets instead, both would still belong to that one process;
 * - every other row is its own socket, `win:<pid>:<address>:<port>` (IPv6 in brackets: `win:7:[::1]:80`);
 * - a repeated id (SO_REUSEADDR lets one process bind the same address twice) gets `#2`, `#3`.
 */
export function identifySockets(rows: readonly WindowsTcpRow[]): WindowsSocket[] {
  const paired = new Set<WindowsTcpRow>();
  const sockets: WindowsSocket[] = [];
  for (const row of rows) {
    if (paired.has(row) || row.address !== '0.0.0.0') continue;
    const v6 = rows.find(
      (r) => r.address === '::' && r.pid === row.pid && r.port === row.port && !paired.has(r),
    );
    if (!v6) continue;
    paired.add(row).add(v6);
    const socketId = `win:${row.pid}:${row.port}:wildcard`;
    sockets.push({ socketId, address: '::', port: row.port, family: 'IPv6', pid: row.pid });
  }
  for (const row of rows) {
    if (paired.has(row)) continue;
    const family = row.address.includes(':') ? 'IPv6' : 'IPv4';
    const host = family === 'IPv6' ? `[${row.address}]` : row.address;
    sockets.push({ ...row, socketId: `win:${row.pid}:${host}:${row.port}`, family });
  }
  const seen = new Map<string, number>();
  return sockets.map((socket) => {
    const count = (seen.get(socket.socketId) ?? 0) + 1;
    seen.set(socket.socketId, count);
    return count === 1 ? socket : { ...socket, socketId: `${socket.socketId}#${count}` };
  });
}

/** A non-negative integer from a JSON number or a digit string, else null. */
export function toCount(value: unknown): number | null {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,10}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}
