/** The listener table as plain text, one row per socket (terminal and CLI `listeners`). */
import { skippedRowsOf, type ListenerSocket } from '../platform/types.js';
import { describeProcess, formatEndpoint } from '../process/describe.js';
import { topmost } from '../process/tree.js';
import { formatAge } from '../format/age.js';
import { cleanText } from './text.js';

export interface ListenerTableOptions {
  now?: Date;
  /** Cut commands longer than this (on a terminal); whole when undefined. */
  maxCommandLength?: number;
}

const HEADER = ['ADDRESS', 'FAMILY', 'SOCKET', 'PIDS', 'PROCESS', 'STARTED', 'COMMAND'];

export { formatEndpoint };

function oneLine(text: string, max: number | undefined): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  return max !== undefined && line.length > max ? `${line.slice(0, Math.max(1, max - 1))}…` : line;
}

function socketRow(
  socket: ListenerSocket,
  { now, maxCommandLength }: ListenerTableOptions,
): string[] {
  const where = [formatEndpoint(socket.address, socket.port), socket.family, socket.socketId];
  // The holder that started the others (gunicorn's master) stands for the socket.
  const main = topmost(socket.processes)[0];
  if (main === undefined) {
    return [
      ...where,
      '?',
      'unknown',
      '',
      oneLine(socket.ownerUnknown ?? 'owner unknown', maxCommandLength),
    ];
  }
  // A holder whose name could not be read says so: never an empty cell or a bare comma.
  const names = [
    ...new Set(socket.processes.map((p) => oneLine(p.name, undefined) || 'unreadable')),
  ];
  const started =
    main.startedAt === null ? 'unknown' : `${formatAge(main.startedAt, now)} (${main.startedAt})`;
  return [
    ...where,
    socket.processes.map((p) => p.pid).join(','),
    names.join(','),
    started,
    oneLine(main.command || main.name, maxCommandLength) || '(command unreadable)',
  ];
}

/** Columns aligned with two spaces; the last column (the command) is never padded. */
export function renderListenerTable(
  sockets: readonly ListenerSocket[],
  options: ListenerTableOptions = {},
): string {
  const rows = [HEADER, ...sockets.map((s) => socketRow(s, options))];
  const widths = HEADER.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const table = rows.map((row) =>
    row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '),
  );
  return [...table, ...describeSkippedRows(sockets, options.maxCommandLength)].join('\n');
}

/**
 * The rows the listener read could not use (ListenerTable.skipped), as lines under the table:
 * each may be a listener on the port, so they are shown, never dropped. [] when none.
 */
export function describeSkippedRows(
  sockets: readonly ListenerSocket[],
  maxTextLength?: number,
): string[] {
  const skipped = skippedRowsOf(sockets);
  if (skipped.length === 0) return [];
  const rows = skipped.length === 1 ? '1 row' : `${skipped.length} rows`;
  return [
    `${rows} of the listener table could not be read (each may be a listener on this port):`,
    ...skipped.map(
      (row) => `  ${row.source}: ${oneLine(row.text, maxTextLength)} (${cleanText(row.reason)})`,
    ),
  ];
}

/**
 * Who holds one socket, in a phrase: `[::]:5000 held by pid 123 (gunicorn …) and 3 more processes`.
 * The topmost holders are named (gunicorn's master), the rest counted.
 */
export function describeSocketHolders(socket: ListenerSocket): string {
  const where = formatEndpoint(socket.address, socket.port);
  if (socket.processes.length === 0)
    return `${where}: owner unknown (${socket.ownerUnknown ?? 'not readable'})`;
  const named = topmost(socket.processes);
  const others = socket.processes.length - named.length;
  const more = others === 0 ? '' : ` and ${others} more ${others === 1 ? 'process' : 'processes'}`;
  return `${where} held by ${named.map(describeProcess).join(', ')}${more}`;
}
