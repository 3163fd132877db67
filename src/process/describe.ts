/** Short phrases naming processes (`pid 123 (python3 app.py)`) or a socket's endpoint in messages. */
import type { ProcessInfo, SkippedRow } from '../platform/types.js';
import { descendants, topmost } from './tree.js';

const MAX_COMMAND = 80;

/** `pid 123 (python3 app.py)`; a process whose name and command could not be read says so. */
export function describeProcess(p: ProcessInfo): string {
  const text = (p.command || p.name).trim();
  const shown = text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
  const exited = p.state === 'exited' ? ', exited' : '';
  return `pid ${p.pid} (${shown || 'name unreadable'}${exited})`;
}

/**
 * The processes of one server in a phrase, each distinct pid counted once: the topmost ones are
 * named and the processes they started counted — `pid 10599 (gunicorn -w 2 app:app) and 2
 * workers`. Unrelated processes are each named.
 */
export function describeHolders(processes: readonly ProcessInfo[]): string {
  const byPid = new Map<number, ProcessInfo>();
  for (const p of processes) if (!byPid.has(p.pid)) byPid.set(p.pid, p);
  const unique = [...byPid.values()];
  if (unique.length === 0) return 'no readable process';
  const phrases = topmost(unique).map((top) => {
    const children = descendants(unique, top).length;
    const workers =
      children === 0 ? '' : ` and ${children} ${children === 1 ? 'worker' : 'workers'}`;
    return `${describeProcess(top)}${workers}`;
  });
  // Processes in a parent loop (or a reused parent pid) have no topmost member: name them all.
  const counted = new Set(
    topmost(unique).flatMap((top) => [top.pid, ...descendants(unique, top).map((p) => p.pid)]),
  );
  for (const p of unique) if (!counted.has(p.pid)) phrases.push(describeProcess(p));
  return phrases.join(', ');
}

/** `0.0.0.0:5000`, `[::]:5000`. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A row the platform could not read, for item details: `netstat: TCP … (the pid column is not a number)`. */
export function describeSkippedRow(row: SkippedRow): string {
  return `${row.source}: ${row.text} (${row.reason})`;
}
