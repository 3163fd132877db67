import { formatDuration } from '../../src/format/duration.js';
import { httpRequest, type HttpResponse } from '../../src/http/request.js';
import type { TcpConnection } from '../../src/platform/types.js';
import { freePort, sleep, until } from '../helpers/procs.js';
import { serve, serveSelfSignedTls, type InProcessServer } from '../helpers/http-servers.js';

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function answered(res: Awaited<ReturnType<typeof httpRequest>>): HttpResponse {
  if (!res.ok) throw new Error(`expected an answer, got: ${res.error}`);
  return res;
}

test('sends method, headers and body on a fresh connection with Connection: close', async () => {
  const seen: Array<{
    method?: string;
    headers: Record<string, unknown>;
    body: string;
    port?: number;
  }> = [];
  server = await serve((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body, port: req.socket.remotePort });
      res.writeHead(201, { 'X-Thing': 'A', 'Set-Cookie': ['a=1', 'b=2'] });
      res.end('héllo');
    });
  });
  const opts = { method: 'POST', headers: { Authorization: 'Bearer t' }, body: '{"x":1}' };
  const first = answered(await httpRequest(`${server.url}/items`, opts));
  answered(await httpRequest(`${server.url}/items`, opts));

  expect(first).toMatchObject({ status: 201, body: 'héllo', truncated: false });
  expect(first.headers['x-thing']).toBe('A');
  expect(first.headers['set-cookie']).toBe('a=1, b=2');
  expect(seen[0]).toMatchObject({ method: 'POST', body: '{"x":1}' });
  expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer t', connection: 'close' });
  // Two requests, two TCP connections (no keep-alive agent), both closed afterwards.
  expect(server.sockets).toHaveLength(2);
  expect(seen[0]?.port).not.toBe(seen[1]?.port);
  await until(() => server!.sockets.every((s) => s.destroyed || s.readyState === 'closed'));
});

test('a redirect is reported, not followed', async () => {
  let hits = 0;
  server = await serve((req, res) => {
    hits++;
    res.writeHead(302, { Location: '/elsewhere' });
    res.end();
  });
  const res = answered(await httpRequest(`${server.url}/old`));
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/elsewhere');
  expect(hits).toBe(1);
});

test('a server that never answers ends at the timeout with a readable error', async () => {
  server = await serve(() => {
    // accept, read, never answer
  });
  const res = await httpRequest(`${server.url}/hang`, { timeoutMs: 300 });
  expect(res).toMatchObject({
    ok: false,
    error: `timed out after 300 ms waiting for a response from 127.0.0.1:${server.port}`,
  });
  // The timer's clock may run a millisecond ahead of performance.now(): never 299 ms.
  expect(res.durationMs).toBeGreaterThanOrEqual(300);
  // The connection is given up, not left open.
  await until(() => server!.sockets.every((s) => s.destroyed || s.readyState === 'closed'));
});

test('a body that stalls after the head ends at the timeout, naming the status', async () => {
  server = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('partial');
  });
  const res = await httpRequest(server.url, { timeoutMs: 300 });
  expect(res).toMatchObject({
    ok: false,
    error: `timed out after 300 ms reading the body (status 200) from 127.0.0.1:${server.port}`,
  });
});

test('an endless body is cut at the cap, marked truncated, and the connection dropped', async () => {
  const chunk = Buffer.alloc(16 * 1024, 'x');
  let written = 0;
  server = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const res = answered(await httpRequest(server.url, { maxBodyBytes: 100_000 }));
  expect(res.truncated).toBe(true);
  expect(res.body).toHaveLength(100_000);
  // The socket was destroyed: the server sees its client gone and stops writing.
  await until(() => server!.sockets.every((s) => s.destroyed || s.readyState === 'closed'));
  const stoppedAt = written;
  await new Promise((r) => setTimeout(r, 100));
  expect(written).toBe(stoppedAt);
});

test('a body exactly at the cap is whole, not truncated', async () => {
  server = await serve((req, res) => res.end('x'.repeat(1000)));
  const res = answered(await httpRequest(server.url, { maxBodyBytes: 1000 }));
  expect(res).toMatchObject({ truncated: false, body: 'x'.repeat(1000) });
});

