/**
 * Real bind errors: gunicorn, uvicorn, Werkzeug and Node started on a port that is already held
 * print their own "port in use" lines; the default forbid-log patterns, matched as the log
 * capture matches them, must catch a line of each. Every process is stopped by pid afterwards.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogCapture } from '../../src/checklist/log-capture.js';
import { DEFAULT_FORBID_LOG } from '../../src/config/types.js';
import { GUNICORN, PYTHON, cleanupProcesses, spawnTracked } from '../helpers/procs.js';

let held: net.Server;
let port: number;
let appDir: string;

beforeAll(async () => {
  appDir = mkdtempSync(path.join(tmpdir(), 'slc-bind-'));
  writeFileSync(
    path.join(appDir, 'apps.py'),
    [
      'def wsgi(environ, start_response):',
      '    start_response("200 OK", [])',
      '    return [b"ok"]',
      '',
      'async def asgi(scope, receive, send):',
      '    pass',
      '',
    ].join('\n'),
  );
  held = net.createServer();
  held.listen(0, '127.0.0.1');
  await once(held, 'listening');
  port = (held.address() as net.AddressInfo).port;
});

afterEach(cleanupProcesses);
afterAll(async () => {
  await new Promise((resolve) => held.close(resolve));
  rmSync(appDir, { recursive: true, force: true });
});

/** The default patterns (as backend-start compiles them) that matched, each with its line. */
function defaultHits(output: string): Record<string, string> {
  const capture = new LogCapture({
    logPath: null,
    expect: [],
    forbid: DEFAULT_FORBID_LOG.map((source) => new RegExp(source)),
    redact: (text) => text,
  });
  capture.write(Buffer.from(output));
  void capture.close();
  return Object.fromEntries(
    DEFAULT_FORBID_LOG.flatMap((source, i) => {
      const hit = capture.forbidHits[i];
      return hit === null || hit === undefined ? [] : [[source, hit]];
    }),
  );
}

/** Runs a program that fails to bind until it exits (or prints `until`); returns its output. */
async function capture(cmd: string, args: string[], until?: RegExp): Promise<string> {
  const started = await spawnTracked(cmd, args, { cwd: appDir, readyText: until });
  if (until === undefined) await once(started.child, 'close');
  return started.output();
}

test('gunicorn: "[ERROR] Connection in use" is caught', async () => {
  const output = await capture(
    GUNICORN,
    ['--chdir', appDir, '-b', `127.0.0.1:${port}`, 'apps:wsgi'],
    /Connection in use/,
  );
  expect(defaultHits(output)).toEqual({
    'Connection in use': expect.stringMatching(
      new RegExp(`\\[ERROR\\] Connection in use: \\('127\\.0\\.0\\.1', ${port}\\)$`),
    ),
  });
});

test('uvicorn: "[Errno 98] … address already in use" (lower case) is caught', async () => {
  const output = await capture(PYTHON, [
    '-m',
    'uvicorn',
    '--app-dir',
    appDir,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    'apps:asgi',
  ]);
  expect(defaultHits(output)).toEqual({
    'Address already in use': expect.stringMatching(
      new RegExp(`error while attempting to bind on address .*${port}.*: address already in use$`),
    ),
  });
});

test('Werkzeug (the Flask dev server): "Address already in use" is caught', async () => {
  const output = await capture(PYTHON, [
    '-c',
    `from werkzeug.serving import run_simple\nrun_simple("127.0.0.1", ${port}, lambda e, s: [])`,
  ]);
  expect(defaultHits(output)['Address already in use']).toBe('Address already in use');
});

test('Node: "Error: listen EADDRINUSE: address already in use" is caught', async () => {
  const output = await capture(process.execPath, [
    '-e',
    `require('net').createServer().listen(${port}, '127.0.0.1')`,
  ]);
  const hits = defaultHits(output);
  expect(hits['Address already in use']).toMatch(
    /^Error: listen EADDRINUSE: address already in use/,
  );
  expect(hits.EADDRINUSE).toBeDefined();
});
