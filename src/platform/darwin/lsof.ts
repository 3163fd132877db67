/**
 * `lsof -F` field output → one entry per (process, socket). Fields are one per line (`-F`) or
 * NUL-terminated with a newline after each set (`-F0`); both are read the same way.
 */
import { parseEndpoint } from '../endpoint.js';
import type { Family } from '../types.js';

/** One open listening socket as lsof prints it: the socket (`d`) may repeat under several pids. */
export interface LsofSocketEntry {
  /** null when lsof printed the socket without its process (another user's, lsof without root). */
  pid: number | null;
  ppid: number | null;
  /** Process name from the `c` field; '' when absent. */
  command: string;
  fd: string;
  family: Family;
  /** The `d` field: the socket's kernel address on macOS, the same for every process holding it. */
  device: string | null;
  /** Without brackets; lsof's `*` mapped to the family's wildcard. */
  address: string;
  port: number;
}

/**
 * Field letters after `-F`: `0` NUL terminators, p pid, R ppid, c command, f fd, t family,
 * d device (socket identity), n name (`*:5000`, `[::1]:5000`), T TCP info (`TST=LISTEN`).
 */
const LSOF_FIELDS = '0pRcftdnT';

/** Only TCP listeners on the port, numeric hosts and ports, full command names (`+c0`). */
export function lsofArgs(port: number): string[] {
  return ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '+c0', `-F${LSOF_FIELDS}`];
}

interface ProcessSet {
  pid: number | null;
  ppid: number | null;
  command: string;
}

interface FileSet {
  fd: string;
  type?: string;
  device?: string;
  name?: string;
  tcpState?: string;
}

const NO_PROCESS: ProcessSet = { pid: null, ppid: null, command: '' };

/** Never throws: fields it cannot read are dropped, and a socket without a usable name is skipped. */
export function parseLsofFields(output: string): LsofSocketEntry[] {
  const entries: LsofSocketEntry[] = [];
  let proc: ProcessSet = NO_PROCESS;
  let file: FileSet | null = null;
  const flush = (): void => {
    const entry = file && toEntry(proc, file);
    if (entry) entries.push(entry);
    file = null;
  };

  for (const field of output.split(/[\0\r\n]+/)) {
    const id = field[0];
    const value = field.slice(1);
    switch (id) {
      case 'p':
        flush();
        proc = { pid: toPid(value), ppid: null, command: '' };
        break;
      case 'R':
        proc = { ...proc, ppid: toPid(value) };
        break;
      case 'c':
        proc = { ...proc, command: value };
        break;
      case 'f':
        flush();
        file = { fd: value };
        break;
      case 't':
      case 'd':
      case 'n':
      case 'T':
        file ??= { fd: '' };
        setFileField(file, id, value);
        break;
      // Other letters (and empty fields) are not asked for: ignored.
    }
  }
  flush();
  return entries;
}

function setFileField(file: FileSet, id: 't' | 'd' | 'n' | 'T', value: string): void {
  if (id === 't') file.type = value;
  else if (id === 'd') file.device = value;
  else if (id === 'n') file.name = value;
  else if (value.startsWith('ST=')) file.tcpState = value.slice(3);
}

function toEntry(proc: ProcessSet, file: FileSet): LsofSocketEntry | null {
  if (file.tcpState !== undefined && file.tcpState !== 'LISTEN') return null;
  // A connection's name is `local->remote`: the local side is the one bound.
  const endpoint = parseEndpoint(file.name?.split('->')[0] ?? '');
  if (!endpoint) return null;
  const family = familyOf(file.type, endpoint.host);
  const address = endpoint.host === '*' ? (family === 'IPv4' ? '0.0.0.0' : '::') : endpoint.host;
  return {
    ...proc,
    fd: file.fd,
    family,
    device: file.device || null,
    address,
    port: endpoint.port,
  };
}

/** lsof's `t`; without it, an address with a colon is IPv6. */
function familyOf(type: string | undefined, host: string): Family {
  if (type === 'IPv4' || type === 'IPv6') return type;
  return host.includes(':') ? 'IPv6' : 'IPv4';
}

function toPid(value: string): number | null {
  if (!/^\d{1,10}$/.test(value)) return null;
  const pid = Number(value);
  return pid > 0 && pid <= 0x7fffffff ? pid : null;
}
