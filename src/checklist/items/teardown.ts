/**
 * `teardown`: SIGTERM to the backend's process group and to every other process of the run
 * (marked, daemonized; Windows: the tree), SIGKILL after stop-timeout; then, once a settle time
 * has passed with no process of the run left, the port is read back: "free" only when it is.
 * A survivor is named with how it was recognised and its parent chain.
 */
import { rm } from 'node:fs/promises';
import { stopProcessTree } from '../../process/stop.js';
import type { ListenerSocket } from '../../platform/types.js';
import { describeProcess } from '../../process/describe.js';
import { describeExit } from '../backend.js';
import { describeListeners, diagnoseSurvivors } from '../diagnosis.js';
import { fail, pass, skip, warn, type ChecklistItem } from '../item.js';
import { saveKeptBackend } from '../kept-backends.js';
import { teardownGrace } from '../teardown-grace.js';
import { pause, waitForPortFree } from '../../process/wait.js';

/** After SIGKILL, how long the kernel gets to release the socket. */
const RELEASE_MS = 2000;
/** Looks for late forks of a stopped run, each after the `settle-time` pause. */
const SETTLE_ROUNDS = 3;

export const teardown: ChecklistItem = {
  id: 'teardown',
  title: 'Backend stopped, port released',
  startedBackendOnly: true,
  mustFinish: true,
  async run(service) {
    const backend = service.backend;
    if (!backend) return skip('nothing was started');
    const { port, stopTimeoutMs, keepRunning, settleTime } = service.config;
    if (keepRunning && service.backendProcess && !service.env.signal.aborted) {
      await saveKeptBackend(
        service.env.reportDir,
        service.config,
        service.backendProcess,
        service.marker,
      );
      // Its output keeps going to its own file; the run no longer follows it.
      backend.release();
      await service.log?.close();
      return skip(
        `keep-running: pid ${backend.pid} left running; stop it with \`single-listener-check stop --report-dir ${service.env.reportDir}\``,
      );
    }

    const started = performance.now();
    const platform = service.env.platform;
    // The spawned tree, and every process carrying the run's marker (daemonized, setsid,
    // reparented to init): a start command that exited before ready still gets them stopped.
    const members = await service.liveMembers();
    // A spawned process that was gone before it could be read has no identity to verify: its
    // pid (maybe reused since) is never signalled, only the members found above are.
    const rootPid = service.backendProcess ? backend.pid : 0;
    const graceMs = teardownGrace(stopTimeoutMs, service.env.signal.aborted);
    const outcome = await stopProcessTree(platform, rootPid, {
      graceMs,
      escalate: service.env.escalate,
      processGroup: true,
      // The backend's own record pins the root's identity (pid + start time).
      members: service.backendProcess ? [service.backendProcess, ...members] : members,
    });
    // A member may fork or daemonize while being stopped (even in its SIGTERM handler): look
    // again until none is left, and end what is found at once — the run is over.
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      await pause(settleTime);
      const left = await service.liveMembers();
      if (left.length === 0) break;
      const again = await stopProcessTree(platform, rootPid, {
        graceMs: 0,
        processGroup: false,
        members: left,
      });
      outcome.stopped.push(...again.stopped);
      outcome.killed.push(...again.killed);
    }
    backend.release();
    await service.log?.close();
    if (service.privateOutputDir)
      await rm(service.privateOutputDir, { recursive: true, force: true });
    const before = new Set(service.preexisting.map((s) => s.socketId));
    const isPreexisting = (s: ListenerSocket) => before.has(s.socketId);
    const held = await waitForPortFree(platform, port, RELEASE_MS, undefined, isPreexisting);
    await service.watch.stop(); // its last read is the one the verdict below rests on
    const remaining = held.filter((s) => !isPreexisting(s));
    const others = held.filter(isPreexisting);
    const survivors = await service.liveMembers();
    service.mark('teardown');

    const elapsed = Math.round(performance.now() - started);
    if (remaining.length > 0 || survivors.length > 0) {
      const holders = remaining.flatMap((s) => s.processes);
      const named = [...holders, ...survivors.filter((p) => !holders.some((h) => h.pid === p.pid))];
      return fail(
        remaining.length > 0
          ? `port ${port} is still held after teardown by ${named.map(describeProcess).join('; ') || 'an unknown process'}`
          : `${survivors.length} process(es) of the run survived teardown: ${survivors.map(describeProcess).join('; ')}`,
        {
          details: survivors.map((p) => `survived: ${service.describeMember(p)}`),
          listeners: remaining,
          diagnosis: await diagnoseSurvivors(service, named),
        },
      );
    }
    // taskkill (Windows) ends everything at once: no SIGTERM was ignored.
    const byTaskkill = platform.stopMethod === 'taskkill';
    const how = byTaskkill
      ? 'taskkill'
      : outcome.killed.length > 0
        ? `SIGKILL after ${graceMs / 1000} s for ${outcome.killed.length} process(es) that ignored SIGTERM`
        : 'SIGTERM';
    // Counted from what was signalled and went away, not from every process ever seen.
    const count = outcome.stopped.length + outcome.killed.length;
    const what =
      count > 0
        ? `stopped ${count} process(es) with ${how} in ${elapsed} ms`
        : `nothing left to stop: the backend had already exited${backend.exit ? ` (${describeExit(backend.exit)})` : ''}`;
    const details = [
      ...[...outcome.stopped, ...outcome.killed]
        .filter((p) => service.ruleOf(p) !== 'tree')
        .map((p) => `stopped outside the process group: ${service.describeMember(p)}`),
      ...(byTaskkill ? [] : outcome.killed.map((p) => `needed SIGKILL: ${describeProcess(p)}`)),
      `read back after the last process of the run was gone: no listener of the run on port ${port}`,
    ];
    if (others.length > 0) {
      const holders = describeListeners(others);
      return warn(
        `${what}; port ${port} is still held by ${holders.join('; ')}, which held it before the run (on-conflict: ignore)`,
        { details, listeners: others },
      );
    }
    return pass(`${what}; port ${port} is free`, { details });
  },
};
