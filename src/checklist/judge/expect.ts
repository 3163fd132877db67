/**
 * Endpoint expectations (docs/configuration.md, "Endpoints") judged against one response: one line
 * per failed expectation, naming it, with the expected and the actual value. Bodies and values are
 * quoted and cut to a readable length.
 */
import type { Expectation, HealthSpec } from '../../config/types.js';
import { describeStatus, statusMatches } from '../../config/status.js';
import type { HttpResponse } from '../../http/request.js';

export interface ExpectationFailure {
  /** Which expectation, without the actual value: 'status', 'json', 'jsonPath data.id', 'maxMs'. */
  key: string;
  /** One line: the key, what was expected, what came back. */
  message: string;
}

const EXCERPT_CHARS = 200;

/** A quoted, single-line excerpt: surrounding whitespace dropped, newlines and quotes escaped, cut with "…". */
function excerpt(body: string): string {
  const text = body.trim();
  if (text === '') return '(empty)';
  return JSON.stringify(text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

function contentType(res: HttpResponse): string {
  return res.headers['content-type'] ?? '';
}

function mediaType(res: HttpResponse): string {
  return (contentType(res).split(';')[0] ?? '').trim().toLowerCase();
}

function isJsonContentType(res: HttpResponse): boolean {
  const type = mediaType(res);
  return type === 'application/json' || type.endsWith('+json');
}

function isHtml(res: HttpResponse): boolean {
  const type = mediaType(res);
  if (type !== '') return type === 'text/html' || type === 'application/xhtml+xml';
  return /^\s*<(!doctype html|html)/i.test(res.body);
}

type Parsed = { ok: true; value: unknown } | { ok: false };

function parseJson(body: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

type Lookup = { found: true; value: unknown } | { found: false; why: string };

/** Walks a dotted path; a numeric segment indexes an array. Says where the walk stopped. */
function lookup(root: unknown, path: string): Lookup {
  let current = root;
  const walked: string[] = [];
  for (const segment of path.split('.')) {
    const at = walked.length > 0 ? walked.join('.') : 'the body';
    if (Array.isArray(current)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!(index < current.length)) {
        return { found: false, why: `${at} is an array of ${current.length}, no index ${segment}` };
      }
      current = current[index];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) {
        return { found: false, why: `${at} has no key ${JSON.stringify(segment)}` };
      }
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false, why: `${at} is ${show(current)}` };
    }
    walked.push(segment);
  }
  return { found: true, value: current };
}

/** Equality of JSON values: objects by keys, arrays by order. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return (
    ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]))
  );
}

function checkJson(res: HttpResponse, parsed: Parsed): ExpectationFailure[] {
  const problems: string[] = [];
  if (!isJsonContentType(res)) problems.push(`content-type ${contentType(res) || '(none)'}`);
  if (!parsed.ok) problems.push(`a body that is not JSON: ${excerpt(res.body)}`);
  if (problems.length === 0) return [];
  return [
    {
      key: 'json',
      message: `json: expected a JSON body with a JSON content type, got ${problems.join(' and ')}`,
    },
  ];
}

function checkJsonPaths(paths: Record<string, unknown>, parsed: Parsed): ExpectationFailure[] {
  return Object.entries(paths).flatMap(([path, expected]) => {
    const key = `jsonPath ${path}`;
    if (!parsed.ok) return [{ key, message: `${key}: the body is not JSON` }];
    const found = lookup(parsed.value, path);
    if (!found.found) return [{ key, message: `${key}: missing (${found.why})` }];
    if (expected === '*' || jsonEqual(found.value, expected)) return [];
    return [{ key, message: `${key}: expected ${show(expected)}, got ${show(found.value)}` }];
  });
}

function checkBody(expect: Expectation, body: string): ExpectationFailure[] {
  const contains = (expect.bodyContains ?? [])
    .filter((text) => !body.includes(text))
    .map((text) => {
      const key = `bodyContains ${JSON.stringify(text)}`;
      return { key, message: `${key}: not found in body ${excerpt(body)}` };
    });
  const matches = (expect.bodyMatches ?? []).flatMap((source) => {
    const key = `bodyMatches /${source}/`;
    let re: RegExp;
    try {
      re = new RegExp(source);
    } catch (err) {
      return [{ key, message: `${key}: invalid regular expression (${(err as Error).message})` }];
    }
    return re.test(body) ? [] : [{ key, message: `${key}: no match in body ${excerpt(body)}` }];
  });
  return [...contains, ...matches];
}

function checkHeaders(expected: Record<string, string>, res: HttpResponse): ExpectationFailure[] {
  return Object.entries(expected).flatMap(([name, want]) => {
    const key = `header ${name.toLowerCase()}`;
    const actual = res.headers[name.toLowerCase()];
    if (actual === undefined) {
      return [{ key, message: `${key}: missing (expected it to contain ${JSON.stringify(want)})` }];
    }
    if (actual.toLowerCase().includes(want.toLowerCase())) return [];
    return [
      {
        key,
        message: `${key}: expected to contain ${JSON.stringify(want)}, got ${excerpt(actual)}`,
      },
    ];
  });
}

/** Every failed expectation, structured (the probe compares keys across probes). */
export function findFailures(expect: Expectation, res: HttpResponse): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  if (!statusMatches(expect.status, res.status)) {
    failures.push({
      key: 'status',
      message: `status: expected ${describeStatus(expect.status)}, got ${res.status} (body ${excerpt(res.body)})`,
    });
  }
  const parsed = expect.json || expect.jsonPath ? parseJson(res.body) : { ok: false as const };
  if (expect.json) failures.push(...checkJson(res, parsed));
  if (expect.jsonPath) failures.push(...checkJsonPaths(expect.jsonPath, parsed));
  failures.push(...checkBody(expect, res.body));
  if (expect.headers) failures.push(...checkHeaders(expect.headers, res));
  if (expect.maxMs !== undefined && res.durationMs > expect.maxMs) {
    failures.push({
      key: 'maxMs',
      message: `maxMs: took ${Math.round(res.durationMs)} ms, over the ${expect.maxMs} ms budget`,
    });
  }
  return failures;
}

/** One line per failed expectation; [] when the response meets them all. */
export function checkExpectation(expect: Expectation, res: HttpResponse): string[] {
  return findFailures(expect, res).map((f) => f.message);
}

/**
 * The health item's judgement: the endpoint expectations for status and json, except that an
 * HTML page where an API answer was due is named as such — the usual sign that the route is
 * missing on the server that answered (a stale backend, or another server on the port).
 */
export function checkHealth(res: HttpResponse, spec: HealthSpec): string[] {
  const statusOk = statusMatches(spec.status, res.status);
  if (isHtml(res) && (!statusOk || spec.json)) {
    const wanted =
      spec.json && (statusOk || res.status === 404)
        ? 'not JSON'
        : `expected ${describeStatus(spec.status)}`;
    const cause =
      res.status === 404
        ? 'the route is missing on the server that answered'
        : statusOk
          ? 'another server or a catch-all page answered instead of the API'
          : `body ${excerpt(res.body)}`;
    return [
      `answered ${res.status} with an HTML page (${contentType(res) || 'no content type'}), ${wanted}: ${cause}`,
    ];
  }
  return checkExpectation({ status: spec.status, json: spec.json }, res);
}
