/** Short phrases naming a process (`pid 123 (python3 app.py)`) or a socket's endpoint in messages. */
import type { ProcessInfo } from '../platform/types.js';

const MAX_COMMAND = 80;

export function describeProcess(p: ProcessInfo): string {
  const text = p.command || p.name;
  const shown = text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
  const exited = p.state === 'exited' ? ', exited' : '';
  return shown ? `pid ${p.pid} (${shown}${exited})` : `pid ${p.pid}${exited ? ' (exited)' : ''}`;
}

/** `0.0.0.0:5000`, `[::]:5000`. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
