/**
 * The URL the checklist sends requests to, from where the backend actually bound — never the
 * name `localhost`, which Node 17+ resolves to ::1 first while curl and many servers use
 * 127.0.0.1 (the classic "wait never ends" and "clients see another server").
 *
 * Preference, best first: an IPv4 address (the wildcard 0.0.0.0 is reached on 127.0.0.1; a
 * specific bind on itself, loopback first); an IPv4-mapped IPv6 bind on its IPv4 address; the
 * IPv6 wildcard `::` on [::1] (reachable whether the socket is dual-stack or v6-only, which the
 * listen table does not tell); a specific IPv6 address in brackets. With no listener at all the
 * answer is http://127.0.0.1:<port>.
 */
import net from 'node:net';
import type { ListenerSocket } from '../platform/types.js';

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Lower rank wins; `host` is ready to put in a URL. */
function candidate(address: string): { rank: number; host: string } {
  if (address === '0.0.0.0') return { rank: 0, host: '127.0.0.1' };
  if (net.isIPv4(address)) return { rank: address.startsWith('127.') ? 1 : 2, host: address };
  const mapped = V4_MAPPED.exec(address)?.[1];
  if (mapped !== undefined) return { rank: 3, host: mapped === '0.0.0.0' ? '127.0.0.1' : mapped };
  if (address === '::' || address === '::1') return { rank: 4, host: '[::1]' };
  return { rank: 5, host: `[${address}]` };
}

export function deriveBaseUrl(listeners: ListenerSocket[], port: number): string {
  const best = listeners
    .map((l) => candidate(l.address))
    .reduce<{ rank: number; host: string } | null>(
      (a, b) => (a === null || b.rank < a.rank ? b : a),
      null,
    );
  return `http://${best?.host ?? '127.0.0.1'}:${port}`;
}
