/**
 * `port-free`: no socket listens on the port before we start, with the on-conflict policy
 * (docs/configuration.md, "on-conflict").
 */
import { describeProcess, describeSkippedRow } from '../../process/describe.js';
import {
  refusalAdvice,
  refusalLines,
  refusalSummary,
  stopHolders,
} from '../../process/stop-holders.js';
import { topmost } from '../../process/tree.js';
import { skippedRowsOf, type ListenerSocket } from '../../platform/types.js';
import { formatDuration } from '../../format/duration.js';
import { diagnoseHolders, uniqueHolders } from '../diagnosis.js';
import { fail, pass, warn, type ChecklistItem } from '../item.js';

/** `pid 5 (nginx: master process); pid 9 (…)`: the topmost holders, or the socket when none can be read. */
function describeHolders(sockets: ListenerSocket[]): string {
  const holders = topmost(uniqueHolders(sockets));
  return holders.map(describeProcess).join('; ') || 'an owner that could not be read';
}

export const portFree: ChecklistItem = {
  id: 'port-free',
  title: 'Port free before start',
  startedBackendOnly: true,
  async run(service) {
    const { port, onConflict, stopTimeoutMs } = service.config;
    const platform = service.env.platform;
    const held = await platform.listListeners(port);
    if (held.length === 0) {
      // Rows the platform could not read (or a cross-check it could not run) may be listeners:
      // "nothing listens" would claim more than was seen.
      const unread = skippedRowsOf(held);
      if (unread.length === 0) return pass(`nothing listens on port ${port}`);
      return warn(
        `no listener seen on port ${port}, but ${unread.length} row(s) of the listener table could not be read`,
        {
          details: unread.map(describeSkippedRow),
          listeners: held,
        },
      );
    }

    const list = describeHolders(held);
    const diagnosis = diagnoseHolders(held, service);
    if (onConflict === 'ignore') {
      service.preexisting = held;
      return warn(`port ${port} is already held (${list}); continuing (on-conflict: ignore)`, {
        listeners: held,
        diagnosis,
      });
    }
    if (onConflict === 'fail') {
      // A system service (macOS's AirPlay Receiver on 5000) is not stopped with a kill: its
      // diagnosis says what to do instead.
      const system = uniqueHolders(held).some((p) => platform.knownHolder?.(p, port));
      return fail(`port ${port} is already held: ${list}`, {
        listeners: held,
        diagnosis,
        ...(system ? {} : { nextStep: `npx single-listener-check free --port ${port} --kill` }),
        fatal: `port ${port} was held before start (on-conflict: fail); nothing was started`,
      });
    }

    // All or nothing (docs/reliability.md): every holder and tree member is checked before any
    // is signalled; the port is called free only when read back.
    const outcome = await stopHolders(platform, held, {
      graceMs: stopTimeoutMs,
      signal: service.env.signal,
    });
    if (!outcome.signalled && !outcome.free) {
      return fail(`on-conflict: kill stopped nothing: ${refusalSummary(outcome.plan)}`, {
        details: refusalLines(outcome.plan),
        listeners: outcome.held.length > 0 ? outcome.held : held,
        diagnosis: `Nothing was signalled: on-conflict: kill stops the holders of a port only when it may stop every one of them and their trees. ${refusalAdvice(outcome.plan)}`,
        fatal: `port ${port} is held by processes that may not be stopped; nothing was stopped or started`,
      });
    }
    const done = [
      ...outcome.stopped.map((p) => `stopped ${describeProcess(p)}`),
      ...outcome.killed.map(
        (p) =>
          `killed ${describeProcess(p)} (still running ${formatDuration(stopTimeoutMs)} after SIGTERM)`,
      ),
    ];
    if (!outcome.free) {
      const survivors = outcome.survivors.map(
        (p) => `still running after SIGKILL: ${describeProcess(p)}`,
      );
      const holding = describeHolders(outcome.held);
      return fail(`port ${port} is still held after on-conflict: kill: ${holding}`, {
        details: [...done, ...survivors],
        listeners: outcome.held,
        diagnosis: diagnoseHolders(outcome.held, service),
        fatal: `port ${port} could not be freed; nothing was started`,
      });
    }
    const gone = done.length;
    const what = gone > 0 ? `stopped ${gone} process(es)` : 'its holders exited';
    return warn(`port ${port} was held; ${what} (on-conflict: kill)`, {
      details: done,
      listeners: held,
    });
  },
};
