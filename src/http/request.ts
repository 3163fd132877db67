/**
 * One HTTP exchange as the checklist needs it: a fresh connection per request (`agent: false`,
 * `Connection: close`) so every probe can land on a different listener, no redirects followed,
 * one deadline for the whole exchange, a capped body, and never an exception — a failure is a
 * value with one readable line.
 *
 * HTTPS keeps Node's default certificate verification: a self-signed development certificate
 * is rejected (the error says so); trust a development CA with NODE_EXTRA_CA_CERTS.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { TcpConnection } from '../platform/types.js';
import { formatDuration } from '../format/duration.js';
import { VERSION } from '../version.js';

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange: connect, response head and body. */
  timeoutMs?: number;
  /** Reading stops here and the socket is destroyed; the response is marked `truncated`. */
  maxBodyBytes?: number;
  /**
   * Runs once the TCP connection is up and before the request is sent (attribution looks the
   * server's end up then); the request waits for it. Its time is not counted in `durationMs`.
   */
  onConnected?: (connection: TcpConnection) => Promise<void>;
}

export interface HttpResponse {
  ok: true;
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** UTF-8, at most `maxBodyBytes` bytes of it. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

export interface HttpFailure {
  ok: false;
  /** One readable line: "connection refused to 127.0.0.1:5000", "timed out after 10 s …". */
  error: string;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function httpRequest(
  url: string,
  opts: HttpRequestOptions = {},
): Promise<HttpResponse | HttpFailure> {
  const started = performance.now();
  let hookMs = 0;
  const elapsed = () => Math.round(performance.now() - started - hookMs);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, error: `invalid URL: ${url}`, durationMs: 0 });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.resolve({
      ok: false,
      error: `unsupported protocol ${target.protocol} in ${url} (http or https only)`,
      durationMs: 0,
    });
  }
  const where = target.host;

  return new Promise((resolve) => {
    let settled = false;
    let phase: 'connect' | 'body' = 'connect';
    let status = 0;
    const settle = (result: HttpResponse | HttpFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const fail = (error: string) => settle({ ok: false, error, durationMs: elapsed() });

    const headers: Record<string, string> = {
      'User-Agent': `single-listener-check/${VERSION}`,
      ...opts.headers,
      Connection: 'close',
    };
    if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));

    const transport = target.protocol === 'https:' ? https : http;
    const req = transport.request(target, {
      method: opts.method ?? 'GET',
      headers,
      // No keep-alive: each request opens its own connection. (Node 20+ tries every address a
      // name resolves to — `localhost` → ::1 and 127.0.0.1 — by default: autoSelectFamily.)
      agent: false,
    });

    // The timer's clock (libuv's loop time) may run up to a millisecond ahead of
    // performance.now(): a timed-out request took the whole timeout, never 9,999 ms of it.
    const timedOut = () =>
      settle({
        ok: false,
        error:
          phase === 'connect'
            ? `timed out after ${formatDuration(timeoutMs)} waiting for a response from ${where}`
            : `timed out after ${formatDuration(timeoutMs)} reading the body (status ${status}) from ${where}`,
        durationMs: Math.max(elapsed(), timeoutMs),
      });
    let timer = setTimeout(timedOut, timeoutMs);

    req.on('error', (err) => fail(describeNetError(err, where)));
    req.on('response', (res) => {
      phase = 'body';
      status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (truncated: boolean) =>
        settle({
          ok: true,
          status,
          headers: flattenHeaders(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
          durationMs: elapsed(),
        });
      res.on('data', (chunk: Buffer) => {
        const room = maxBodyBytes - size;
        if (chunk.length <= room) {
          chunks.push(chunk);
          size += chunk.length;
          return;
        }
        // A byte beyond the cap exists: keep the cap's worth and hang up (an endless body ends here).
        chunks.push(chunk.subarray(0, room));
        finish(true);
      });
      res.on('end', () => finish(false));
      res.on('error', (err) =>
        fail(`${describeNetError(err, where)} while reading the body (status ${status})`),
      );
    });
    const send = () => {
      if (settled) return;
      if (opts.body !== undefined) req.write(opts.body);
      req.end();
    };
    const { onConnected } = opts;
    if (!onConnected) send();
    else {
      req.once('socket', (socket) => {
        const connected = () => {
          const connection = connectionOf(socket);
          if (!connection) return send();
          const hookStarted = performance.now();
          void onConnected(connection)
            .catch(() => undefined)
            .then(() => {
              hookMs = performance.now() - hookStarted;
              // The hook's time is not the server's: the request keeps its whole budget.
              if (settled) return;
              clearTimeout(timer);
              timer = setTimeout(timedOut, Math.max(0, timeoutMs - elapsed()));
              send();
            });
        };
        // A TLS socket also emits 'connect' at the TCP connect, before its handshake.
        if (socket.connecting) socket.once('connect', connected);
        else connected();
      });
    }
  });
}

/** Both ends of a connected socket (null once it is gone). */
function connectionOf(socket: net.Socket): TcpConnection | null {
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (!remoteAddress || !remotePort || !localAddress || !localPort) return null;
  return {
    serverAddress: remoteAddress,
    serverPort: remotePort,
    clientAddress: localAddress,
    clientPort: localPort,
  };
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** One readable line for a socket-level error; `where` is host:port. */
export function describeNetError(err: NodeJS.ErrnoException, where: string): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused to ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${where}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network unreachable: ${where}`;
    case 'EADDRNOTAVAIL':
      return `address not available: ${where}`;
  }
  if (err.message === 'socket hang up') return `connection to ${where} closed before a response`;
  if (err.code?.startsWith('ERR_TLS') || /certificate|self[- ]signed/i.test(err.message)) {
    return `TLS certificate rejected by ${where}: ${err.message} (trust a development CA with NODE_EXTRA_CA_CERTS)`;
  }
  return `request to ${where} failed: ${err.message}${err.code ? ` (${err.code})` : ''}`;
}
