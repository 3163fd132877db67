/** Placeholder for `stop` (SPEC §7); the lead replaces this file. */
import type { Command } from './command.js';

export const stopCommand: Command = {
  summary: 'Stop a backend left running by --keep-running, and verify the port is released.',
  usage: 'single-listener-check stop [--report-dir DIR]',
  async run(_argv, io) {
    io.stderr('single-listener-check: stop: not implemented yet\n');
    return 3;
  },
};
