/**
 * `lsof -F` field output → one entry per (process, socket). Fields are one per line (`-F`) or
 * NUL-terminated with a newline after each set (`-F0`); both are read the same way.
 */
import { parseEndpoint } from '../endpoint.js';
import { skippedText, type Family, type SkippedRow } from '../types.js';

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

/** The sockets lsof printed, and the ones it printed in a shape we cannot read. */
export interface LsofRead {
  entries: LsofSocketEntry[];
  skipped: SkippedRow[];
}

/** The entries alone (see readLsofFields). */
export function parseLsofFields(output: string): LsofSocketEntry[] {
  return readLsofFields(output).entries;
}

/**
 * Never throws: fields it cannot read are dropped; a socket whose name has no numeric port (lsof
 * run without `-P` prints `*:http`) is a skipped row, counted and shown rather than lost. A
 * socket in another TCP state than LISTEN is left out: it is not a listener.
 */
export function readLsofFields(output: string): LsofRead {
  const entries: LsofSocketEntry[] = [];
  const skipped: SkippedRow[] = [];
  let proc: ProcessSet = NO_PROCESS;
  let file: FileSet | null = null;
  const flush = (): void => {
    const current: FileSet | null = file;
    file = null;
    if (!current) return;
    const entry = toEntry(proc, current);
    if (entry) entries.push(entry);
    else if (isUnreadableSocket(current)) skipped.push(skippedRow(proc, current));
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
  return { entries, skipped };
}

/** A socket lsof printed (it has fields beyond its fd) that is not a connection in another state. */
function isUnreadableSocket(file: FileSet): boolean {
  const printed = [file.type, file.device, file.name, file.tcpState].some((v) => v !== undefined);
  return printed && (file.tcpState === undefined || file.tcpState === 'LISTEN');
}

/** The fields as lsof printed them, one line: `p501 cnode f21 tIPv6 n*:http TST=LISTEN`. */
function skippedRow(proc: ProcessSet, file: FileSet): SkippedRow {
  const fields = [
    proc.pid === null ? '' : `p${proc.pid}`,
    proc.command ? `c${proc.command}` : '',
    `f${file.fd}`,
    file.type === undefined ? '' : `t${file.type}`,
    file.device === undefined ? '' : `d${file.device}`,
    file.name === undefined ? '' : `n${file.name}`,
    file.tcpState === undefined ? '' : `TST=${file.tcpState}`,
  ];
  return {
    source: 'lsof',
    text: skippedText(fields.filter(Boolean).join(' ')),
    reason:
      file.name === undefined
        ? 'the socket has no name (n field)'
        : 'the name has no numeric address and port',
  };
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
