/**
 * Settings given as text — action inputs and CLI flags — read into typed service settings, every
 * bad value a Problem named in that source's vocabulary (`--port` or `port`). Inputs are split
 * exactly as @actions/core reads them: the value trimmed, an empty value meaning "not given",
 * list inputs one item per non-empty line.
 */
import path from 'node:path';
import { attempt, duplicates, type Problem } from './problems.js';
import {
  SETTING_KEYS,
  SETTING_ROWS,
  settingOf,
  type RunKey,
  type ServiceKey,
  type ServiceSettings,
  type SettingKey,
  type Vocabulary,
} from './settings.js';
import type { EndpointSpec } from './types.js';

/** Each setting's text as a front end gives it, keyed by the setting. */
export type SettingTexts = { [K in SettingKey]?: string | string[] };

export interface TextSettings {
  vocabulary: Vocabulary;
  service: ServiceSettings;
  /** The service keys that were given, each with the name the user gave it by. */
  given: Map<ServiceKey, string>;
  /** Run-wide settings; paths absolute. */
  run: { [K in RunKey]?: string };
  problems: Problem[];
}

/** Every input the action accepts (action.yml must declare exactly these). */
export const ACTION_INPUT_NAMES: readonly string[] = SETTING_ROWS.map((setting) => setting.input);

/** `ready-timeout` → `INPUT_READY-TIMEOUT`: spaces become underscores, dashes stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function readActionInputs(env: Record<string, string | undefined>): SettingTexts {
  const texts: SettingTexts = {};
  for (const key of SETTING_KEYS) {
    const setting = settingOf(key);
    const value = (env[inputEnvName(setting.input)] ?? '').trim();
    if (value === '') continue;
    texts[key] = setting.list
      ? value
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '')
      : value;
  }
  return texts;
}

/** Endpoint names are item ids; two lines for the same METHOD and PATH would collide. */
function duplicateEndpoints(endpoints: EndpointSpec[], field: string): Problem[] {
  return duplicates(endpoints, (e) => e.name).map(({ index }) => ({
    field,
    reason:
      'the same METHOD and PATH is listed twice (endpoints with different checks need names: use the config file)',
    value: endpoints[index]?.name,
  }));
}

/**
 * Reads every given setting with its row's reader, collecting all problems, each named in the
 * source's vocabulary. Relative paths are resolved against `baseDir` (the process cwd).
 */
export function readTextSettings(
  texts: SettingTexts,
  vocabulary: Vocabulary,
  baseDir: string,
): TextSettings {
  const result: TextSettings = { vocabulary, service: {}, given: new Map(), run: {}, problems: [] };
  const service = result.service as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    const text = texts[key];
    if (text === undefined) continue;
    const setting = settingOf(key);
    const field = setting[vocabulary];
    const read = (value: unknown) => attempt(result.problems, field, value, setting.read);
    const typed = (value: unknown) =>
      setting.path && typeof value === 'string' ? path.resolve(baseDir, value) : value;
    if (setting.scope === 'run') {
      const value = read(text);
      if (value !== undefined) result.run[key as RunKey] = typed(value) as string;
      continue;
    }
    result.given.set(key as ServiceKey, field);
    if (setting.list) {
      const items = (Array.isArray(text) ? text : [text])
        .map(read)
        .filter((item) => item !== undefined);
      service[key] = setting.collect ? setting.collect(items) : items;
      if (key === 'endpoints')
        result.problems.push(...duplicateEndpoints(items as EndpointSpec[], field));
    } else {
      const value = read(text);
      if (value !== undefined) service[key] = typed(value);
    }
  }
  return result;
}
