/** The CLI: picks a command from the registry, runs it, and turns every error into an exit code. */
import { EXIT, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { processIO, type CliIO, type Command } from './command.js';
import { isVersionFlag } from './version-flag.js';

const PROGRAM = 'single-listener-check';

/**
 * Every command by name, loaded on first use: the bundler gives each its own chunk file, so
 * `listeners` never compiles the config schema (zod, yaml), the HTTP probes or the reports.
 */
export const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand,
  listeners: async () => (await import('./listeners.js')).listenersCommand,
  free: async () => (await import('./free.js')).freeCommand,
  stop: async () => (await import('./stop.js')).stopCommand,
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
    if (isVersionFlag(first)) {
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
