/**
 * `stop [--report-dir DIR]`: stops the backends a `--keep-running` run left behind and verifies
 * their ports are released (README, "Command line"). One line per backend; exit 0 when all are
 * stopped and their ports free (or none was left running), 1 otherwise.
 */
import path from 'node:path';
import { stopKeptBackends, type KeptStop } from '../checklist/stop-kept.js';
import { defaultReportDir } from '../config/settings.js';
import { currentPlatform } from '../platform/index.js';
import type { Platform, ProcessInfo } from '../platform/types.js';
import { describeProcess } from '../process/describe.js';
import { describeSocketHolders } from '../report/listener-table.js';
import { formatDuration } from '../format/duration.js';
import { defineCommand } from './args.js';

const processes = (n: number) => `${n} process${n === 1 ? '' : 'es'}`;
const started = (p: ProcessInfo) => `started ${p.startedAt ?? 'at an unknown time'}`;

/** What happened to the recorded process, as the start of the backend's line. */
function fateText({ kept, fate, stranger, outcome }: KeptStop, platform: Platform): string {
  const backend = describeProcess(kept.process);
  const ended = processes(outcome.stopped.length + outcome.killed.length);
  if (fate === 'exited') {
    const left = outcome.stopped.length + outcome.killed.length;
    return `${backend} had already exited${left > 0 ? `; stopped ${ended} of its run found by the run's marker` : ''}`;
  }
  if (fate === 'pid-reused') {
    return `pid ${kept.process.pid} now names another process, ${describeProcess(stranger!)} ${started(stranger!)}, not the backend (${started(kept.process)}): it was not stopped`;
  }
  // Without SIGTERM (Windows), taskkill ends the tree at once: all of it lands in `killed`.
  if (platform.stopMethod === 'taskkill') return `stopped ${backend}: ${ended} with taskkill`;
  const how =
    outcome.killed.length === 0
      ? 'with SIGTERM'
      : `(${processes(outcome.killed.length)} still running ${formatDuration(kept.stopTimeoutMs)} after SIGTERM needed SIGKILL)`;
  return `stopped ${backend}: ${ended} ${how}`;
}

function stopLine(result: KeptStop, platform: Platform): string {
  const { kept, outcome, held } = result;
  const parts = [fateText(result, platform)];
  for (const p of outcome.survivors)
    parts.push(`still running after SIGKILL: ${describeProcess(p)}`);
  for (const r of outcome.refused)
    parts.push(`not stopped: ${describeProcess(r.proc)}: ${r.reason}`);
  parts.push(
    held.length === 0
      ? `port ${kept.port} is free`
      : `port ${kept.port} is still held: ${held.map(describeSocketHolders).join('; ')}`,
  );
  return `${kept.name} (port ${kept.port}): ${parts.join('; ')}\n`;
}

export const stopCommand = defineCommand({
  summary:
    'Stops the backends a --keep-running run left behind (recorded in the report folder), each only if its pid still names the process that was started, and verifies their ports are released.',
  usage: 'single-listener-check stop [--report-dir DIR]',
  flags: [
    {
      name: 'report-dir',
      type: 'string',
      value: 'DIR',
      default: '$RUNNER_TEMP/single-listener-check, else .single-listener-check',
      description: 'the report folder of the run that kept the backends',
    },
  ],
  async action(values, io) {
    // Empty means not given, as for action inputs: the stop action always passes the flag.
    const given = values['report-dir'];
    const reportDir =
      typeof given === 'string' && given !== ''
        ? path.resolve(given)
        : defaultReportDir(process.env, process.cwd());
    const platform = currentPlatform();
    const results = await stopKeptBackends(platform, reportDir);
    if (results.length === 0) {
      io.stdout(`no backend was left running (nothing recorded in ${reportDir})\n`);
      return 0;
    }
    for (const result of results) (result.ok ? io.stdout : io.stderr)(stopLine(result, platform));
    return results.every((r) => r.ok) ? 0 : 1;
  },
});
