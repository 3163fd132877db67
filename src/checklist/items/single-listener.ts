/**
 * `single-listener`: between 1 and max-listeners listeners on the port at every moment the port
 * was watched — from the backend's start to the end of teardown, not at one instant. A listener
 * is one server: sockets grouped by their holders (listener-count.ts).
 */
import { diagnoseHolders } from '../diagnosis.js';
import { fail, pass, unlessPartial, type ChecklistItem, type ItemOutcome } from '../item.js';
import { groupListeners } from '../listener-count.js';
import { describeListenerGroups } from '../listener-lines.js';
import type { ListenerSocket } from '../../platform/types.js';
import type { ServiceRun } from '../service-run.js';

export const singleListener: ChecklistItem = {
  id: 'single-listener',
  title: 'Exactly one listener',
  async run(service) {
    const { port } = service.config;
    const sockets = await service.watch.refresh();
    const count = groupListeners(sockets).length;
    if (count === 0) {
      return fail(`nothing listens on port ${port} any more`, { listeners: sockets });
    }
    return (
      tooMany(service) ??
      unlessPartial(
        pass(measured(sockets, port, count), {
          details: ['never more listeners while the port was watched, from the backend start on'],
          listeners: sockets,
        }),
        service,
      )
    );
  },
  // A second server that binds after this item ran (during the probes, or in teardown) fails it.
  async review(service) {
    const late = tooMany(service);
    return late && { ...late, summary: `${late.summary} (after this check first passed)` };
  },
};

function measured(sockets: ListenerSocket[], port: number, count: number): string {
  const pids = new Set(sockets.flatMap((s) => s.processes.map((p) => p.pid)));
  return `${count} listener(s) on port ${port} (${sockets.length} socket(s), pids ${[...pids].join(', ') || 'unknown'})`;
}

/** The failure when the watch ever saw more listeners than allowed, else null. */
function tooMany(service: ServiceRun): ItemOutcome | null {
  const { port, maxListeners } = service.config;
  const peak = service.watch.peak();
  if (peak.count <= maxListeners || !peak.snapshot) return null;
  const sockets = peak.snapshot.sockets;
  return fail(
    `${measured(sockets, port, peak.count)} at +${(peak.snapshot.atMs / 1000).toFixed(2)} s; expected at most ${maxListeners}`,
    {
      details: describeListenerGroups(service, groupListeners(sockets)),
      listeners: service.watch.seen(),
      diagnosis: diagnoseHolders(sockets, service),
    },
  );
}
