/**
 * Probing endpoints on fresh connections, and the flapping verdict against the real thing:
 * two Python servers sharing one port with SO_REUSEPORT. The kernel hashes each new
 * connection (its source port differs) to one of the two sockets, so 20 fresh connections
 * all reach the same server with probability about 2 × 0.5^20 ≈ 2e-6 (platforms.md measured
 * a 95/105 spread over 200 connections).
 */
import type { EndpointSpec, Expectation } from '../../../src/config/types.js';
import { probeEndpoint } from '../../../src/checklist/judge/probe.js';
import { cleanupProcesses, freePort } from '../../helpers/procs.js';
import { serve, startReusePortServer, type InProcessServer } from '../../helpers/http-servers.js';

function endpoint(path: string, expect: Partial<Expectation> = {}): EndpointSpec {
  return {
    name: `GET ${path}`,
    method: 'GET',
    path,
    headers: {},
    expect: { status: ['2xx'], json: false, ...expect },
  };
}

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await cleanupProcesses();
});

// Linux balances SO_REUSEPORT connections across sockets; macOS hands them all to one socket.
const reusePort = process.platform === 'linux' ? describe : describe.skip;

reusePort('two servers on one port (SO_REUSEPORT)', () => {
  async function twoServers(a: number, b: number): Promise<string> {
    const port = await freePort();
    await startReusePortServer(port, a);
    await startReusePortServer(port, b);
    return `http://127.0.0.1:${port}`;
  }

  test('some probes pass and some fail: flapping, each probe shown', async () => {
    const base = await twoServers(200, 404);
    const outcome = await probeEndpoint(
      base,
      endpoint('/api/local-llm/status', { status: [200] }),
      20,
    );

    expect(outcome.verdict).toBe('flapping');
    const statuses = outcome.probes.map((p) => p.status);
    expect(statuses).toHaveLength(20);
    expect(statuses).toContain(200);
    expect(statuses).toContain(404);
    expect(outcome.summary).toBe(`flapping: probes answered ${statuses.join(', ')}`);
    const failed = outcome.probes.find((p) => !p.ok);
    expect(failed?.failures).toEqual([
      'status: expected 200, got 404 (body "{\\"status\\": 404}")',
    ]);
  });

  test('every probe fails, but differently: still flapping', async () => {
    const base = await twoServers(500, 404);
    const outcome = await probeEndpoint(base, endpoint('/api/x', { status: [200] }), 20);
    expect(outcome.verdict).toBe('flapping');
    expect(outcome.probes.every((p) => !p.ok)).toBe(true);
    expect(outcome.summary).toMatch(/^flapping: probes answered [^—]*$/);
  });
});

test('every probe passes: count, status and median latency', async () => {
  const ports = new Set<number | undefined>();
  server = await serve((req, res) => {
    ports.add(req.socket.remotePort);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  // A trailing slash on the base and none on the path still make one clean URL.
  const outcome = await probeEndpoint(`${server.url}/`, endpoint('api/ok', { json: true }), 3);
  expect(outcome.verdict).toBe('pass');
  expect(outcome.summary).toMatch(/^3\/3 probes 200 in \d+ ms median$/);
  expect(outcome.probes.map((p) => [p.n, p.ok, p.status])).toEqual([
    [1, true, 200],
    [2, true, 200],
    [3, true, 200],
  ]);
  expect(ports.size).toBe(3); // a fresh connection per probe
});

test('every probe fails the same way: fail, with the first failure', async () => {
  server = await serve((req, res) => {
    res.writeHead(500);
    res.end('boom');
  });
  const outcome = await probeEndpoint(server.url, endpoint('/api/x'), 3);
  expect(outcome.verdict).toBe('fail');
  expect(outcome.summary).toBe('3/3 probes failed: status: expected 2xx, got 500 (body "boom")');
});

test('disagreeing only on latency is a plain failure, not flapping', async () => {
  let n = 0;
  server = await serve((req, res) => {
    const delay = ++n === 2 ? 1500 : 0;
    setTimeout(() => res.end('{}'), delay);
  });
  const outcome = await probeEndpoint(server.url, endpoint('/slow-once', { maxMs: 1000 }), 3);
  expect(outcome.verdict).toBe('fail');
  expect(outcome.probes[1]?.failures[0]).toMatch(/^maxMs: took \d+ ms, over the 1000 ms budget$/);
  expect(outcome.summary).toMatch(
    /^[1-3]\/3 probes failed: maxMs: took \d+ ms, over the 1000 ms budget/,
  );
});

test('nothing listening: every probe fails with the transport error', async () => {
  const port = await freePort();
  const outcome = await probeEndpoint(`http://127.0.0.1:${port}`, endpoint('/'), 3);
  expect(outcome.verdict).toBe('fail');
  expect(outcome.summary).toBe(`3/3 probes failed: connection refused to 127.0.0.1:${port}`);
  expect(outcome.probes.every((p) => p.status === null)).toBe(true);
});

test('a request body and headers are sent with every probe', async () => {
  const seen: string[] = [];
  server = await serve((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push(`${req.method} ${req.headers['x-token']} ${body}`);
      res.writeHead(201);
      res.end();
    });
  });
  const ep = {
    ...endpoint('/api/items', { status: [201] }),
    method: 'POST',
    headers: { 'X-Token': 'abc' },
    body: '{"name":"a"}',
  };
  expect((await probeEndpoint(server.url, ep, 2)).verdict).toBe('pass');
  expect(seen).toEqual(['POST abc {"name":"a"}', 'POST abc {"name":"a"}']);
});
