/**
 * macOS `netstat -anv -p tcp` → the listening sockets on one port, with the pid netstat names.
 *
 * netstat lists every socket of every user (lsof, not run as root, leaves other users' processes
 * out entirely), so it is the cross-check that finds listeners lsof could not attribute. Its
 * columns after `(state)` differ across macOS releases, so they are located by the header:
 *
 * - older releases: `(state) rhiwat shiwat pid epid state options`
 * - later ones add `gencnt flags flags1 usscnt rtncnt fltrs` after `options`
 * - macOS 15 adds `rxbytes txbytes` before `rhiwat`: the pid moves two columns right
 * - macOS 26 merges name and pid: `process:pid` (`Autodesk Fusion:22712`), the name may hold spaces
 *
 * `Local Address` is `host.port`: `*.5000`, `127.0.0.1.5000`, `::1.5000`, `fe80::1%lo0.5000`.
 * The proto is `tcp4`, `tcp6` (an IPv6-only socket) or `tcp46` (a dual-stack IPv6 socket).
 */
import type { Family, SkippedRow } from '../types.js';
import { skippedText } from '../types.js';

export const NETSTAT_ARGS: readonly string[] = ['-anv', '-p', 'tcp'];

export interface NetstatListener {
  proto: string;
  family: Family;
  /** Without the scope (`%lo0`); `*` mapped to the family's wildcard, as lsof entries are. */
  address: string;
  port: number;
  /** The pid netstat prints (the last process to use the socket); null when it has none. */
  pid: number | null;
  /** The name of the `process:pid` column (macOS 26); null in releases that print only the pid. */
  process: string | null;
  /** The socket's generation count (a per-socket serial), where the release prints one. */
  gencnt: string | null;
}

export interface NetstatRead {
  listeners: NetstatListener[];
  skipped: SkippedRow[];
}

interface Columns {
  /** Header token index of the pid column, and whether it is `process:pid`. */
  pid: number | null;
  named: boolean;
  gencnt: number | null;
  /** Header tokens after `(state)`'s index, for counting columns from the right. */
  total: number;
}

/** The header, with `Local Address` and `Foreign Address` as one token each. */
function readHeader(line: string): Columns {
  const tokens = line
    .replace(/Local Address/, 'Local')
    .replace(/Foreign Address/, 'Foreign')
    .trim()
    .split(/\s+/);
  const pid = tokens.findIndex((t) => t === 'pid' || t === 'process:pid');
  const gencnt = tokens.indexOf('gencnt');
  return {
    pid: pid < 0 ? null : pid,
    named: tokens[pid] === 'process:pid',
    gencnt: gencnt < 0 ? null : gencnt,
    total: tokens.length,
  };
}

const NO_HEADER: Columns = { pid: null, named: false, gencnt: null, total: 0 };

/**
 * Every LISTEN row on `port`. Never throws: a LISTEN row whose local port cannot be read is a
 * skipped row (it may be on the port); a row on the port without a readable pid keeps pid null.
 */
export function parseNetstatListeners(output: string, port: number): NetstatRead {
  const listeners: NetstatListener[] = [];
  const skipped: SkippedRow[] = [];
  let columns = NO_HEADER;
  for (const line of output.split(/\r?\n/)) {
    if (/^Proto\s+Recv-Q\s/.test(line)) {
      columns = readHeader(line);
      continue;
    }
    const tokens = line.trim().split(/\s+/);
    const proto = tokens[0] ?? '';
    if (!/^tcp(4|6|46)$/.test(proto) || tokens[5] !== 'LISTEN') continue;
    const local = splitLocal(tokens[3] ?? '');
    if (!local) {
      skipped.push({
        source: 'netstat',
        text: skippedText(line),
        reason: 'the local address has no numeric port',
      });
      continue;
    }
    if (local.port !== port) continue;
    const family: Family = proto === 'tcp4' ? 'IPv4' : 'IPv6';
    const wildcard = family === 'IPv4' ? '0.0.0.0' : '::';
    listeners.push({
      proto,
      family,
      address: local.host === '*' ? wildcard : local.host,
      port: local.port,
      ...readPid(tokens, columns),
      gencnt: columns.gencnt === null ? null : (fromRight(tokens, columns, columns.gencnt) ?? null),
    });
  }
  return { listeners, skipped };
}

/** `127.0.0.1.5000` → host and port (split at the last dot); null without a numeric port. */
function splitLocal(text: string): { host: string; port: number } | null {
  const dot = text.lastIndexOf('.');
  const portText = text.slice(dot + 1);
  const host = text.slice(0, dot).replace(/%.*$/, '');
  if (dot <= 0 || !/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  return { host, port: Number(portText) };
}

/**
 * Columns before the pid are numbers, so a `pid` column is read by its header index. A
 * `process:pid` name may hold spaces: that column is found from the right, where every column is
 * one token, and the name is whatever lies between it and the columns before.
 */
function readPid(tokens: string[], columns: Columns): Pick<NetstatListener, 'pid' | 'process'> {
  if (columns.pid === null) return { pid: null, process: null };
  if (!columns.named) return { pid: toPid(tokens[columns.pid]), process: null };
  const last = tokens.length - (columns.total - columns.pid);
  const match = /^(.*):(\d{1,10})$/.exec(tokens.slice(columns.pid, last + 1).join(' '));
  return match ? { pid: toPid(match[2]), process: match[1] ?? '' } : { pid: null, process: null };
}

/** The token of header column `index`, counted from the right (after any spaced name). */
function fromRight(tokens: string[], columns: Columns, index: number): string | undefined {
  if (!columns.named) return tokens[index];
  return tokens[tokens.length - (columns.total - index)];
}

function toPid(text: string | undefined): number | null {
  if (!text || !/^\d{1,10}$/.test(text)) return null;
  const pid = Number(text);
  return pid > 0 && pid <= 0x7fffffff ? pid : null;
}
