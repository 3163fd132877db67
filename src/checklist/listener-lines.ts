/** One line per listener for item details: its holders, addresses and when the watch saw it. */
import type { ListenerSocket } from '../platform/types.js';
import { describeProcess } from '../process/describe.js';
import { topmost } from '../process/tree.js';
import type { ServiceRun } from './service-run.js';

const seconds = (ms: number) => `+${(ms / 1000).toFixed(2)} s`;

export function describeListenerGroups(service: ServiceRun, groups: ListenerSocket[][]): string[] {
  return groups.map((sockets) => {
    const holders = new Map(sockets.flatMap((s) => s.processes).map((p) => [p.pid, p]));
    const tops = topmost([...holders.values()]);
    const more = holders.size - tops.length;
    const who =
      tops.length === 0
        ? (sockets[0]!.ownerUnknown ?? 'owner unknown')
        : `${tops.map(describeProcess).join(', ')}${more > 0 ? ` and ${more} child process(es)` : ''}`;
    const records = sockets.map((s) => service.watch.records.get(s.socketId));
    const first = Math.min(...records.map((r) => r?.firstSeenMs ?? Infinity));
    const addresses = sockets.map((s) => (s.family === 'IPv6' ? `[${s.address}]` : s.address));
    const when = Number.isFinite(first) ? `, appeared at ${seconds(first)}` : '';
    const ours = tops.some((p) => service.rules.has(p.pid)) ? 'ours' : 'not ours';
    return `${addresses.join(' + ')}: ${who} (${ours}${when})`;
  });
}
