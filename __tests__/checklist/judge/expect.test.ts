/** Wording and edge cases of the expectation checks, on hand-made responses. */
import { describeStatus, statusMatches } from '../../../src/config/status.js';
import {
  checkExpectation,
  checkHealth,
  findFailures,
} from '../../../src/checklist/judge/expect.js';
import type { HttpResponse } from '../../../src/http/request.js';

function response(over: Partial<HttpResponse> = {}): HttpResponse {
  return { ok: true, status: 200, headers: {}, body: '', truncated: false, durationMs: 5, ...over };
}

const base = { status: ['2xx' as const], json: false };

test('status specs: codes, classes, lists', () => {
  expect(statusMatches([200], 200)).toBe(true);
  expect(statusMatches([200], 201)).toBe(false);
  expect(statusMatches(['2xx'], 299)).toBe(true);
  expect(statusMatches(['2xx'], 300)).toBe(false);
  expect(statusMatches([204, '3xx'], 302)).toBe(true);
  expect(describeStatus([200])).toBe('200');
  expect(describeStatus(['2xx'])).toBe('2xx');
  expect(describeStatus([200, 204])).toBe('200 or 204');
  expect(describeStatus([200, 204, '3xx'])).toBe('200, 204 or 3xx');
});

test('long bodies are cut at 200 characters with an ellipsis, on one line', () => {
  const body = `line one\n${'x'.repeat(500)}`;
  const [line] = checkExpectation({ ...base, bodyContains: ['needle'] }, response({ body }));
  expect(line).toBe(`bodyContains "needle": not found in body "line one\\n${'x'.repeat(191)}…"`);
  expect(line).not.toContain('\n');
});

test('an empty body and a missing content type are named', () => {
  expect(checkExpectation({ ...base, json: true }, response())).toEqual([
    'json: expected a JSON body with a JSON content type, got content-type (none) and a body that is not JSON: (empty)',
  ]);
});

test('JSON content types: application/json with parameters and +json suffixes', () => {
  const ok = (type: string) =>
    checkExpectation(
      { ...base, json: true },
      response({ headers: { 'content-type': type }, body: '{}' }),
    );
  expect(ok('application/json; charset=utf-8')).toEqual([]);
  expect(ok('application/vnd.api+json')).toEqual([]);
  expect(ok('text/json')).toHaveLength(1);
});

test('jsonPath walks arrays at the root and tells a scalar from a missing key', () => {
  const res = response({ body: '[{"id":1,"tags":null}]' });
  expect(
    checkExpectation(
      { ...base, jsonPath: { '0.id': 1, '0.tags': '*', '0.tags.x': '*', '1': '*', x: 1 } },
      res,
    ),
  ).toEqual([
    // (an integer-like key such as '1' comes first in a JS object)
    'jsonPath 1: missing (the body is an array of 1, no index 1)',
    'jsonPath 0.tags.x: missing (0.tags is null)',
    'jsonPath x: missing (the body is an array of 1, no index x)',
  ]);
});

test('an invalid pattern is reported, not thrown', () => {
  expect(checkExpectation({ ...base, bodyMatches: ['('] }, response({ body: 'x' }))[0]).toMatch(
    /^bodyMatches \/\(\/: invalid regular expression/,
  );
});

test('failures carry the key of the expectation that failed', () => {
  const keys = findFailures(
    { status: [201], json: true, jsonPath: { a: 1 }, headers: { 'X-A': 'b' }, maxMs: 1 },
    response({ body: '{}', headers: { 'content-type': 'application/json' } }),
  ).map((f) => f.key);
  expect(keys).toEqual(['status', 'jsonPath a', 'header x-a', 'maxMs']);
});

describe('health on HTML pages', () => {
  const html = (status: number) =>
    response({ status, headers: { 'content-type': 'text/html' }, body: '<!doctype html><p>hi' });
  const spec = { path: '/health', status: [200], json: true };

  test('a 200 HTML page where JSON was due: a catch-all answered', () => {
    expect(checkHealth(html(200), spec)).toEqual([
      'answered 200 with an HTML page (text/html), not JSON: another server or a catch-all page answered instead of the API',
    ]);
    expect(checkHealth(html(200), { ...spec, json: false })).toEqual([]);
  });

  test('a 500 HTML page shows the status wanted and the body', () => {
    expect(checkHealth(html(500), spec)).toEqual([
      'answered 500 with an HTML page (text/html), expected 200: body "<!doctype html><p>hi"',
    ]);
  });

  test('an HTML body without a content type is still recognised', () => {
    expect(checkHealth(response({ status: 404, body: '<html><body>nope' }), spec)).toEqual([
      'answered 404 with an HTML page (no content type), not JSON: the route is missing on the server that answered',
    ]);
  });
});
