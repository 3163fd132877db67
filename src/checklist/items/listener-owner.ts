/**
 * `listener-owner`: every process that held a listening socket on the port, at any moment the
 * port was watched, belongs to the run — the spawned tree, a process carrying the run's marker
 * (it daemonized), or one recognised by timing. An owner that cannot be read fails.
 */
import { describeProcess } from '../../process/describe.js';
import { diagnoseHolders } from '../diagnosis.js';
import { fail, pass, unlessPartial, type ChecklistItem, type ItemOutcome } from '../item.js';
import type { ServiceRun } from '../service-run.js';

export const listenerOwner: ChecklistItem = {
  id: 'listener-owner',
  title: 'Listener owned by the backend',
  startedBackendOnly: true,
  async run(service) {
    await service.watch.refresh(); // workers forked since the last change of the socket set
    return judge(service);
  },
  async review(service) {
    const outcome = await judge(service);
    return outcome.status === 'fail'
      ? { ...outcome, summary: `${outcome.summary} (seen after this check first passed)` }
      : null;
  },
};

async function judge(service: ServiceRun): Promise<ItemOutcome> {
  const sockets = service.watch.seen();
  const unknown = sockets.filter((s) => s.ownerUnknown !== undefined);
  if (unknown.length > 0) {
    return fail(`the owner of ${unknown.length} socket(s) could not be read`, {
      details: unknown.map((s) => s.ownerUnknown!),
      listeners: sockets,
    });
  }
  const holders = new Map(sockets.flatMap((s) => s.processes).map((p) => [p.pid, p]));
  for (const proc of holders.values()) await service.belongs(proc);
  const strangers = service.strangersSeen();
  const pid = service.backend?.pid;
  if (strangers.length > 0) {
    return fail(
      `${strangers.length} holder(s) outside the run (backend pid ${pid}): ${strangers.map(describeProcess).join('; ')}`,
      { listeners: sockets, diagnosis: diagnoseHolders(sockets, service) },
    );
  }
  const rules = [...holders.values()].map((p) => service.ruleOf(p));
  const byMarker = rules.filter((r) => r === 'marker').length;
  const byTiming = rules.filter((r) => r === 'timing').length;
  const how = [
    byMarker > 0 ? `${byMarker} found by the run marker (daemonized)` : '',
    byTiming > 0 ? `${byTiming} by timing (environment overwritten)` : '',
  ].filter(Boolean);
  const owned = pass(
    how.length > 0
      ? `all ${holders.size} holder(s) belong to the run (backend pid ${pid}): ${how.join(', ')}`
      : `all ${holders.size} holder(s) belong to the backend's tree (pid ${pid})`,
    {
      details: [...holders.values()].map((p) => service.describeMember(p)),
      listeners: sockets,
    },
  );
  return unlessPartial(owned, service);
}
