/**
 * Counting listeners as SPEC §3 `single-listener` defines them: distinct sockets, where one
 * process's IPv4 + IPv6 wildcard pair (`0.0.0.0` and a v6-only `[::]`) counts as one.
 * A socket shared by several processes is already one entry (one socket id).
 */
import type { ListenerSocket } from '../platform/types.js';

const pidKey = (s: ListenerSocket) =>
  s.processes
    .map((p) => p.pid)
    .sort((a, b) => a - b)
    .join(',');

/** Groups sockets into listeners; each group is one listener. */
export function groupListeners(sockets: ListenerSocket[]): ListenerSocket[][] {
  const groups: ListenerSocket[][] = [];
  const wildcardByPids = new Map<string, ListenerSocket[]>();
  for (const s of sockets) {
    const isWildcard = s.address === '0.0.0.0' || s.address === '::';
    const key = pidKey(s);
    if (!isWildcard || key === '') {
      groups.push([s]);
      continue;
    }
    const partner = wildcardByPids.get(key);
    const pairable = partner?.length === 1 && partner[0]!.family !== s.family;
    if (partner && pairable) {
      partner.push(s);
    } else {
      const group = [s];
      groups.push(group);
      wildcardByPids.set(key, group);
    }
  }
  return groups;
}
