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
import { mergeSettings, type ServiceSettings } from './settings.js';

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
  const { services: _entries, reportDir, name, port, ...shared } = top.data ?? {};
  const result: FileSettings = { services: [], problems };
  if (reportDir !== undefined) result.reportDir = path.resolve(fileDir, reportDir);

  if (!Array.isArray(raw.services)) {
    const settings = top.data === undefined ? null : withCwd({ ...shared, name, port }, fileDir);
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
  const defaults = top.data === undefined ? null : withCwd(shared, fileDir);
  raw.services.forEach((entry: unknown, index: number) => {
    const entryPath = ['services', index];
    const own = validate(serviceEntrySchema, entry, entryPath, SERVICE_ENTRY_KEYS);
    problems.push(...own.problems);
    const settings =
      defaults === null || own.data === undefined
        ? null
        : mergeSettings(defaults, withCwd(own.data, fileDir));
    const keys = new Set(entry !== null && typeof entry === 'object' ? Object.keys(entry) : []);
    result.services.push({ settings, path: entryPath, hasPort: keys.has('port'), own: keys });
  });
  return result;
}

function withCwd(settings: ServiceSettings, fileDir: string): ServiceSettings {
  return settings.cwd === undefined
    ? settings
    : { ...settings, cwd: path.resolve(fileDir, settings.cwd) };
}
