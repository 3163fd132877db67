/** `listener-owner`: every process holding a listening socket on the port is in the backend's tree. */
import { describeProcess } from '../../process/describe.js';
import { diagnoseHolders } from '../diagnosis.js';
import { ATTACH_SKIP, fail, pass, skip, type ChecklistItem } from '../item.js';

export const listenerOwner: ChecklistItem = {
  id: 'listener-owner',
  title: 'Listener owned by the backend',
  async run(service) {
    if (service.attach) return skip(ATTACH_SKIP);
    const sockets = service.listeners;
    const unknown = sockets.filter((s) => s.ownerUnknown !== undefined);
    if (unknown.length > 0) {
      return fail(`the owner of ${unknown.length} socket(s) could not be read`, {
        details: unknown.map((s) => s.ownerUnknown!),
        listeners: sockets,
      });
    }
    const strangers = [];
    for (const socket of sockets) {
      for (const proc of socket.processes) {
        if (!(await service.inTree(proc))) strangers.push(proc);
      }
    }
    const pid = service.backend?.pid;
    if (strangers.length === 0) {
      const holders = new Set(sockets.flatMap((s) => s.processes.map((p) => p.pid)));
      return pass(`all ${holders.size} holder(s) belong to the backend's tree (pid ${pid})`, {
        listeners: sockets,
      });
    }
    return fail(
      `${strangers.length} holder(s) outside the backend's tree (pid ${pid}): ${strangers.map(describeProcess).join('; ')}`,
      { listeners: sockets, diagnosis: diagnoseHolders(sockets, service) },
    );
  },
};
