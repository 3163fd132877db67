/**
 * Action inputs from the step's environment (`INPUT_<NAME>`), read exactly as @actions/core
 * reads them: the value trimmed, an empty value meaning "not given", multi-line inputs one
 * item per non-empty line. Values are only split here; read-settings.ts checks them.
 */
import { LIST_KEYS, SETTINGS, type RawSettings } from './settings.js';

/** Every input the action accepts (action.yml must declare exactly these). */
export const ACTION_INPUT_NAMES: readonly string[] = SETTINGS.map((setting) => setting.input);

/** `ready-timeout` → `INPUT_READY-TIMEOUT`: spaces become underscores, dashes stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function readActionInputs(env: Record<string, string | undefined>): RawSettings {
  const raw: Record<string, string | string[]> = {};
  for (const setting of SETTINGS) {
    const value = (env[inputEnvName(setting.input)] ?? '').trim();
    if (value === '') continue;
    raw[setting.key] = LIST_KEYS.has(setting.key)
      ? value
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '')
      : value;
  }
  return raw as RawSettings;
}
