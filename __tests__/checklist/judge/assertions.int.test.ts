/**
 * Every assertion kind of docs/configuration.md ("Endpoints"), passing and failing, against two
 * real backends that share one route contract: a Flask app (Werkzeug) and a Node app (node:http),
 * each a child process.
 */
import type { Expectation, HealthSpec } from '../../../src/config/types.js';
import { checkExpectation, checkHealth } from '../../../src/checklist/judge/expect.js';
import {
  httpRequest,
  type HttpRequestOptions,
  type HttpResponse,
} from '../../../src/http/request.js';
import { cleanupProcesses } from '../../helpers/procs.js';
import { startFlaskApp, startNodeApp, type Backend } from '../../helpers/http-servers.js';

const backends: Array<[string, () => Promise<Backend>]> = [
  ['Flask', startFlaskApp],
  ['Node', startNodeApp],
];

describe.each(backends)('%s backend', (_name, start) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await start();
  });
  afterAll(cleanupProcesses);

  async function get(path: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    const res = await httpRequest(`${backend.baseUrl}${path}`, opts);
    if (!res.ok) throw new Error(`${path}: ${res.error}`);
    return res;
  }

  async function check(path: string, expect: Partial<Expectation>, opts?: HttpRequestOptions) {
    return checkExpectation({ status: ['2xx'], json: false, ...expect }, await get(path, opts));
  }

  test('status: code, class and list', async () => {
    expect(await check('/api/health', { status: [200] })).toEqual([]);
    expect(await check('/api/health', { status: [201] })).toEqual([
      'status: expected 201, got 200 (body "{\\"status\\":\\"ok\\"}")',
    ]);
    expect(await check('/api/boom', { status: ['5xx'] })).toEqual([]);
    expect(await check('/api/boom', { status: ['2xx'] })).toEqual([
      'status: expected 2xx, got 500 (body "Internal Server Error: boom")',
    ]);
    expect(await check('/api/created', { status: [201, 204] })).toEqual([]);
    expect(await check('/api/created', { status: [200, 204] })).toEqual([
      'status: expected 200 or 204, got 201 (body "{\\"created\\":true}")',
    ]);
  });

  test('json: a JSON body with a JSON content type, +json included', async () => {
    expect(await check('/api/local-llm/status', { json: true })).toEqual([]);
    expect(await check('/api/problem', { json: true })).toEqual([]);
    expect(await check('/api/json-as-text', { json: true })).toEqual([
      'json: expected a JSON body with a JSON content type, got content-type text/plain; charset=utf-8',
    ]);
    const [missing] = await check('/api/no-such-route', { status: ['4xx'], json: true });
    expect(missing).toMatch(
      /^json: expected a JSON body with a JSON content type, got content-type text\/html; charset=utf-8 and a body that is not JSON: "<!doctype html>\\n<html lang=en>\\n<title>404 Not Found<\/title>/,
    );
  });

  test('jsonPath: values, deep equality, "*", array indexes, missing', async () => {
    expect(
      await check('/api/local-llm/status', {
        jsonPath: {
          'data.items.0.id': 7,
          'data.items.1.name': 'qwen',
          'data.model': { name: 'llama', ctx: 4096 },
          'data.items': [
            { id: 7, name: 'llama' },
            { id: 8, name: 'qwen' },
          ],
          'data.ready': true,
          version: '*',
        },
      }),
    ).toEqual([]);
    expect(
      await check('/api/local-llm/status', {
        jsonPath: {
          'data.items.0.id': 8,
          'data.items.5.id': 1,
          'data.gpu': '*',
          'data.model': { name: 'llama' },
          'data.ready': 'true',
          'version.major': 2,
        },
      }),
    ).toEqual([
      'jsonPath data.items.0.id: expected 8, got 7',
      'jsonPath data.items.5.id: missing (data.items is an array of 2, no index 5)',
      'jsonPath data.gpu: missing (data has no key "gpu")',
      'jsonPath data.model: expected {"name":"llama"}, got {"ctx":4096,"name":"llama"}',
      'jsonPath data.ready: expected "true", got true',
      'jsonPath version.major: missing (version is "2.1.0")',
    ]);
    expect(await check('/api/boom', { status: ['5xx'], jsonPath: { error: '*' } })).toEqual([
      'jsonPath error: the body is not JSON',
    ]);
  });

  test('bodyContains and bodyMatches, each string and each pattern', async () => {
    const path = '/api/local-llm/status';
    expect(await check(path, { bodyContains: ['llama', 'qwen'] })).toEqual([]);
    expect(await check(path, { bodyMatches: ['"id":\\s*7', '^\\{'] })).toEqual([]);
    const failures = await check(path, {
      bodyContains: ['llama', 'mistral'],
      bodyMatches: ['gpt-\\d', '"id":\\s*7'],
    });
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^bodyContains "mistral": not found in body "\{\\"data\\":/);
    expect(failures[1]).toMatch(/^bodyMatches \/gpt-\\d\/: no match in body "\{\\"data\\":/);
  });

  test('headers: names and values case-insensitive substrings, missing said so', async () => {
    const path = '/api/local-llm/status';
    expect(
      await check(path, { headers: { 'X-Backend-Version': '2.1', 'content-type': 'JSON' } }),
    ).toEqual([]);
    expect(
      await check(path, { headers: { 'x-backend-version': '3.0', 'X-Request-Id': 'abc' } }),
    ).toEqual([
      'header x-backend-version: expected to contain "3.0", got "2.1.0"',
      'header x-request-id: missing (expected it to contain "abc")',
    ]);
  });

  test('maxMs: a slow route over budget says both, a generous budget passes', async () => {
    expect(await check('/api/health', { maxMs: 30_000 })).toEqual([]);
    const [over, ...rest] = await check('/api/slow', { maxMs: 200 });
    expect(rest).toEqual([]);
    expect(over).toMatch(/^maxMs: took \d+ ms, over the 200 ms budget$/);
    expect(Number(/took (\d+)/.exec(over!)?.[1])).toBeGreaterThanOrEqual(1000);
  });

  test('request method, headers and body reach the server; Connection: close is sent', async () => {
    const opts = { method: 'POST', headers: { Authorization: 'Bearer t0k' }, body: '{"x":1}' };
    expect(
      await check(
        '/api/echo',
        {
          json: true,
          jsonPath: { method: 'POST', auth: 'Bearer t0k', body: '{"x":1}', connection: 'close' },
        },
        opts,
      ),
    ).toEqual([]);
  });

  test('a redirect is reported as such, not followed', async () => {
    const res = await get('/api/redirect');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/\/api\/health$/);
    expect(checkExpectation({ status: ['2xx'], json: false }, res)[0]).toMatch(
      /^status: expected 2xx, got 302/,
    );
  });

  test('health: 200 JSON passes; a 404 HTML page fails in plain words', async () => {
    const spec = (path: string): HealthSpec => ({ path, status: [200], json: true });
    expect(checkHealth(await get('/api/health'), spec('/api/health'))).toEqual([]);
    expect(checkHealth(await get('/api/healthz'), spec('/api/healthz'))).toEqual([
      'answered 404 with an HTML page (text/html; charset=utf-8), not JSON: the route is missing on the server that answered',
    ]);
    expect(
      checkHealth(await get('/api/healthz'), { path: '/api/healthz', status: [200], json: false }),
    ).toEqual([
      'answered 404 with an HTML page (text/html; charset=utf-8), expected 200: the route is missing on the server that answered',
    ]);
    expect(checkHealth(await get('/api/json-as-text'), spec('/api/json-as-text'))).toEqual([
      'json: expected a JSON body with a JSON content type, got content-type text/plain; charset=utf-8',
    ]);
  });
});
