/** One line per listener for item details: who holds it, whether it is the run's, when it appeared. */
import type { ListenerSocket } from '../platform/types.js';
import { describeListener } from './diagnosis.js';
import type { ServiceRun } from './service-run.js';

export function describeListenerGroups(service: ServiceRun, groups: ListenerSocket[][]): string[] {
  return groups.map((sockets) => {
    const ours = sockets.some((s) => service.ownHolders(s).length > 0) ? 'ours' : 'not ours';
    const first = Math.min(
      ...sockets.map((s) => service.watch.records.get(s.socketId)?.firstSeenMs ?? Infinity),
    );
    const when = Number.isFinite(first) ? `, appeared at +${(first / 1000).toFixed(2)} s` : '';
    return `${describeListener(sockets)} (${ours}${when})`;
  });
}
