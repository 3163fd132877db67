/**
 * `netstat -ano` → listening TCP rows. Rows look like
 * `  TCP    0.0.0.0:5000    0.0.0.0:0    LISTENING    6156` and `  TCP    [::]:5665    [::]:0    LISTENING    8692`.
 * The state word is localised (`ABHÖREN`, `ÉCOUTE`, Italian `IN ASCOLTO` is two words) and
 * arrives in the console's code page, so a row is read by its columns, never by that word: a
 * TCP row whose remote side is `0.0.0.0:0` or `[::]:0` is a listener.
 */
import { parseEndpoint } from '../endpoint.js';
import { skippedText, type SkippedRow } from '../types.js';
import type { UnownedTcpRow, WindowsTcpRow } from './tcp-rows.js';

/** All protocols: `-p TCP` alone would leave out the IPv6 (`TCPv6`) table. */
export const NETSTAT_ARGS = ['-ano'] as const;

const UNCONNECTED_REMOTE = new Set(['0.0.0.0:0', '[::]:0']);

export interface NetstatTable {
  /** Listening TCP rows with their pid. */
  rows: WindowsTcpRow[];
  /** Listening rows whose pid column is not a number (cut short, or printed without `-o`). */
  unowned: UnownedTcpRow[];
  /** TCP rows that do not fit the columns: neither their port nor their state can be read. */
  skipped: SkippedRow[];
}

/**
 * Never throws. Headers, UDP rows and connections are not listeners and are left out; a TCP row
 * that cannot be read is kept in `skipped` (it may be a listener on any port).
 */
export function parseNetstatTable(output: string): NetstatTable {
  const table: NetstatTable = { rows: [], unowned: [], skipped: [] };
  for (const line of output.split(/\r?\n/)) {
    // Protocol, local, remote, one or more state words, pid.
    const columns = line.trim().split(/\s+/);
    const [proto = '', local = '', remote = ''] = columns;
    if (!/^TCP(?:v6)?$/i.test(proto)) continue;
    const skip = (reason: string) =>
      table.skipped.push({ source: 'netstat', text: skippedText(line), reason });
    const endpoint = parseEndpoint(local);
    if (columns.length < 4 || endpoint === null) {
      skip('the local address and port cannot be read');
      continue;
    }
    if (!UNCONNECTED_REMOTE.has(remote)) {
      // A connection (its remote side has a port), or a remote column that is not an endpoint.
      if (parseEndpoint(remote) === null) skip('the remote address cannot be read');
      continue;
    }
    const pidText = columns.at(-1) ?? '';
    const where = { address: endpoint.host, port: endpoint.port };
    if (columns.length >= 5 && /^\d{1,10}$/.test(pidText)) {
      table.rows.push({ ...where, pid: Number(pidText) });
    } else {
      table.unowned.push(where);
    }
  }
  return table;
}

/** The readable listening rows of parseNetstatTable. */
export function parseNetstatListeners(output: string): WindowsTcpRow[] {
  return parseNetstatTable(output).rows;
}
