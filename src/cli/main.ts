/** The CLI: picks a command from the registry, runs it, and turns every error into an exit code. */
import { EXIT, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { processIO, type CliIO, type Command } from './command.js';

const PROGRAM = 'single-listener-check';
/** `-v` and `-V` too: the spellings other CLIs taught people to try first. */
const VERSION_FLAGS = new Set(['--version', '-v', '-V']);

/**
 * Every command by name, evaluated on first use: `--version`, `listeners` and `free` never run
 * the config schema's module code (zod, yaml). webpackMode "eager" keeps the bundle one file.
 */
export const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import(/* webpackMode: "eager" */ './run.js')).runCommand,
  listeners: async () =>
    (await import(/* webpackMode: "eager" */ './listeners.js')).listenersCommand,
  free: async () => (await import(/* webpackMode: "eager" */ './free.js')).freeCommand,
  stop: async () => (await import(/* webpackMode: "eager" */ './stop.js')).stopCommand,
};

async function overview(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  const entries = all.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `Usage:\n${entries.join('\n')}\n\n'${PROGRAM} <command> --help' lists a command's flags and their defaults.\n`;
}

/** One line per problem on stderr: exit 2 for usage, 3 for anything else; never a stack trace. */
function reportError(error: unknown, io: CliIO): number {
  if (error instanceof UsageError) {
    for (const problem of error.problems) io.stderr(`${PROGRAM}: ${problem}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${PROGRAM}: internal error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  return EXIT.internal;
}

/** Runs one command line (without node and the script path) and returns its exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const [first] = argv;
    if (first !== undefined && VERSION_FLAGS.has(first)) {
      io.stdout(`${VERSION}\n`);
      return EXIT.pass;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout(await overview());
      return EXIT.pass;
    }
    // `run` is the default command: no argument, or flags first.
    const name = first === undefined || first.startsWith('-') ? 'run' : first;
    const command = Object.hasOwn(commands, name) ? await commands[name]!() : undefined;
    if (command === undefined) {
      throw new UsageError([
        `unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})`,
      ]);
    }
    return await command.run(name === first ? argv.slice(1) : argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}
