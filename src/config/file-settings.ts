/**
 * The validated config file as service settings: one service for the single form, one per
 * entry of `services:` with the top-level keys as shared defaults (see schema.ts). zod's issues
 * become Problems: the key path as the field, the offending value, and plain wording
 * ("expected a list", "unknown key; did you mean readyTimeout?").
 */
import path from 'node:path';
import type { z } from 'zod';
import { closest, fieldPath, type Problem } from './problems.js';
import {
  NESTED_KEYS,
  SERVICE_ENTRY_KEYS,
  TOP_LEVEL_KEYS,
  serviceEntrySchema,
  topLevelSchema,
} from './schema.js';
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

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

/**
 * Validates `data` (one mapping of the file) against `schema`; issues become Problems whose
 * field is the key path (`prefix` + the issue's path), with the offending value.
 */
function validate<T extends z.ZodType>(
  schema: T,
  data: unknown,
  prefix: PropertyKey[],
  rootKeys: string[],
): { data?: z.output<T>; problems: Problem[] } {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { data: parsed.data, problems: [] };
  const problems = parsed.error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path, rootKeys);
      return issue.keys.map((key) => ({
        field: fieldPath([...prefix, ...issue.path, key]),
        reason: unknownKeyReason(key, issue.path, known),
        value: valueAt(data, [...issue.path, key]),
      }));
    }
    const value = valueAt(data, issue.path);
    const field = fieldPath([...prefix, ...issue.path]);
    if (isRequestHeader(issue.path))
      return [
        { field, reason: `${reasonOf(issue, value)} (value not shown: header values are secrets)` },
      ];
    return [{ field, reason: reasonOf(issue, value), value }];
  });
  return { problems };
}

function reasonOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'custom') return issue.message;
  if (value === undefined) return 'is required';
  if (value === null) return 'has no value';
  if (issue.code === 'invalid_type')
    return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `must list at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
  return issue.message;
}

/** `endpoints[i].headers.X` — not `expect.headers`, which are expected response headers. */
function isRequestHeader(path: PropertyKey[]): boolean {
  const at = path.lastIndexOf('headers');
  return at >= 2 && path[at - 2] === 'endpoints';
}

function knownKeysAt(path: PropertyKey[], rootKeys: string[]): string[] {
  const owner = [...path].reverse().find((segment) => typeof segment === 'string');
  return owner !== undefined && owner in NESTED_KEYS
    ? NESTED_KEYS[owner as keyof typeof NESTED_KEYS]
    : rootKeys;
}

function unknownKeyReason(key: string, path: PropertyKey[], known: string[]): string {
  if (known === NESTED_KEYS.endpoints && NESTED_KEYS.expect.includes(key))
    return `unknown key; did you mean expect.${key}? (response checks go under expect)`;
  if (path.length === 0 && key === 'reportDir')
    return 'unknown key here; reportDir is a top-level setting of the whole run';
  const suggestion = closest(key, known);
  return suggestion === undefined ? 'unknown key' : `unknown key; did you mean ${suggestion}?`;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') {
      if (segment === 0) continue; // a one-item list written as the item alone (oneOrMore)
      return undefined;
    }
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}
