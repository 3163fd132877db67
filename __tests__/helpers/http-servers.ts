/** Servers for the HTTP tests: the Flask and Node apps of __tests__/apps/, and in-process ones. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, PYTHON, spawnTracked } from './procs.js';

const app = (name: string) => fileURLToPath(new URL(`../apps/${name}`, import.meta.url));

export interface Backend {
  name: string;
  baseUrl: string;
  /** The server process (spawned directly, not through a shell). */
  pid: number;
}

/** Werkzeug's dev server; it prints "Running on" to stderr once bound. */
export async function startFlaskApp(): Promise<Backend> {
  const port = await freePort();
  const { pid } = await spawnTracked(PYTHON, ['-u', app('http-flask-app.py'), String(port)], {
    readyText: 'Running on',
  });
  return { name: 'flask', baseUrl: `http://127.0.0.1:${port}`, pid };
}

export async function startNodeApp(): Promise<Backend> {
  const port = await freePort();
  const { pid } = await spawnTracked(process.execPath, [app('http-node-app.mjs'), String(port)], {
    readyText: 'READY',
  });
  return { name: 'node', baseUrl: `http://127.0.0.1:${port}`, pid };
}

/**
 * One SO_REUSEPORT server on 127.0.0.1:port answering every GET with `status` (and, with `name`,
 * `"server": name` in its body); resolves with its pid.
 */
export async function startReusePortServer(
  port: number,
  status: number,
  name?: string,
): Promise<number> {
  const args = ['-u', app('http-reuseport-server.py'), String(port), String(status)];
  const { pid } = await spawnTracked(PYTHON, name === undefined ? args : [...args, name], {
    readyText: 'READY',
  });
  return pid;
}

export interface InProcessServer {
  url: string;
  port: number;
  /** Sockets the server accepted (to prove connections were closed or fresh). */
  sockets: net.Socket[];
  close: () => Promise<void>;
}

/** An in-process node:http server on 127.0.0.1 (or `host`), closed with every connection. */
export async function serve(
  handler: http.RequestListener,
  host = '127.0.0.1',
): Promise<InProcessServer> {
  return listen(http.createServer(handler), host, 'http');
}

/** An https server on 127.0.0.1 with a fresh self-signed certificate (made with openssl). */
export async function serveSelfSignedTls(handler: http.RequestListener): Promise<InProcessServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slc-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ].concat(['-keyout', key, '-out', cert]),
      { stdio: 'ignore' },
    );
    const server = https.createServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      handler,
    );
    return await listen(server, '127.0.0.1', 'https');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listen(
  server: http.Server | https.Server,
  host: string,
  scheme: 'http' | 'https',
): Promise<InProcessServer> {
  const sockets: net.Socket[] = [];
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    sockets,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
