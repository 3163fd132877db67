/**
 * The config file's shape (docs/configuration.md: the settings table, "Endpoints") as zod schemas.
 * zod checks the structure — strict mappings, lists, required keys — while each scalar goes through
 * the same reader as a flag or an input, so a value means the same in every source.
 *
 * Two forms at the top level:
 * - a single service: the service keys directly (`start`, `port`, …), plus `name`;
 * - several: `services:`, a list of mappings with the service keys and a required `name`.
 *   The other top-level keys then are defaults shared by every service (a service's own key
 *   wins; `env` maps are merged). `name` and `port` cannot be shared and are per service only.
 * `reportDir` is always top-level: one run writes one report.
 */
import { z } from 'zod';
import { readDuration } from './duration.js';
import { readEndpointLine } from './endpoint-line.js';
import { duplicates, InvalidValue } from './problems.js';
import {
  SERVICE_KEYS,
  SETTING_KEYS,
  settingOf,
  type ServiceKey,
  type SettingKey,
} from './settings.js';
import { DEFAULT_ENDPOINT_STATUS, DEFAULT_HEALTH_STATUS, readStatus } from './status.js';
import type { EndpointSpec, Expectation, HealthSpec } from './types.js';
import {
  readBody,
  readBoolean,
  readDisplayName,
  readEnvName,
  readHealthPath,
  readHeaderName,
  readHeaderValue,
  readJsonPath,
  readMethod,
  readRegex,
  readRequestPath,
  readScalarText,
  readServiceName,
  readString,
} from './values.js';

type Ctx = z.core.$RefinementCtx;

/** Runs a reader; its InvalidValue becomes an issue at the current path. */
function viaReader<T>(read: (value: unknown) => T, value: unknown, ctx: Ctx): T {
  try {
    return read(value);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
}

/** A scalar key read by one of the shared readers. */
function scalar<T>(read: (value: unknown) => T) {
  return z.unknown().transform((value, ctx) => viaReader(read, value, ctx));
}

/** A list that may also be written as one string: `waitOn: tcp:5000`. */
function oneOrMore<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(item));
}

/** A key written either as a one-line string or as the full mapping. */
function lineOr<T extends z.ZodType>(
  readLine: (value: unknown) => unknown,
  mapping: T,
  expected: string,
) {
  return z.preprocess((value, ctx) => {
    if (typeof value === 'string') return viaReader(readLine, value, ctx);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: value === null ? 'has no value' : `expected ${expected}`,
      });
      return z.NEVER;
    }
    return value;
  }, mapping);
}

/** A mapping whose keys and values are both checked; an issue sits at the key's path. */
function mapOf<V>(readKey: (key: unknown) => unknown, readValue: (value: unknown) => V) {
  return z.record(z.string(), z.unknown()).transform((map, ctx) => {
    const entries: Array<[string, V]> = [];
    for (const [key, value] of Object.entries(map)) {
      try {
        readKey(key);
        entries.push([key, readValue(value)]);
      } catch (error) {
        if (!(error instanceof InvalidValue)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message, path: [key] });
      }
    }
    // fromEntries defines own properties, so a `__proto__` key cannot reach the prototype.
    return Object.fromEntries(entries) as Record<string, V>;
  });
}

const healthShape = {
  path: scalar(readRequestPath),
  status: scalar(readStatus).optional(),
  json: scalar(readBoolean).optional(),
};
const health = lineOr(
  readHealthPath,
  z.strictObject(healthShape).transform((h): HealthSpec => ({
    path: h.path,
    status: h.status ?? DEFAULT_HEALTH_STATUS,
    json: h.json ?? true,
  })),
  'a path such as /health, or a mapping with path, status and json',
);

const expectShape = {
  status: scalar(readStatus).optional(),
  json: scalar(readBoolean).optional(),
  jsonPath: mapOf(readJsonPath, (value) => value).optional(),
  bodyContains: oneOrMore(scalar((value) => readString(value))).optional(),
  bodyMatches: oneOrMore(scalar(readRegex)).optional(),
  headers: mapOf(readHeaderName, readScalarText).optional(),
  maxMs: scalar(readDuration).optional(),
};
const expectation = z.strictObject(expectShape).transform((e): Expectation => {
  const { status, json, ...checks } = e;
  const present = Object.entries(checks).filter(([, value]) => value !== undefined);
  return {
    status: status ?? DEFAULT_ENDPOINT_STATUS,
    json: json ?? false,
    ...Object.fromEntries(present),
  };
});

const endpointShape = {
  name: scalar(readDisplayName).optional(),
  method: scalar(readMethod).optional(),
  path: scalar(readRequestPath),
  headers: mapOf(readHeaderName, readHeaderValue).optional(),
  body: scalar(readBody).optional(),
  expect: expectation.optional(),
};
const endpoint = lineOr(
  readEndpointLine,
  z.strictObject(endpointShape).transform((e): EndpointSpec => {
    const method = e.method ?? 'GET';
    const headers = { ...e.headers };
    const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
    if (e.body?.json && !hasContentType) headers['content-type'] = 'application/json';
    return {
      name: e.name ?? `${method} ${e.path}`,
      method,
      path: e.path,
      headers,
      ...(e.body === undefined ? {} : { body: e.body.text }),
      expect: e.expect ?? { status: DEFAULT_ENDPOINT_STATUS, json: false },
    };
  }),
  'a line such as "GET /api/items 200 json", or a mapping with path, method, headers, body and expect',
);

/** Endpoint names are item ids (`endpoint:<name>`), so they must differ within a service. */
const endpoints = z.array(endpoint).superRefine((list, ctx) => {
  for (const { index, firstIndex } of duplicates(list, (e) => e.name))
    ctx.addIssue({
      code: 'custom',
      message: `same name ${JSON.stringify(list[index]?.name)} as endpoints[${firstIndex}]; give one a distinct name`,
      path: [index],
    });
});

/** The keys the file writes as more than their line form; every other key is its row's reader. */
const FILE_FORMS: Partial<Record<ServiceKey, z.ZodType>> = {
  env: mapOf(readEnvName, readScalarText),
  health,
  endpoints,
};

/** A key of the file as its settings row reads it (one value, or a list or one string). */
function fileShape(key: SettingKey): z.ZodType {
  const { list, read } = settingOf(key);
  return FILE_FORMS[key as ServiceKey] ?? (list ? oneOrMore(scalar(read)) : scalar(read));
}

const shapeOf = (keys: readonly SettingKey[]) =>
  Object.fromEntries(keys.map((key) => [key, fileShape(key).optional()]));

/** The keys of one service; every one optional (other sources may give it). Paths stay as written. */
const serviceShape = shapeOf(SERVICE_KEYS);
const runShape = shapeOf(
  SETTING_KEYS.filter((key) => settingOf(key).scope === 'run' && settingOf(key).inFile !== false),
);

const topShape = {
  ...serviceShape,
  name: scalar(readServiceName).optional(),
  services: z.array(z.unknown()).min(1).optional(),
  ...runShape,
};
export const topLevelSchema = z.strictObject(topShape);
export const serviceEntrySchema = z.strictObject({
  ...serviceShape,
  name: scalar(readServiceName),
});

/** Known keys per mapping, for "did you mean" on an unknown one. */
export const TOP_LEVEL_KEYS = Object.keys(topShape);
export const SERVICE_ENTRY_KEYS = Object.keys(serviceShape).concat('name');
export const NESTED_KEYS: Record<'endpoints' | 'expect' | 'health', string[]> = {
  endpoints: Object.keys(endpointShape),
  expect: Object.keys(expectShape),
  health: Object.keys(healthShape),
};
