/**
 * Readiness resources in wait-on's syntax, checked once per call (the caller polls):
 *
 *   tcp:HOST:PORT, tcp:[V6]:PORT   a TCP connect (300 ms timeout, like wait-on)
 *   tcp:PORT                       no host: 127.0.0.1 and ::1 are both tried, never the name
 *                                  `localhost` (Node 17+ resolves it to ::1 first)
 *   http://…, https://…            GET — wait-on sends HEAD here, but dev servers often answer
 *                                  HEAD with 404 (wait-on #78), so we always GET
 *   http-get://…, https-get://…    GET (wait-on's spelling, accepted as is)
 *   file:PATH or a plain PATH      the file exists (relative to the service's working directory)
 *
 * An http(s) resource is ready on a 2xx or 3xx answer (redirects are not followed), as in
 * Kubernetes probes. Unix sockets (wait-on's `socket:` and `http://unix:`) are not supported.
 */
import net from 'node:net';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { describeNetError, httpRequest } from './request.js';

export type Resource =
  /** host null: tcp:PORT, tried on 127.0.0.1 and ::1. */
  | { kind: 'tcp'; text: string; host: string | null; port: number }
  | { kind: 'http'; text: string; url: string }
  /** Absolute path. */
  | { kind: 'file'; text: string; path: string };

export interface ResourceCheck {
  ok: boolean;
  /** One line: what was tried and what came back. */
  detail: string;
}

const TCP_CONNECT_TIMEOUT_MS = 300;
const LOOPBACKS = ['127.0.0.1', '::1'];

function malformed(text: string, reason: string): UsageError {
  return new UsageError([`wait-on: ${JSON.stringify(text)} ${reason}`]);
}

function parsePort(text: string, value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw malformed(text, `has port ${JSON.stringify(value)}; expected a number 1–65535`);
  }
  return port;
}

function parseTcp(text: string, rest: string): Resource {
  if (/^\d+$/.test(rest)) return { kind: 'tcp', text, host: null, port: parsePort(text, rest) };
  const bracketed = /^\[([^\]]+)\]:([^:]*)$/.exec(rest);
  const colon = rest.lastIndexOf(':');
  const host = bracketed ? bracketed[1] : colon > 0 ? rest.slice(0, colon) : undefined;
  const port = bracketed ? bracketed[2] : rest.slice(colon + 1);
  if (host === undefined || port === undefined) {
    throw malformed(text, 'is not tcp:PORT or tcp:HOST:PORT');
  }
  return { kind: 'tcp', text, host, port: parsePort(text, port) };
}

function parseHttp(text: string, scheme: string, rest: string): Resource {
  const url = `${scheme.toLowerCase().replace('-get', '')}://${rest}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw malformed(text, 'is not a valid URL');
  }
  if (parsed.hostname === '') throw malformed(text, 'has no host');
  if (parsed.hostname === 'unix') throw malformed(text, 'is a unix socket, which is not supported');
  return { kind: 'http', text, url: parsed.href };
}

/** Throws UsageError naming `wait-on` and the value when the text is not a resource. */
export function parseWaitOnResource(text: string, cwd: string = process.cwd()): Resource {
  const value = text.trim();
  if (value === '') throw malformed(text, 'is empty');
  const tcp = /^tcp:(.*)$/i.exec(value);
  if (tcp) return parseTcp(text, tcp[1] ?? '');
  const web = /^(https?(?:-get)?):\/\/(.*)$/i.exec(value);
  if (web) return parseHttp(text, web[1] ?? '', web[2] ?? '');
  if (/^(\[[^\]]+\]|[\w.-]+):\d+$/.test(value)) {
    throw malformed(text, `is not a resource; write tcp:${value} or http://${value}/`);
  }
  // One letter is a Windows drive (C:\app\ready), not a scheme.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
    throw malformed(
      text,
      `uses an unsupported scheme "${scheme}:"; use tcp:, http://, https://, http-get://, https-get://, file: or a path`,
    );
  }
  if (/^\d+$/.test(value))
    throw malformed(text, `is not a resource; for a port write tcp:${value}`);
  const file = /^file:(.*)$/i.exec(value)?.[1] ?? value;
  if (file === '') throw malformed(text, 'has an empty file path');
  return { kind: 'file', text, path: path.resolve(cwd, file) };
}

function hostPort(host: string, port: number): string {
  return `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

function connectOnce(host: string, port: number, timeoutMs: number): Promise<ResourceCheck> {
  const where = hostPort(host, port);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, autoSelectFamily: true });
    const done = (result: ResourceCheck) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `tcp ${where}: no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('connect', () => done({ ok: true, detail: `tcp ${where} accepted a connection` }));
    socket.on('error', (err) => done({ ok: false, detail: `tcp ${describeNetError(err, where)}` }));
  });
}

async function checkTcp(host: string | null, port: number, timeoutMs: number) {
  const budget = Math.min(timeoutMs, TCP_CONNECT_TIMEOUT_MS);
  if (host !== null) return connectOnce(host, port, budget);
  const tries = await Promise.all(LOOPBACKS.map((h) => connectOnce(h, port, budget)));
  return tries.find((t) => t.ok) ?? { ok: false, detail: tries.map((t) => t.detail).join('; ') };
}

async function checkHttp(url: string, timeoutMs: number): Promise<ResourceCheck> {
  // Only the status matters: hang up at the first body byte.
  const res = await httpRequest(url, { timeoutMs, maxBodyBytes: 0 });
  if (!res.ok) return { ok: false, detail: `GET ${url}: ${res.error}` };
  const ok = res.status >= 200 && res.status < 400;
  return {
    ok,
    detail: `GET ${url} answered ${res.status}${ok ? '' : ' (ready needs 2xx or 3xx)'}`,
  };
}

async function checkFile(file: string): Promise<ResourceCheck> {
  try {
    await stat(file);
    return { ok: true, detail: `file ${file} exists` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
    return { ok: false, detail: `file ${file} ${why}` };
  }
}

/** One attempt, never throws. */
export async function checkResource(r: Resource, timeoutMs: number): Promise<ResourceCheck> {
  switch (r.kind) {
    case 'tcp':
      return checkTcp(r.host, r.port, timeoutMs);
    case 'http':
      return checkHttp(r.url, timeoutMs);
    case 'file':
      return checkFile(r.path);
  }
}
