/**
 * The endpoint line form (docs/configuration.md, "Endpoints"), used by the `endpoints` input,
 * `--endpoint` and plain strings in the config file's `endpoints:` list: `[METHOD] PATH [STATUS]
 * [json]` — read, and written back (the reproduce command) with the object form where the line
 * cannot say it all.
 */
import { InvalidValue, parseOrThrow } from './problems.js';
import { DEFAULT_ENDPOINT_STATUS, readStatus, sameStatus } from './status.js';
import type { EndpointSpec, StatusSpec } from './types.js';
import { readMethod, readRequestPath, readString } from './values.js';

const FORM = 'expected [METHOD] PATH [STATUS] [json], e.g. "GET /api/health 200 json"';

/** Throws InvalidValue with the reason; the caller names the field. */
export function readEndpointLine(value: unknown): EndpointSpec {
  const tokens = readString(value).trim().split(/\s+/);
  const first = tokens.shift() as string; // split always yields at least one token
  // `api/health` is a path missing its slash, not a method.
  const isPath = first.includes('/');
  const method = isPath ? 'GET' : withReason(() => readMethod(first), 'METHOD');
  const rawPath = isPath ? first : tokens.shift();
  if (rawPath === undefined) throw new InvalidValue(`has no PATH; ${FORM}`);
  const path = withReason(() => readRequestPath(rawPath), 'PATH');

  let status: StatusSpec | undefined;
  let json = false;
  for (const token of tokens) {
    if (token.toLowerCase() === 'json' && !json) json = true;
    else if (status === undefined && /^[\d,]/.test(token))
      status = withReason(() => readStatus(token), 'STATUS');
    else throw new InvalidValue(`has an unexpected word ${JSON.stringify(token)}; ${FORM}`);
  }
  return {
    name: `${method} ${path}`,
    method,
    path,
    headers: {},
    expect: { status: status ?? DEFAULT_ENDPOINT_STATUS, json },
  };
}

/** A sub-reader's reason, prefixed with the part of the line it is about. */
function withReason<T>(read: () => T, part: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InvalidValue) throw new InvalidValue(`${part}: ${error.message}`);
    throw error;
  }
}

/** An EndpointSpec from a line; a one-line UsageError naming `field` and the line otherwise. */
export function parseEndpointLine(line: string, field: string): EndpointSpec {
  return parseOrThrow(readEndpointLine, line, field);
}

/** `[METHOD] PATH [STATUS] [json]` when the line says all of the endpoint; null otherwise. */
export function endpointLine(e: EndpointSpec): string | null {
  const { status, json, ...checks } = e.expect;
  if (
    e.name !== `${e.method} ${e.path}` ||
    Object.keys(e.headers).length > 0 ||
    e.body !== undefined ||
    Object.values(checks).some((check) => check !== undefined)
  )
    return null;
  const statusText = sameStatus(status, DEFAULT_ENDPOINT_STATUS) ? [] : [status.join(',')];
  return [e.method, e.path, ...statusText, ...(json ? ['json'] : [])].join(' ');
}

/** The endpoint as the config file's object form writes it, defaults left out. */
export function endpointForm(e: EndpointSpec): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (e.name !== `${e.method} ${e.path}`) d.name = e.name;
  if (e.method !== 'GET') d.method = e.method;
  d.path = e.path;
  let headers = e.headers;
  let body: unknown = e.body;
  // A mapping body was sent as JSON with the content type the loader added: write it back as
  // the mapping, so the loader adds that header again (rather than as a header the user wrote).
  const { 'content-type': contentType, ...others } = headers;
  const parsed = contentType === 'application/json' ? jsonObject(e.body) : undefined;
  if (parsed !== undefined) {
    headers = others;
    body = parsed;
  }
  if (Object.keys(headers).length > 0) d.headers = headers;
  if (body !== undefined) d.body = body;
  const { status, json, ...checks } = e.expect;
  const expect: Record<string, unknown> = {};
  if (!sameStatus(status, DEFAULT_ENDPOINT_STATUS)) expect.status = status;
  if (json) expect.json = true;
  for (const [key, value] of Object.entries(checks)) if (value !== undefined) expect[key] = value;
  if (Object.keys(expect).length > 0) d.expect = expect;
  return d;
}

/** The mapping or list `text` is the JSON of (exactly as the loader serialises it), if any. */
function jsonObject(text: string | undefined): object | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && JSON.stringify(value) === text
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}
