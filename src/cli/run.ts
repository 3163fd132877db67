/**
 * The checklist command (`run`, the default: README, "Command line"): flags → one Config → the
 * shared run.
 */
import { loadConfig } from '../config/load.js';
import { parseRunFlags, RUN_FLAGS_HELP } from '../config/flags.js';
import { runAndReport } from '../run-and-report.js';
import type { Command } from './command.js';

export const runCommand: Command = {
  summary:
    'Run the checklist: start the backend, prove one listener owns the port, check it, stop it.',
  usage: 'single-listener-check [run] [flags]',
  async run(argv, io) {
    const flags = parseRunFlags(argv);
    if (flags.help) {
      io.stdout(RUN_FLAGS_HELP);
      return 0;
    }
    const config = loadConfig({ flags, env: process.env, cwd: process.cwd() });
    const columns = io.isTTY ? process.stdout.columns : undefined;
    const outcome = await runAndReport(config, { write: io.stdout, isTTY: io.isTTY, columns });
    return outcome.exitCode;
  },
};