test('connection refused, bad URLs and other protocols are failures, never exceptions', async () => {
  const port = await freePort();
  expect(await httpRequest(`http://127.0.0.1:${port}/`)).toMatchObject({
    ok: false,
    error: `connection refused to 127.0.0.1:${port}`,
  });
  expect(await httpRequest(`http://[::1]:${port}/`)).toMatchObject({
    ok: false,
    error: `connection refused to [::1]:${port}`,
  });
  expect(await httpRequest('not a url')).toMatchObject({
    ok: false,
    error: 'invalid URL: not a url',
  });
  expect(await httpRequest('ftp://127.0.0.1/')).toMatchObject({
    ok: false,
    error: 'unsupported protocol ftp: in ftp://127.0.0.1/ (http or https only)',
  });
});

test('a server that hangs up mid-body is a failure naming the status', async () => {
  server = await serve((req, res) => {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('only part');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const res = await httpRequest(server.url);
  expect(res.ok).toBe(false);
  if (!res.ok) expect(res.error).toMatch(/while reading the body \(status 200\)$/);
});

test('https keeps certificate verification: a self-signed certificate is rejected', async () => {
  server = await serveSelfSignedTls((req, res) => res.end('secret'));
  const res = await httpRequest(`${server.url}/`);
  expect(res.ok).toBe(false);
  if (!res.ok) {
    expect(res.error).toMatch(
      new RegExp(
        `^TLS certificate rejected by 127\\.0\\.0\\.1:${server.port}: self[- ]signed certificate`,
      ),
    );
    expect(res.error).toContain('NODE_EXTRA_CA_CERTS');
  }
});

test('onConnected runs once connected and before anything is sent, with both ends of the connection', async () => {
  const received: string[] = [];
  server = await serve((req, res) => res.end('ok'));
  server.sockets.length = 0;
  let seen:
    { connection: TcpConnection; bytesBeforeSend: number; peer: [string?, number?] } | undefined;
  const res = await httpRequest(`${server.url}/hooked`, {
    onConnected: async (connection) => {
      await until(() => server!.sockets.length === 1);
      const accepted = server!.sockets[0]!;
      accepted.on('data', (d: Buffer) => received.push(d.toString('latin1')));
      await sleep(50); // a request sent early would have arrived by now
      const peer: [string?, number?] = [accepted.remoteAddress, accepted.remotePort];
      seen = { connection, bytesBeforeSend: accepted.bytesRead, peer };
    },
  });
  expect(answered(res).body).toBe('ok');
  expect(seen?.bytesBeforeSend).toBe(0);
  expect(seen?.connection).toEqual({
    serverAddress: '127.0.0.1',
    serverPort: server.port,
    clientAddress: seen?.peer[0],
    clientPort: seen?.peer[1],
  });
  expect(received.join('')).toMatch(/^GET \/hooked HTTP\/1\.1\r\n/);
});

test("a slow onConnected hook is not counted against the server's timeout nor in its duration", async () => {
  server = await serve(() => {
    // accept, read, never answer
  });
  const res = await httpRequest(`${server.url}/hang`, {
    timeoutMs: 300,
    onConnected: async () => void (await sleep(200)),
  });
  expect(res).toMatchObject({ ok: false, error: expect.stringMatching(/^timed out after 300 ms/) });
  // The server had its whole 300 ms after the hook: the duration excludes the hook's 200 ms.
  expect(res.durationMs).toBeGreaterThanOrEqual(300);
});

test('onConnected runs at the TCP connect of an https request too, and a throwing hook does not stop the request', async () => {
  server = await serveSelfSignedTls((req, res) => res.end('secret'));
  const ports: number[] = [];
  const res = await httpRequest(`${server.url}/`, {
    onConnected: async (connection) => {
      ports.push(connection.serverPort);
      throw new Error('hook failed');
    },
  });
  expect(ports).toEqual([server.port]);
  // The request went on to the TLS handshake, which rejects the self-signed certificate.
  expect(res).toMatchObject({
    ok: false,
    error: expect.stringMatching(/^TLS certificate rejected/),
  });
});

test('one duration format: ms, whole seconds as they were set, measures to the hundredth, minutes', () => {
  expect(formatDuration(300)).toBe('300 ms');
  expect(formatDuration(10_000)).toBe('10 s');
  expect(formatDuration(2500)).toBe('2.50 s');
  expect(formatDuration(125_000)).toBe('2 min 5 s');
});
