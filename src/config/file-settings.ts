/**
 * The validated config file as service settings: one service for the single form, one per
 * entry of `services:` with the top-level keys as shared defaults (see schema.ts).
 */
import path from 'node:path';
import { fieldPath, type Problem } from './problems.js';
import {
  SERVICE_ENTRY_KEYS,
  TOP_LEVEL_KEYS,
  serviceEntrySchema,
  topLevelSchema,
} from './schema.js';
import { validate } from './schema-issues.js';
import { mergeSettings, SERVICE_KEYS, settingOf, type ServiceSettings } from './settings.js';

export interface FileService {
  /** null when this service (or the shared defaults) did not validate. */
  settings: ServiceSettings | null;
  /** Key path of the service in the file: [] or ['services', i]. */
  path: PropertyKey[];
  /** The file gives a port for it (valid or not): a missing port is reported only when not. */
  hasPort: boolean;
  /** Under `services:`, the keys the entry writes itself; the others come from the top level. */
  own?: ReadonlySet<string>;
}

export interface FileSettings {
  services: FileService[];
  /** Absolute. */
  reportDir?: string;
  problems: Problem[];
}

/** `data` is the parsed, interpolated file; relative paths in it are relative to `fileDir`. */
export function readFileSettings(data: unknown, fileDir: string): FileSettings {
  const top = validate(topLevelSchema, data, [], TOP_LEVEL_KEYS);
  const problems = [...top.problems];
  const raw = (data ?? {}) as Record<string, unknown>;
  const {
    services: _entries,
    reportDir,
    name,
    port,
    ...shared
  } = (top.data ?? {}) as ServiceSettings & { services?: unknown; reportDir?: string };
  const result: FileSettings = { services: [], problems };
  if (reportDir !== undefined) result.reportDir = path.resolve(fileDir, reportDir);

  if (!Array.isArray(raw.services)) {
    const settings =
      top.data === undefined ? null : resolvePaths({ ...shared, name, port }, fileDir);
    result.services.push({ settings, path: [], hasPort: 'port' in raw });
    return result;
  }
  for (const key of ['name', 'port'] as const) {
    if (key in raw)
      problems.push({
        field: fieldPath([key]),
        reason: `cannot be shared by the services listed under services:; give each service its own ${key}`,
        value: raw[key],
      });
  }
  const defaults = top.data === undefined ? null : resolvePaths(shared, fileDir);
  raw.services.forEach((entry: unknown, index: number) => {
    const entryPath = ['services', index];
    const own = validate(serviceEntrySchema, entry, entryPath, SERVICE_ENTRY_KEYS);
    problems.push(...own.problems);
    const settings =
      defaults === null || own.data === undefined
        ? null
        : mergeSettings(defaults, resolvePaths(own.data as ServiceSettings, fileDir));
    const keys = new Set(entry !== null && typeof entry === 'object' ? Object.keys(entry) : []);
    result.services.push({ settings, path: entryPath, hasPort: keys.has('port'), own: keys });
  });
  return result;
}

/** Path settings made absolute: in the file they are relative to the file's folder. */
function resolvePaths(settings: ServiceSettings, fileDir: string): ServiceSettings {
  const resolved: Record<string, unknown> = { ...settings };
  for (const key of SERVICE_KEYS) {
    const value = resolved[key];
    if (settingOf(key).path && typeof value === 'string')
      resolved[key] = path.resolve(fileDir, value);
  }
  return resolved as ServiceSettings;
}
