/**
 * The `run` command's flags (docs/configuration.md; README, "Command line"), parsed strictly with
 * node:util parseArgs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { SETTINGS, type RawSettings } from './settings.js';
import { closest } from './suggest.js';

export interface RunFlags {
  help: boolean;
  /** Each flag's text, keyed by the setting it sets; read and checked by loadConfig. */
  settings: RawSettings;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const OPTIONS: Options = {
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(
    SETTINGS.map((s) => [
      s.flag.slice(2),
      s.arg === undefined
        ? { type: 'boolean' }
        : { type: 'string', multiple: s.repeatable === true },
    ]),
  ),
};
const FLAG_NAMES = [...SETTINGS.map((s) => s.flag), '--help'];

/** `argv` holds the arguments after the command word (`run`). */
export function parseRunFlags(argv: string[]): RunFlags {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError([describeParseError(error as Error & { code?: string })]);
  }
  const settings: Record<string, string | string[]> = {};
  for (const setting of SETTINGS) {
    const value = values[setting.flag.slice(2)];
    if (value === undefined || value === false) continue;
    settings[setting.key] =
      value === true ? (setting.switchValue as string) : (value as string | string[]);
  }
  return { help: values.help === true, settings: settings as RawSettings };
}

/** parseArgs' multi-sentence messages, turned into one line naming the flag. */
function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  // "'-p, --port <value>'" → "--port"
  const flag = /--?[\w-]+(?=\s*(?:<value>)?$)/.exec(quoted)?.[0] ?? quoted;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = closest(flag, FLAG_NAMES);
      const hint = suggestion === undefined ? '' : `did you mean ${suggestion}? `;
      return `${flag}: unknown flag (${hint}run with --help for the list)`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${flag}: unexpected argument; every setting is a flag (run with --help for the list)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(error.message)) return `${flag}: takes no value`;
      if (/ambiguous/.test(error.message))
        return `${flag}: missing value (the next argument starts with "-"; write ${flag}=VALUE for a value that starts with a dash)`;
      return `${flag}: missing value`;
    default:
      return `${flag || 'arguments'}: ${error.message.split('\n')[0]}`;
  }
}

/** Every flag with its value, what it does and its default, for `run --help`. */
export const RUN_FLAGS_HELP: string = (() => {
  const rows = [
    ...SETTINGS.map((s) => ({
      left: s.arg === undefined ? s.flag : `${s.flag} ${s.arg}`,
      right: `${s.help} (default: ${s.default})`,
    })),
    { left: '--help, -h', right: 'show this help' },
  ];
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return [
    'Usage: single-listener-check [run] [flags]',
    '',
    'Boots the backend, proves it is the only listener on its port, checks it, tears it down.',
    'Flags override the config file; repeatable flags replace its list.',
    '',
    ...rows.map((r) => `  ${r.left.padEnd(width)}${r.right}`),
    '', // ends with a newline, as every help text does
  ].join('\n');
})();
