/**
 * Readers that turn one user value — a flag's text, an input line, a YAML scalar — into a
 * typed value, or throw InvalidValue with the reason. Every source shares them, so a port is
 * checked the same way whether it came from `--port`, the `port` input or the config file.
 */
import { InvalidValue } from './problems.js';
import { DEFAULT_HEALTH_STATUS } from './status.js';
import type { HealthSpec, OnConflict } from './types.js';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/; // tab is allowed
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A string without NUL (which no process argument or environment value can carry). */
export function readString(value: unknown, options: { allowEmpty?: boolean } = {}): string {
  if (value === undefined) throw new InvalidValue('is required');
  if (value === null) throw new InvalidValue('has no value');
  if (typeof value !== 'string') throw new InvalidValue('expected a string');
  if (value.includes('\0')) throw new InvalidValue('must not contain a NUL character');
  if (!options.allowEmpty && value.trim() === '') throw new InvalidValue('must not be empty');
  return value;
}

/**
 * The start command, trimmed. Empty or whitespace alone is refused: it usually comes from an
 * unset variable (`--start "$CMD"`), and must not quietly check whatever already listens.
 * Attach mode is asked for by its own switch.
 */
export function readStart(value: unknown): string {
  const command = readString(value, { allowEmpty: true }).trim();
  if (command === '')
    throw new InvalidValue(
      'is empty; give the command that starts the backend, or leave start out and set attach to check a server started elsewhere',
    );
  return command;
}

/** A string from a YAML scalar that users write unquoted: `PORT: 5000`, `X-Retry: 3`. */
export function readScalarText(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return readString(value, { allowEmpty: true });
}

/** A whole number in [min, max] from a number or a decimal string. */
export function readInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${max}`;
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && /^\s*\d{1,16}\s*$/.test(value)) number = Number(value);
  else if (typeof value === 'string' && value.trim() === '')
    throw new InvalidValue(`is empty; expected ${range}`);
  else throw new InvalidValue(`expected ${range}`);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new InvalidValue(`must be ${range}`);
  return number;
}

export const readPort = (value: unknown): number => readInteger(value, 1, 65535);
export const readProbes = (value: unknown): number => readInteger(value, 1, 100);
export const readMaxListeners = (value: unknown): number => readInteger(value, 1);

/** A YAML boolean, or exactly the spellings @actions/core's getBooleanInput accepts. */
export function readBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True' || value === 'TRUE') return true;
  if (value === 'false' || value === 'False' || value === 'FALSE') return false;
  throw new InvalidValue('expected true or false');
}

const ON_CONFLICT: readonly OnConflict[] = ['fail', 'kill', 'ignore'];

export function readOnConflict(value: unknown): OnConflict {
  const text = typeof value === 'string' ? value.trim() : value;
  if (ON_CONFLICT.includes(text as OnConflict)) return text as OnConflict;
  throw new InvalidValue(`expected one of ${ON_CONFLICT.join(', ')}`);
}

/** A regular expression source, compiled once here so a typo fails before anything starts. */
export function readRegex(value: unknown): string {
  const source = readString(value);
  try {
    new RegExp(source);
  } catch (error) {
    // V8: "Invalid regular expression: /(/: Unterminated group" — keep the reason only.
    const reason = (error as Error).message.split(': ').pop() ?? 'invalid';
    throw new InvalidValue(`invalid regular expression: ${reason}`);
  }
  return source;
}

/** A request path: one leading slash (`//host` would name another host), no spaces. */
export function readRequestPath(value: unknown): string {
  const path = readString(value);
  if (!path.startsWith('/')) throw new InvalidValue('must start with /');
  if (path.startsWith('//')) throw new InvalidValue('must start with a single / (// names a host)');
  if (/\s/.test(path) || CONTROL.test(path))
    throw new InvalidValue('must not contain spaces or control characters (percent-encode them)');
  return path;
}

/** An HTTP method, upper-cased (`get` → `GET`). */
export function readMethod(value: unknown): string {
  const method = readString(value).trim();
  if (!HTTP_TOKEN.test(method) || !/^[A-Za-z]/.test(method))
    throw new InvalidValue('expected an HTTP method such as GET or POST');
  return method.toUpperCase();
}

export function readHeaderName(value: unknown): string {
  const name = readString(value);
  if (!HTTP_TOKEN.test(name)) throw new InvalidValue('is not a valid HTTP header name');
  return name;
}

/** A header value: no line breaks or control characters (they would split the request). */
export function readHeaderValue(value: unknown): string {
  const text = readScalarText(value);
  if (CONTROL.test(text))
    throw new InvalidValue('must not contain line breaks or control characters');
  return text;
}

/** `http(s)://host[:port][/prefix]`, without the trailing slash (paths are appended to it). */
export function readBaseUrl(value: unknown): string {
  const text = readString(value).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidValue('expected an absolute URL such as http://127.0.0.1:5000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidValue('must be an http:// or https:// URL');
  if (url.search !== '' || url.hash !== '')
    throw new InvalidValue('must not have a query or fragment (endpoint paths are appended to it)');
  if (url.username !== '' || url.password !== '')
    throw new InvalidValue('must not carry credentials (use endpoint headers)');
  return url.href.replace(/\/+$/, '');
}

/**
 * `--health /api/health`: 200 with a JSON body, as the README's checklist describes the health
 * item.
 */
export function readHealthPath(value: unknown): HealthSpec {
  return { path: readRequestPath(value), status: DEFAULT_HEALTH_STATUS, json: true };
}

/** Environment variable names: what a shell can export. */
export function readEnvName(value: unknown): string {
  const name = readString(value);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new InvalidValue('is not a valid environment variable name (letters, digits, _)');
  return name;
}

/** `KEY=VALUE` (the action input's lines and `--env`); the value may be empty. */
export function readEnvLine(value: unknown): [string, string] {
  const line = readString(value);
  const equals = line.indexOf('=');
  if (equals < 0) throw new InvalidValue('expected KEY=VALUE');
  if (equals === 0) throw new InvalidValue('expected KEY=VALUE (the name before = is missing)');
  return [readEnvName(line.slice(0, equals)), line.slice(equals + 1)];
}

/** Service names end up in item ids and file names, so they stay short and plain. */
export function readServiceName(value: unknown): string {
  const name = readString(value);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name))
    throw new InvalidValue(
      'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  return name;
}

/** An endpoint's display name: shown in reports and part of its item id. */
export function readDisplayName(value: unknown): string {
  const name = readString(value);
  if (name.length > 200) throw new InvalidValue('must be at most 200 characters');
  if (CONTROL.test(name))
    throw new InvalidValue('must not contain line breaks or control characters');
  return name;
}

/** A request body: a string as is, or a mapping or list serialised to JSON. */
export function readBody(value: unknown): { text: string; json: boolean } {
  if (typeof value === 'string')
    return { text: readString(value, { allowEmpty: true }), json: false };
  if (value !== null && typeof value === 'object')
    return { text: JSON.stringify(value), json: true };
  throw new InvalidValue('expected a string, or a mapping or list to send as JSON');
}

/** A jsonPath key: dotted, array indexes as numbers (`data.items.0.id`). */
export function readJsonPath(value: unknown): string {
  const path = readString(value);
  if (path.split('.').some((part) => part === ''))
    throw new InvalidValue('must be a dotted path such as data.items.0.id (no empty parts)');
  return path;
}
