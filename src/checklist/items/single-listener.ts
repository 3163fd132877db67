/** `single-listener`: between 1 and max-listeners distinct listening sockets on the port (SPEC §3). */
import { diagnoseHolders } from '../diagnosis.js';
import { fail, pass, type ChecklistItem } from '../item.js';
import { groupListeners } from '../listener-count.js';

export const singleListener: ChecklistItem = {
  id: 'single-listener',
  title: 'Exactly one listener',
  async run(service) {
    const { port, maxListeners } = service.config;
    const sockets = await service.env.platform.listListeners(port);
    service.listeners = sockets;
    const count = groupListeners(sockets).length;
    const pids = new Set(sockets.flatMap((s) => s.processes.map((p) => p.pid)));
    const measured = `${count} listener(s) on port ${port} (${sockets.length} socket(s), pids ${[...pids].join(', ') || 'unknown'})`;
    if (count >= 1 && count <= maxListeners) return pass(measured, { listeners: sockets });
    return fail(
      count === 0
        ? `nothing listens on port ${port} any more`
        : `${measured}; expected at most ${maxListeners}`,
      { listeners: sockets, diagnosis: diagnoseHolders(sockets, service) },
    );
  },
};
