/**
 * Text settings (action inputs or CLI flags) → typed service settings, every bad value a
 * Problem named in that source's vocabulary (`--port` or `port`).
 */
import path from 'node:path';
import { readDuration } from './duration.js';
import { readEndpointLine } from './endpoint-line.js';
import { attempt, type Problem } from './problems.js';
import {
  SETTINGS,
  type ListKey,
  type RawSettings,
  type ServiceKey,
  type ServiceSettings,
  type Vocabulary,
} from './settings.js';
import type { EndpointSpec } from './types.js';
import { duplicates } from './unique.js';
import {
  readBaseUrl,
  readBoolean,
  readEnvLine,
  readMaxListeners,
  readOnConflict,
  readPort,
  readProbes,
  readHealthPath,
  readRegex,
  readStart,
  readString,
  readWaitOn,
} from './values.js';

export interface ReadSettings {
  vocabulary: Vocabulary;
  service: ServiceSettings;
  /** The service keys that were given, each with the name the user gave it by. */
  given: Map<ServiceKey, string>;
  /** As written; the caller resolves it (its default depends on the working directory). */
  config?: string;
  /** Absolute. */
  reportDir?: string;
  problems: Problem[];
}

type ScalarServiceKey = Exclude<ServiceKey, ListKey>;

const READ_SCALAR: { [K in ScalarServiceKey]: (value: unknown) => ServiceSettings[K] } = {
  start: readStart,
  attach: readBoolean,
  cwd: (value) => readString(value),
  port: readPort,
  shell: (value) => readString(value),
  readyTimeout: readDuration,
  health: readHealthPath,
  baseUrl: readBaseUrl,
  probes: readProbes,
  maxListeners: readMaxListeners,
  onConflict: readOnConflict,
  clearBytecode: readBoolean,
  stopTimeout: readDuration,
  keepRunning: readBoolean,
};

const READ_ITEM: { [K in ListKey]: (value: unknown) => unknown } = {
  env: readEnvLine,
  waitOn: readWaitOn,
  endpoints: readEndpointLine,
  expectLog: readRegex,
  forbidLog: readRegex,
};

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
 * Reads every given setting, collecting all problems, each named in the source's vocabulary.
 * Relative paths are resolved against `baseDir` (the process cwd).
 */
export function readSettings(
  raw: RawSettings,
  vocabulary: Vocabulary,
  baseDir: string,
): ReadSettings {
  const result: ReadSettings = { vocabulary, service: {}, given: new Map(), problems: [] };
  const service = result.service as Record<string, unknown>;
  for (const setting of SETTINGS) {
    const value = raw[setting.key];
    if (value === undefined) continue;
    const field = setting[vocabulary];
    if (setting.key === 'config') {
      result.config = attempt(result.problems, field, value, (v) => readString(v));
    } else if (setting.key === 'reportDir') {
      const dir = attempt(result.problems, field, value, (v) => readString(v));
      if (dir !== undefined) result.reportDir = path.resolve(baseDir, dir);
    } else if (Array.isArray(value)) {
      const key = setting.key as ListKey;
      result.given.set(key, field);
      const items = value
        .map((item) => attempt(result.problems, field, item, READ_ITEM[key]))
        .filter((item) => item !== undefined);
      service[key] = key === 'env' ? Object.fromEntries(items as Array<[string, string]>) : items;
      if (key === 'endpoints')
        result.problems.push(...duplicateEndpoints(items as EndpointSpec[], field));
    } else {
      const key = setting.key as ScalarServiceKey;
      result.given.set(key, field);
      const read = READ_SCALAR[key] as (value: unknown) => unknown;
      const typed = attempt(result.problems, field, value, read);
      if (typed === undefined) continue;
      service[key] = key === 'cwd' ? path.resolve(baseDir, typed as string) : typed;
    }
  }
  return result;
}
