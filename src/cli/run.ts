/**
 * The checklist command (`run`, the default: README, "Command line"): flags → one Config → the
 * shared run.
 */
import { loadConfig } from '../config/load.js';
import { runAndReport } from '../run-and-report.js';
import { defineCommand } from './args.js';
import { RUN_FLAGS, RUN_FLAGS_DETAILS, runSettings } from './run-flags.js';

export const runCommand = defineCommand({
  summary:
    'Run the checklist: start the backend, prove one listener owns the port, check it, stop it.',
  usage: 'single-listener-check [run] [flags]',
  details: RUN_FLAGS_DETAILS,
  flags: RUN_FLAGS,
  async action(values, io) {
    const flags = { settings: runSettings(values) };
    const config = loadConfig({ flags, env: process.env, cwd: process.cwd() });
    const columns = io.isTTY ? process.stdout.columns : undefined;
    const outcome = await runAndReport(config, { write: io.stdout, isTTY: io.isTTY, columns });
    return outcome.exitCode;
  },
});
