/**
 * The `run` command's flags (README, "Command line"), one per row of the settings table: the
 * flag, its value placeholder, whether it repeats, its help line and default all come from there.
 */
import { SETTING_ROWS } from '../config/settings.js';
import type { SettingTexts } from '../config/text-settings.js';
import { parseFlags, type FlagSpec } from './args.js';

export interface RunFlags {
  help: boolean;
  /** Each flag's text, keyed by the setting it sets; read and checked by loadConfig. */
  settings: SettingTexts;
}

export const RUN_FLAGS: FlagSpec[] = SETTING_ROWS.map((setting) => ({
  name: setting.flag.slice(2),
  type: setting.arg === undefined ? 'boolean' : 'string',
  multiple: setting.list === true,
  ...(setting.arg === undefined ? {} : { value: setting.arg }),
  default: setting.helpDefault,
  description: setting.help,
}));

/** What `run --help` says after the summary. */
export const RUN_FLAGS_DETAILS =
  'Flags override the config file; repeatable flags replace its list.';

/** Flag values → each setting's text; a switch gives the value its row says it means. */
export function runSettings(values: Record<string, unknown>): SettingTexts {
  const texts: SettingTexts = {};
  for (const setting of SETTING_ROWS) {
    const value = values[setting.flag.slice(2)];
    if (value === undefined || value === false) continue;
    texts[setting.key] = value === true ? setting.switchValue : (value as string | string[]);
  }
  return texts;
}

/** `argv` holds the arguments after the command word (`run`). */
export function parseRunFlags(argv: string[]): RunFlags {
  const values = parseFlags(argv, RUN_FLAGS);
  return { help: values.help === true, settings: runSettings(values) };
}
