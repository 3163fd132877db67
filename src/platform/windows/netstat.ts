/**
 * `netstat -ano` → listening TCP rows. Rows look like
 * `  TCP    0.0.0.0:5000    0.0.0.0:0    LISTENING    6156` and `  TCP    [::]:5665    [::]:0    LISTENING    8692`.
 * The state word is localised (`ABHÖREN`, `ÉCOUTE`, Italian `IN ASCOLTO` is two words) and
 * arrives in the console's code page, so a row is read by its columns, never by that word: a
 * TCP row whose remote side is `0.0.0.0:0` or `[::]:0` is a listener.
 */
import { parseEndpoint } from '../endpoint.js';
import type { WindowsTcpRow } from './tcp-rows.js';

/** All protocols: `-p TCP` alone would leave out the IPv6 (`TCPv6`) table. */
export const NETSTAT_ARGS = ['-ano'] as const;

const UNCONNECTED_REMOTE = new Set(['0.0.0.0:0', '[::]:0']);

/** Never throws: headers, UDP rows, connections and anything unreadable are skipped. */
export function parseNetstatListeners(output: string): WindowsTcpRow[] {
  const rows: WindowsTcpRow[] = [];
  for (const line of output.split(/\r?\n/)) {
    // Protocol, local, remote, one or more state words, pid.
    const columns = line.trim().split(/\s+/);
    const [proto = '', local = '', remote = ''] = columns;
    const pidText = columns.at(-1) ?? '';
    if (columns.length < 5 || proto.toUpperCase() !== 'TCP' || !UNCONNECTED_REMOTE.has(remote))
      continue;
    const endpoint = parseEndpoint(local);
    if (!endpoint || !/^\d{1,10}$/.test(pidText)) continue;
    rows.push({ address: endpoint.host, port: endpoint.port, pid: Number(pidText) });
  }
  return rows;
}
