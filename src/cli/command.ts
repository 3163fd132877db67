/** What every CLI command is: a summary and usage for the overview, and a run over its own argv. */
import { fdOutput } from './fd-output.js';

/** Where a command writes. Text is written as is (commands add their own newlines). */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: tables cut long commands, colour may be used. */
  isTTY: boolean;
}

export interface Command {
  /** One line for the command overview. */
  summary: string;
  /** `single-listener-check listeners --port N [--json] [--expect N]`. */
  usage: string;
  /**
   * Exit code as the README's "Command line" lists them; throws UsageError for bad input (main
   * turns it into exit 2).
   */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** The process's own output; isTTY is read on first use (reading it creates process.stdout). */
export function processIO(): CliIO {
  return {
    stdout: fdOutput(1),
    stderr: fdOutput(2),
    get isTTY() {
      return process.stdout.isTTY === true;
    },
  };
}
