/**
 * The endpoint line form (docs/configuration.md, "Endpoints"), used by the `endpoints` input,
 * `--endpoint` and plain strings in the config file's `endpoints:` list: `[METHOD] PATH [STATUS]
 * [json]`.
 */
import { InvalidValue, parseOrThrow } from './problems.js';
import { readStatus } from './status.js';
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
    expect: { status: status ?? ['2xx'], json },
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
