/**
 * `teardown`: SIGTERM to the backend's process group (Windows: its tree), SIGKILL after
 * stop-timeout; then no listener remains on the port and no process of the tree survives.
 * Members that left the group but are still ours (pid + start time) are stopped as well; a
 * daemon that escaped both group and tree is found on the port and named.
 */
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { stopProcessTree } from '../../process/stop.js';
import { isSameProcess } from '../../process/tree.js';
import type { ListenerSocket, ProcessInfo } from '../../platform/types.js';
import { describeProcess } from '../../process/describe.js';
import { describeExit } from '../backend.js';
import { diagnoseSurvivors } from '../diagnosis.js';
import { ATTACH_SKIP, fail, pass, skip, warn, type ChecklistItem } from '../item.js';
import { saveKeptBackend } from '../kept-backends.js';
import type { ServiceRun } from '../service-run.js';
import { teardownGrace } from '../teardown-grace.js';
import { waitForPortFree } from '../wait.js';

/** After SIGKILL, how long the kernel gets to release the socket. */
const RELEASE_MS = 2000;

export const teardown: ChecklistItem = {
  id: 'teardown',
  title: 'Backend stopped, port released',
  mustFinish: true,
  async run(service) {
    if (service.attach) return skip(ATTACH_SKIP);
    const backend = service.backend;
    if (!backend || !service.backendProcess) return skip('nothing was started');
    const { port, stopTimeoutMs, keepRunning } = service.config;
    if (keepRunning && !service.env.signal.aborted) {
      await saveKeptBackend(service.env.reportDir, service.config, service.backendProcess);
      // Its output keeps going to its own file; the run no longer follows it.
      backend.release();
      await service.log?.close();
      return skip(
        `keep-running: pid ${backend.pid} left running; stop it with \`single-listener-check stop --report-dir ${service.env.reportDir}\``,
      );
    }

    const started = performance.now();
    await service.refreshTree();
    const members = [...service.tree.values()];
    const platform = service.env.platform;
    const outcome = await stopProcessTree(platform, backend.pid, {
      graceMs: teardownGrace(stopTimeoutMs, service.env.signal.aborted),
      processGroup: true,
      members,
      escalate: service.env.escalate,
    });
    backend.release();
    await service.log?.close();
    if (service.privateOutputDir)
      await rm(service.privateOutputDir, { recursive: true, force: true });
    const before = new Set(service.preexisting.map((s) => s.socketId));
    const isPreexisting = (s: ListenerSocket) => before.has(s.socketId);
    const held = await waitForPortFree(platform, port, RELEASE_MS, undefined, isPreexisting);
    const remaining = held.filter((s) => !isPreexisting(s));
    const others = held.filter(isPreexisting);
    const survivors = await aliveMembers(service, members);
    service.mark('teardown');

    const elapsed = Math.round(performance.now() - started);
    if (remaining.length > 0 || survivors.length > 0) {
      const holders = remaining.flatMap((s) => s.processes);
      const named = [...holders, ...survivors.filter((p) => !holders.some((h) => h.pid === p.pid))];
      return fail(
        remaining.length > 0
          ? `port ${port} is still held after teardown by ${named.map(describeProcess).join('; ') || 'an unknown process'}`
          : `${survivors.length} process(es) of the backend survived teardown: ${survivors.map(describeProcess).join('; ')}`,
        {
          listeners: remaining,
          diagnosis: await diagnoseSurvivors(service, named),
        },
      );
    }
    const how =
      outcome.killed.length > 0
        ? `SIGKILL after ${stopTimeoutMs / 1000} s for ${outcome.killed.length} process(es) that ignored SIGTERM`
        : 'SIGTERM';
    // Counted from what was signalled and went away, not from every process ever seen.
    const count = outcome.stopped.length + outcome.killed.length;
    const what =
      count > 0
        ? `stopped ${count} process(es) with ${how} in ${elapsed} ms`
        : `nothing left to stop: the backend had already exited${backend.exit ? ` (${describeExit(backend.exit)})` : ''}`;
    const details = outcome.killed.map((p) => `needed SIGKILL: ${describeProcess(p)}`);
    if (others.length > 0) {
      const holders = others.flatMap((s) => s.processes).map(describeProcess);
      return warn(
        `${what}; port ${port} is still held by ${holders.join('; ')}, which held it before the run (on-conflict: ignore)`,
        { details, listeners: others },
      );
    }
    return pass(`${what}; port ${port} is free`, { details });
  },
};

async function aliveMembers(service: ServiceRun, members: ProcessInfo[]): Promise<ProcessInfo[]> {
  const alive: ProcessInfo[] = [];
  for (const member of members) {
    const now = await service.env.platform.getProcess(member.pid);
    if (now && now.state !== 'exited' && isSameProcess(now, member)) alive.push(now);
  }
  return alive;
}
