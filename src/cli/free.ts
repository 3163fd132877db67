/**
 * `free --port N [--kill] [--timeout 10s]`: exit 0 when nothing listens on the port (README,
 * "Command line").
 */
import { parseDuration } from '../config/duration.js';
import { currentPlatform } from '../platform/index.js';
import { describeProcess } from '../process/describe.js';
import {
  planStopHolders,
  refusalAdvice,
  refusalLines,
  refusalSummary,
  stopHolders,
  type HoldersPlan,
  type StopHoldersOutcome,
} from '../process/stop-holders.js';
import { describeSocketHolders } from '../report/listener-table.js';
import { formatDuration } from '../format/duration.js';
import { defineCommand, portFlag } from './args.js';
import type { CliIO } from './command.js';

/** `stopped …` / `killed …` lines for the processes read back as gone; survivors on stderr. */
function reportStopped(outcome: StopHoldersOutcome, graceMs: number, io: CliIO): void {
  for (const p of outcome.stopped) io.stdout(`stopped ${describeProcess(p)}\n`);
  for (const p of outcome.killed) {
    io.stdout(
      `killed ${describeProcess(p)} (still running ${formatDuration(graceMs)} after SIGTERM)\n`,
    );
  }
  for (const p of outcome.survivors) {
    io.stderr(`still running after SIGKILL: ${describeProcess(p)}\n`);
  }
}

/** The refusal: which processes or sockets may not be stopped, and why, one per line. */
function refusalText(plan: HoldersPlan): string {
  return refusalLines(plan)
    .map((line) => `  ${line}\n`)
    .join('');
}

export const freeCommand = defineCommand({
  summary:
    "Exits 0 when nothing listens on the port. With --kill, first stops the holders' process trees (SIGTERM, then SIGKILL after --timeout), all or nothing: when any holder or tree member is PID 1, this program, one of its ancestors, another user's process or unreadable, nothing is stopped.",
  usage: 'single-listener-check free --port N [--kill] [--timeout 10s]',
  flags: [
    {
      name: 'port',
      type: 'string',
      value: 'N',
      default: 'required',
      description: 'the TCP port to free',
    },
    {
      name: 'kill',
      type: 'boolean',
      default: 'off',
      description: "stop the holders' process trees (all or nothing)",
    },
    {
      name: 'timeout',
      type: 'string',
      value: 'D',
      default: '10s',
      description: 'grace before SIGKILL, then how long to wait for the port (500ms, 30s, 2m)',
    },
  ],
  async action(values, io) {
    const port = portFlag(values);
    const timeoutMs =
      typeof values.timeout === 'string' ? parseDuration(values.timeout, '--timeout') : 10_000;
    const platform = currentPlatform();
    const sockets = await platform.listListeners(port);
    if (sockets.length === 0) {
      io.stdout(`port ${port} is free\n`);
      return 0;
    }
    const holders = sockets.map(describeSocketHolders).join('; ');
    if (values.kill !== true) {
      // Advise --kill only when it would be allowed to stop every holder.
      const plan = await planStopHolders(platform, sockets);
      if (plan.refused.length === 0) {
        io.stderr(`port ${port} is held: ${holders} (--kill stops them)\n`);
      } else {
        io.stderr(
          `port ${port} is held: ${holders}\n` +
            `--kill would stop nothing: ${refusalSummary(plan)}:\n${refusalText(plan)}` +
            `${refusalAdvice(plan)}\n`,
        );
      }
      return 1;
    }
    const outcome = await stopHolders(platform, sockets, { graceMs: timeoutMs });
    if (!outcome.signalled && !outcome.free) {
      const still = outcome.held.map(describeSocketHolders).join('; ');
      io.stderr(
        `nothing was stopped: ${refusalSummary(outcome.plan)}:\n${refusalText(outcome.plan)}` +
          `port ${port} is still held: ${still}\n${refusalAdvice(outcome.plan)}\n`,
      );
      return 1;
    }
    reportStopped(outcome, timeoutMs, io);
    if (outcome.free) {
      io.stdout(`port ${port} is free\n`);
      return 0;
    }
    const still = outcome.held.map(describeSocketHolders).join('; ');
    io.stderr(`port ${port} is still held: ${still}\n`);
    return 1;
  },
});
