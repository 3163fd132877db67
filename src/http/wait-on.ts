/**
 * Readiness resources (parsed once at config time: config/wait-on.ts), checked once per call
 * (the caller polls):
 *
 *   tcp     a TCP connect (300 ms timeout, like wait-on); without a host, 127.0.0.1 and ::1
 *   http    GET — wait-on sends HEAD here, but dev servers often answer HEAD with 404
 *           (wait-on #78), so we always GET
 *   file    the file exists
 *
 * An http(s) resource is ready on a 2xx or 3xx answer (redirects are not followed), as in
 * Kubernetes probes.
 */
import net from 'node:net';
import { stat } from 'node:fs/promises';
import type { WaitOnResource as Resource } from '../config/wait-on.js';
import { describeNetError, httpRequest } from './request.js';

export interface ResourceCheck {
  ok: boolean;
  /** One line: what was tried and what came back. */
  detail: string;
}

const TCP_CONNECT_TIMEOUT_MS = 300;
const LOOPBACKS = ['127.0.0.1', '::1'];

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
