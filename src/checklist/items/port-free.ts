/** `port-free`: no socket listens on the port before we start, with the on-conflict policy (SPEC §3). */
import { stopProcessTree } from '../../process/stop.js';
import { topmost } from '../../process/tree.js';
import { describeProcess } from '../../process/describe.js';
import { diagnoseHolders, uniqueHolders } from '../diagnosis.js';
import { ATTACH_SKIP, fail, pass, skip, warn, type ChecklistItem } from '../item.js';
import { waitForPortFree } from '../wait.js';

export const portFree: ChecklistItem = {
  id: 'port-free',
  title: 'Port free before start',
  async run(service) {
    if (service.attach) return skip(ATTACH_SKIP);
    const { port, onConflict, stopTimeoutMs } = service.config;
    const platform = service.env.platform;
    const held = await platform.listListeners(port);
    if (held.length === 0) return pass(`nothing listens on port ${port}`);

    const holders = topmost(uniqueHolders(held));
    const list = holders.map(describeProcess).join('; ') || 'unknown holder';
    const diagnosis = diagnoseHolders(held, service);
    if (onConflict === 'ignore') {
      service.preexisting = held;
      return warn(`port ${port} is already held (${list}); continuing (on-conflict: ignore)`, {
        listeners: held,
        diagnosis,
      });
    }
    if (onConflict === 'fail') {
      return fail(`port ${port} is already held: ${list}`, {
        listeners: held,
        diagnosis,
        fatal: `port ${port} was held before start (on-conflict: fail); nothing was started`,
      });
    }

    const stopped: string[] = [];
    for (const holder of holders) {
      const outcome = await stopProcessTree(platform, holder.pid, { graceMs: stopTimeoutMs });
      if (outcome.refused.length > 0) {
        const reasons = outcome.refused.map((r) => `${describeProcess(r.proc)}: ${r.reason}`);
        return fail(`on-conflict: kill refused to stop the holder of port ${port}`, {
          details: reasons,
          listeners: held,
          diagnosis,
          fatal: `port ${port} is held by a process that may not be stopped`,
        });
      }
      stopped.push(...[...outcome.stopped, ...outcome.killed].map(describeProcess));
    }
    const remaining = await waitForPortFree(platform, port, stopTimeoutMs, service.env.signal);
    if (remaining.length > 0) {
      return fail(`port ${port} is still held after stopping its holders`, {
        details: stopped.map((s) => `stopped ${s}`),
        listeners: remaining,
        diagnosis: diagnoseHolders(remaining, service),
        fatal: `port ${port} could not be freed`,
      });
    }
    return warn(
      `port ${port} was held; stopped ${stopped.length} process(es) (on-conflict: kill)`,
      {
        details: stopped.map((s) => `stopped ${s}`),
        listeners: held,
      },
    );
  },
};
