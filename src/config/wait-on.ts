/**
 * Readiness resources in wait-on's syntax (docs/configuration.md), parsed once when the
 * configuration is read; the readiness poll only checks the parsed value.
 *
 *   tcp:HOST:PORT, tcp:[V6]:PORT   a TCP connect
 *   tcp:PORT                       no host: 127.0.0.1 and ::1 are both tried, never the name
 *                                  `localhost` (Node 17+ resolves it to ::1 first)
 *   http://…, https://…            GET (wait-on sends HEAD, which dev servers often answer 404)
 *   http-get://…, https-get://…    GET (wait-on's spelling, accepted as is)
 *   file:PATH or a plain PATH      the file exists (relative to the service's working directory)
 *
 * Unix sockets (wait-on's `socket:` and `http://unix:`) are not supported.
 */
import path from 'node:path';
import { InvalidValue, parseOrThrow } from './problems.js';
import { readString } from './values.js';

export type WaitOnResource =
  /** host null: tcp:PORT, tried on 127.0.0.1 and ::1. */
  | { kind: 'tcp'; text: string; host: string | null; port: number }
  | { kind: 'http'; text: string; url: string }
  /** As written until the service's working directory is known; then absolute. */
  | { kind: 'file'; text: string; path: string };

function readResourcePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535))
    throw new InvalidValue(`has port ${JSON.stringify(value)}; expected a number 1–65535`);
  return port;
}

function readTcp(text: string, rest: string): WaitOnResource {
  if (/^\d+$/.test(rest)) return { kind: 'tcp', text, host: null, port: readResourcePort(rest) };
  const bracketed = /^\[([^\]]+)\]:([^:]*)$/.exec(rest);
  const colon = rest.lastIndexOf(':');
  const host = bracketed ? bracketed[1] : colon > 0 ? rest.slice(0, colon) : undefined;
  const port = bracketed ? bracketed[2] : rest.slice(colon + 1);
  if (host === undefined || port === undefined)
    throw new InvalidValue('is not tcp:PORT or tcp:HOST:PORT');
  return { kind: 'tcp', text, host, port: readResourcePort(port) };
}

function readHttp(text: string, scheme: string, rest: string): WaitOnResource {
  let parsed: URL;
  try {
    parsed = new URL(`${scheme.toLowerCase().replace('-get', '')}://${rest}`);
  } catch {
    throw new InvalidValue('is not a valid URL');
  }
  if (parsed.hostname === '') throw new InvalidValue('has no host');
  if (parsed.hostname === 'unix')
    throw new InvalidValue('is a unix socket, which is not supported');
  return { kind: 'http', text, url: parsed.href };
}

/** One resource, trimmed; a file path stays as written (see `inDirectory`). */
export function readWaitOn(value: unknown): WaitOnResource {
  const text = readString(value).trim();
  const tcp = /^tcp:(.*)$/i.exec(text);
  if (tcp) return readTcp(text, tcp[1] ?? '');
  const web = /^(https?(?:-get)?):\/\/(.*)$/i.exec(text);
  if (web) return readHttp(text, web[1] ?? '', web[2] ?? '');
  if (/^(\[[^\]]+\]|[\w.-]+):\d+$/.test(text))
    throw new InvalidValue(`is not a resource; write tcp:${text} or http://${text}/`);
  // One letter is a Windows drive (C:\app\ready), not a scheme.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(text)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() !== 'file')
    throw new InvalidValue(
      `uses an unsupported scheme "${scheme}:"; use tcp:, http://, https://, http-get://, https-get://, file: or a path`,
    );
  if (/^\d+$/.test(text)) throw new InvalidValue(`is not a resource; for a port write tcp:${text}`);
  const file = /^file:(.*)$/i.exec(text)?.[1] ?? text;
  if (file === '') throw new InvalidValue('has an empty file path');
  return { kind: 'file', text, path: file };
}

/** File resources made absolute against the service's working directory. */
export function inDirectory(resources: WaitOnResource[], cwd: string): WaitOnResource[] {
  return resources.map((r) => (r.kind === 'file' ? { ...r, path: path.resolve(cwd, r.path) } : r));
}

/** One resource with its file path resolved; a one-line UsageError naming `wait-on` otherwise. */
export function parseWaitOnResource(text: string, cwd: string = process.cwd()): WaitOnResource {
  return inDirectory([parseOrThrow(readWaitOn, text, 'wait-on')], cwd)[0] as WaitOnResource;
}
