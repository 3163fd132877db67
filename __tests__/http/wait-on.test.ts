import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/errors.js';
import { parseWaitOnResource } from '../../src/config/wait-on.js';
import { checkResource } from '../../src/http/wait-on.js';
import { freePort } from '../helpers/procs.js';
import { serve, serveSelfSignedTls, type InProcessServer } from '../helpers/http-servers.js';

describe('parsing', () => {
  test.each([
    ['tcp:5000', { kind: 'tcp', host: null, port: 5000 }],
    ['tcp:127.0.0.1:5000', { kind: 'tcp', host: '127.0.0.1', port: 5000 }],
    ['tcp:db.internal:5432', { kind: 'tcp', host: 'db.internal', port: 5432 }],
    ['tcp:[::1]:5000', { kind: 'tcp', host: '::1', port: 5000 }],
    ['TCP:localhost:80', { kind: 'tcp', host: 'localhost', port: 80 }],
    ['http://127.0.0.1:5000/api/health', { kind: 'http', url: 'http://127.0.0.1:5000/api/health' }],
    ['https://example.test/x', { kind: 'http', url: 'https://example.test/x' }],
    ['http-get://127.0.0.1:5000/', { kind: 'http', url: 'http://127.0.0.1:5000/' }],
    ['https-get://[::1]:8443/ok', { kind: 'http', url: 'https://[::1]:8443/ok' }],
    ['file:build/ready', { kind: 'file', path: path.resolve('/srv/app', 'build/ready') }],
    ['build/ready', { kind: 'file', path: path.resolve('/srv/app', 'build/ready') }],
    ['/tmp/ready.flag', { kind: 'file', path: path.resolve('/tmp/ready.flag') }],
  ])('%s', (text, expected) => {
    expect(parseWaitOnResource(text, '/srv/app')).toEqual({ text, ...expected });
  });

  test.each([
    ['', 'wait-on: must not be empty (got "")'],
    ['tcp:', 'wait-on: is not tcp:PORT or tcp:HOST:PORT (got "tcp:")'],
    ['tcp:abc', 'wait-on: is not tcp:PORT or tcp:HOST:PORT (got "tcp:abc")'],
    [
      'tcp:host:99999',
      'wait-on: has port "99999"; expected a number 1–65535 (got "tcp:host:99999")',
    ],
    ['tcp:host:0', 'wait-on: has port "0"; expected a number 1–65535 (got "tcp:host:0")'],
    ['tcp:host:', 'wait-on: has port ""; expected a number 1–65535 (got "tcp:host:")'],
    ['http://', 'wait-on: is not a valid URL (got "http://")'],
    [
      'http://unix:/tmp/s.sock:/health',
      'wait-on: is a unix socket, which is not supported (got "http://unix:/tmp/s.sock:/health")',
    ],
    [
      'ftp://example.test/',
      'wait-on: uses an unsupported scheme "ftp:"; use tcp:, http://, https://, http-get://, https-get://, file: or a path (got "ftp://example.test/")',
    ],
    [
      'socket:/tmp/s.sock',
      'wait-on: uses an unsupported scheme "socket:"; use tcp:, http://, https://, http-get://, https-get://, file: or a path (got "socket:/tmp/s.sock")',
    ],
    ['5000', 'wait-on: is not a resource; for a port write tcp:5000 (got "5000")'],
    [
      'localhost:5000',
      'wait-on: is not a resource; write tcp:localhost:5000 or http://localhost:5000/ (got "localhost:5000")',
    ],
    [
      '[::1]:5000',
      'wait-on: is not a resource; write tcp:[::1]:5000 or http://[::1]:5000/ (got "[::1]:5000")',
    ],
    ['file:', 'wait-on: has an empty file path (got "file:")'],
  ])('rejects %j', (text, message) => {
    let error: unknown;
    try {
      parseWaitOnResource(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toEqual([message]);
  });
});

describe('checking once', () => {
  let server: InProcessServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const check = (text: string, timeoutMs = 2000) =>
    checkResource(parseWaitOnResource(text), timeoutMs);

  test('tcp: a listener accepts; a free port refuses', async () => {
    server = await serve(() => undefined);
    expect(await check(`tcp:127.0.0.1:${server.port}`)).toEqual({
      ok: true,
      detail: `tcp 127.0.0.1:${server.port} accepted a connection`,
    });
    const port = await freePort();
    expect(await check(`tcp:127.0.0.1:${port}`)).toEqual({
      ok: false,
      detail: `tcp connection refused to 127.0.0.1:${port}`,
    });
  });

  test('tcp:PORT reaches a server on either loopback, never resolving localhost', async () => {
    const v6 = net.createServer().listen(0, '::1');
    await new Promise((r) => v6.once('listening', r));
    const { port } = v6.address() as net.AddressInfo;
    try {
      expect(await check(`tcp:${port}`)).toEqual({
        ok: true,
        detail: `tcp [::1]:${port} accepted a connection`,
      });
    } finally {
      v6.close();
    }
    server = await serve(() => undefined);
    expect((await check(`tcp:${server.port}`)).ok).toBe(true);

    const free = await freePort();
    expect(await check(`tcp:${free}`)).toEqual({
      ok: false,
      detail: `tcp connection refused to 127.0.0.1:${free}; tcp connection refused to [::1]:${free}`,
    });
  });

  test('http: GET (not HEAD), ready on 2xx/3xx, not on 404 or no answer', async () => {
    const methods: string[] = [];
    server = await serve((req, res) => {
      methods.push(req.method ?? '');
      const status = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 404;
      res.writeHead(status, status === 302 ? { Location: '/ok' } : {});
      res.end('x'.repeat(100_000));
    });
    expect(await check(`${server.url}/ok`)).toEqual({
      ok: true,
      detail: `GET ${server.url}/ok answered 200`,
    });
    expect(await check(`http-get://127.0.0.1:${server.port}/moved`)).toEqual({
      ok: true,
      detail: `GET ${server.url}/moved answered 302`,
    });
    expect(await check(`${server.url}/missing`)).toEqual({
      ok: false,
      detail: `GET ${server.url}/missing answered 404 (ready needs 2xx or 3xx)`,
    });
    expect(methods).toEqual(['GET', 'GET', 'GET']);

    const port = await freePort();
    expect(await check(`http://127.0.0.1:${port}/`)).toEqual({
      ok: false,
      detail: `GET http://127.0.0.1:${port}/: connection refused to 127.0.0.1:${port}`,
    });
  });

  test('https: verified like any client, so a self-signed certificate is not ready', async () => {
    server = await serveSelfSignedTls((req, res) => res.end('ok'));
    const result = await check(`https-get://127.0.0.1:${server.port}/`);
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(
      new RegExp(`^GET ${server.url}/: TLS certificate rejected by 127\\.0\\.0\\.1:${server.port}`),
    );
  });

  test('http: a server that never answers is not ready within the attempt timeout', async () => {
    server = await serve(() => undefined);
    expect(await check(`${server.url}/`, 200)).toEqual({
      ok: false,
      detail: `GET ${server.url}/: timed out after 200 ms waiting for a response from 127.0.0.1:${server.port}`,
    });
  });

  test('file: exists or not, relative to the working directory given', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'slc-wait-'));
    try {
      const flag = parseWaitOnResource('file:ready.flag', dir);
      expect(await checkResource(flag, 1000)).toEqual({
        ok: false,
        detail: `file ${path.join(dir, 'ready.flag')} does not exist`,
      });
      writeFileSync(path.join(dir, 'ready.flag'), '');
      expect(await checkResource(flag, 1000)).toEqual({
        ok: true,
        detail: `file ${path.join(dir, 'ready.flag')} exists`,
      });
      expect((await checkResource(parseWaitOnResource('ready.flag', dir), 1000)).ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
