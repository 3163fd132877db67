/**
 * The one flag parser, for every command: node:util parseArgs in strict mode, `--help` and
 * `--version` on each, help text generated from the same flag list, and one-line UsageErrors
 * naming the flag (and the value, where there is one).
 */
import { parseArgs } from 'node:util';
import { closest } from '../config/problems.js';
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliIO, Command } from './command.js';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** One-letter alias, not shown in help. */
  short?: string;
  /** Placeholder for the value in help (`N`, `DIR`). */
  value?: string;
  /** As help shows it: `1`, `10s`, `off`, `required`. */
  default: string;
  description: string;
}

export type FlagValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

const META_FLAGS: FlagSpec[] = [
  {
    name: 'help',
    short: 'h',
    type: 'boolean',
    default: 'off',
    description: 'show this help and exit',
  },
  { name: 'version', type: 'boolean', default: 'off', description: 'print the version and exit' },
];

/** parseArgs's multi-sentence messages, made into one line that names the flag. */
function usageErrorFrom(error: unknown, flags: FlagSpec[]): UsageError {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  // "'-p, --port <value>'" → "--port"
  const flag = /--?[\w-]+(?=\s*(?:<value>)?$)/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = closest(
        flag,
        flags.map((f) => `--${f.name}`),
      );
      const hint = suggestion === undefined ? '' : `did you mean ${suggestion}? `;
      return new UsageError([`${flag}: unknown flag (${hint}see --help)`]);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError([`${flag}: unexpected argument; every setting is a flag (see --help)`]);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument'))
        return new UsageError([`${flag}: takes no value`]);
      if (message.includes('ambiguous'))
        return new UsageError([
          `${flag}: missing value (write ${flag}=VALUE for one that starts with "-")`,
        ]);
      return new UsageError([`${flag}: missing value`]);
    default:
      return new UsageError([`${flag || 'arguments'}: ${message.split('\n')[0] ?? message}`]);
  }
}

/** `argv` parsed strictly against `flags` plus --help and --version. */
export function parseFlags(argv: string[], flags: FlagSpec[]): FlagValues {
  const all = [...flags, ...META_FLAGS];
  const options = Object.fromEntries(
    all.map((f) => [
      f.name,
      { type: f.type, multiple: f.multiple ?? false, ...(f.short ? { short: f.short } : {}) },
    ]),
  );
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usageErrorFrom(error, all);
  }
}

/** `details`: a line or two after the summary. */
export function helpText(command: Command, flags: FlagSpec[], details?: string): string {
  const labels = [...flags, ...META_FLAGS].map((f) => `--${f.name}${f.value ? ` ${f.value}` : ''}`);
  const width = Math.max(...labels.map((label) => label.length));
  const lines = [...flags, ...META_FLAGS].map((f, i) => {
    const note = META_FLAGS.includes(f)
      ? ''
      : f.default === 'required'
        ? ' (required)'
        : ` (default: ${f.default})`;
    return `  ${labels[i]!.padEnd(width)}  ${f.description}${note}`;
  });
  const about = details === undefined ? command.summary : `${command.summary}\n${details}`;
  return `Usage: ${command.usage}\n\n${about}\n\nFlags:\n${lines.join('\n')}\n`;
}

/**
 * A Command whose run() parses `flags` (printing help or the version when asked) and hands the
 * values to `action`.
 */
export function defineCommand(
  spec: Omit<Command, 'run'> & {
    flags: FlagSpec[];
    /** Shown by --help after the summary. */
    details?: string;
    action(values: FlagValues, io: CliIO): Promise<number>;
  },
): Command {
  const command: Command = {
    summary: spec.summary,
    usage: spec.usage,
    async run(argv, io) {
      const values = parseFlags(argv, spec.flags);
      if (values.help === true) {
        io.stdout(helpText(command, spec.flags, spec.details));
        return 0;
      }
      if (values.version === true) {
        io.stdout(`${VERSION}\n`);
        return 0;
      }
      return spec.action(values, io);
    },
  };
  return command;
}

/** The flag's string value; a UsageError when it is missing (`what` says what it should be). */
export function requiredString(values: FlagValues, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw new UsageError([`--${name}: required (${what})`]);
  return value;
}

/** An integer within [min, max], or a UsageError naming the flag and the text. */
export function parseInteger(text: string, flag: string, min: number, max?: number): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max)) return n;
  const range =
    max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  throw new UsageError([`${flag}: expected ${range}, got ${JSON.stringify(text)}`]);
}

export const PORT_RANGE = 'an integer from 1 to 65535';

/** `--port`: required, 1–65535. */
export function portFlag(values: FlagValues): number {
  return parseInteger(requiredString(values, 'port', PORT_RANGE), '--port', 1, 65535);
}
