/** `free --port N [--kill] [--timeout 10s]`: exit 0 when nothing listens on the port (SPEC §7). */
import { parseDuration } from '../config/duration.js';
import { currentPlatform } from '../platform/index.js';
import type { Platform } from '../platform/types.js';
import { describeProcess } from '../process/describe.js';
import { stopProcessTree, type StopOutcome } from '../process/stop.js';
import { topmost } from '../process/tree.js';
import { describeSocketHolders } from '../report/listener-table.js';
import { formatDuration } from '../report/text.js';
import { defineCommand, portFlag } from './args.js';
import type { CliIO } from './command.js';

const POLL_MS = 20;

/** Polls the listen table until nothing listens on the port or the deadline passes. */
async function waitPortFree(platform: Platform, port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sockets = await platform.listListeners(port);
    if (sockets.length === 0 || Date.now() >= deadline) return sockets;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function reportOutcome(outcome: StopOutcome, graceMs: number, io: CliIO): void {
  for (const p of outcome.stopped) io.stdout(`stopped ${describeProcess(p)}\n`);
  for (const p of outcome.killed) {
    io.stdout(
      `killed ${describeProcess(p)} (still running ${formatDuration(graceMs)} after SIGTERM)\n`,
    );
  }
  for (const p of outcome.survivors)
    io.stderr(`still running after SIGKILL: ${describeProcess(p)}\n`);
  for (const r of outcome.refused)
    io.stderr(`not stopped: ${describeProcess(r.proc)}: ${r.reason}\n`);
}

export const freeCommand = defineCommand({
  summary:
    "Exits 0 when nothing listens on the port. With --kill, first stops the holders' process trees (SIGTERM, then SIGKILL after --timeout); never PID 1, this program, its ancestors or another user's processes.",
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
      description: "stop the holders' process trees",
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
    if (values.kill !== true) {
      const holders = sockets.map(describeSocketHolders).join('; ');
      io.stderr(`port ${port} is held: ${holders} (--kill stops them)\n`);
      return 1;
    }
    const roots = [...new Set(sockets.flatMap((s) => topmost(s.processes).map((p) => p.pid)))];
    const outcomes = await Promise.all(
      roots.map((pid) => stopProcessTree(platform, pid, { graceMs: timeoutMs })),
    );
    for (const outcome of outcomes) reportOutcome(outcome, timeoutMs, io);
    // A refused holder or one we cannot see keeps the port: no point waiting for it.
    const holderPids = new Set(sockets.flatMap((s) => s.processes.map((p) => p.pid)));
    const blocked =
      outcomes.some((o) => o.refused.some((r) => holderPids.has(r.proc.pid))) ||
      sockets.some((s) => s.processes.length === 0);
    const left = blocked
      ? await platform.listListeners(port)
      : await waitPortFree(platform, port, timeoutMs);
    if (left.length === 0) {
      io.stdout(`port ${port} is free\n`);
      return 0;
    }
    io.stderr(`port ${port} is still held: ${left.map(describeSocketHolders).join('; ')}\n`);
    return 1;
  },
});
