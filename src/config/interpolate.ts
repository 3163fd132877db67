/**
 * `${VAR}` in the config file's string values (docs/configuration.md, "Secrets"), replaced from the
 * environment before validation. `$${` writes a literal `${`. Each substitution is recorded with
 * its key path, to decide which values are secrets: what came from ${VAR}, and every request
 * header value. Masking reaches every occurrence in the log and the reports, so a value that
 * became a number, a boolean or a duration is left out (the settings table says which): it
 * cannot carry a credential, and hiding `port: ${PORT}` would blank the port out of every report.
 */
import { fieldPath, type Problem } from './problems.js';
import { SETTING_KEYS, settingOf } from './settings.js';
import type { SecretReference } from './types.js';

export interface Substitution {
  path: PropertyKey[];
  /** The variable's name: the reproduce command writes `${name}` where the value was. */
  name: string;
  value: string;
}

export interface Interpolated {
  value: unknown;
  /** Non-empty values substituted for variables (an empty one has nothing to hide). */
  substitutions: Substitution[];
  problems: Problem[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Walks `tree` (parsed YAML) and returns a copy with every string interpolated. */
export function interpolate(tree: unknown, env: Record<string, string | undefined>): Interpolated {
  const result: Interpolated = { value: undefined, substitutions: [], problems: [] };
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, path, result);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]),
      );
    return node;
  };
  result.value = walk(tree, []);
  return result;
}

function interpolateString(
  text: string,
  env: Record<string, string | undefined>,
  path: PropertyKey[],
  result: Interpolated,
): string {
  const field = fieldPath(path);
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    if (!match.endsWith('}') || name === undefined || !NAME.test(name)) {
      result.problems.push({
        field,
        reason: `invalid variable reference ${JSON.stringify(match.slice(0, 40))}; write \${NAME}, or $\${ for a literal \${`,
      });
      return match;
    }
    const value = env[name];
    if (value === undefined) {
      result.problems.push({ field, reason: `environment variable ${name} is not set` });
      return match;
    }
    if (value !== '') result.substitutions.push({ path, name, value });
    return value;
  });
}

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
