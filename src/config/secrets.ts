/**
 * Which values are secrets (docs/configuration.md, "Secrets"): what came from ${VAR}, and every
 * request header value. Masking reaches every occurrence in the log and the reports, so a value
 * that became a number, a boolean or a duration is left out: it cannot carry a credential, and
 * hiding `port: ${PORT}` would blank the port out of every report.
 */
import type { Substitution } from './interpolate.js';
import { SETTING_KEYS, settingOf } from './settings.js';
import type { SecretReference } from './types.js';

/** Settings that cannot carry a secret (the table's column), and the typed keys of an endpoint. */
const TYPED_KEYS = new Set<string>([
  ...SETTING_KEYS.filter((key) => !settingOf(key).secret),
  'status',
  'json',
  'maxMs',
]);
/** Mappings whose keys are the user's own (an env variable or a header may be called `port`). */
const FREE_FORM_MAPS = new Set(['env', 'headers', 'jsonPath']);

export function substitutedSecrets(substitutions: Substitution[]): string[] {
  return secretReferences(substitutions).map(({ value }) => value);
}

/** The variables the secrets came from, each once, for the reproduce command to name. */
export function secretReferences(substitutions: Substitution[]): SecretReference[] {
  const found = new Map<string, SecretReference>();
  for (const { path, name, value } of substitutions) {
    if (!isTypedSetting(path) && !found.has(`${name}=${value}`))
      found.set(`${name}=${value}`, { name, value });
  }
  return [...found.values()];
}

function isTypedSetting(path: PropertyKey[]): boolean {
  const keys = path.filter((segment): segment is string => typeof segment === 'string');
  const key = keys[keys.length - 1];
  const parent = keys[keys.length - 2];
  return (
    key !== undefined &&
    TYPED_KEYS.has(key) &&
    !(parent !== undefined && FREE_FORM_MAPS.has(parent))
  );
}

/**
 * Request header values as the user wrote them in the config file (docs/configuration.md,
 * "Secrets": every one is a secret). Read from the file's data rather than the validated endpoints,
 * so the JSON content type added for an object body is not mistaken for one.
 */
export function requestHeaderValues(fileData: unknown): string[] {
  const top = asRecord(fileData);
  const services = Array.isArray(top.services) ? top.services.map(asRecord) : [];
  const values: string[] = [];
  for (const owner of [top, ...services]) {
    const endpoints = Array.isArray(owner.endpoints) ? owner.endpoints : [];
    for (const endpoint of endpoints) {
      for (const value of Object.values(asRecord(asRecord(endpoint).headers))) {
        if (typeof value === 'string' || typeof value === 'number') values.push(String(value));
      }
    }
  }
  return values;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
