/** One short phrase naming a process in messages: `pid 123 (python3 app.py)`. */
import type { ProcessInfo } from '../platform/types.js';

const MAX_COMMAND = 80;

export function describeProcess(p: ProcessInfo): string {
  const text = p.command || p.name;
  const shown = text.length > MAX_COMMAND ? `${text.slice(0, MAX_COMMAND - 1)}…` : text;
  const exited = p.state === 'exited' ? ', exited' : '';
  return shown ? `pid ${p.pid} (${shown}${exited})` : `pid ${p.pid}${exited ? ' (exited)' : ''}`;
}
