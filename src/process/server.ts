/**
 * Which process is the backend's server, for the `backend-pid` output (README, "Outputs"). The
 * start command runs in a shell (`/bin/sh -c`, `cmd.exe /c`), which either becomes the server —
 * `exec python3 app.py`, or a lone command a POSIX shell runs by exec — or starts it as a child.
 */
import path from 'node:path';
import type { ProcessInfo } from '../platform/types.js';

/**
 * The server among the spawned process's tree as read now: the spawned process itself when it
 * is no longer the shell (it exec'd the server) or is the shell with several children (`a & b`:
 * no single server to name); the shell's only child when it has exactly one. null when the
 * spawned process is not running.
 */
export function serverProcess(
  processes: readonly ProcessInfo[],
  spawned: { pid: number; shell: string },
): ProcessInfo | null {
  const root = processes.find((p) => p.pid === spawned.pid && p.state !== 'exited');
  if (root === undefined) return null;
  if (!isShell(root, spawned.shell)) return root;
  const children = processes.filter((p) => p.ppid === root.pid && p.state !== 'exited');
  return children.length === 1 ? (children[0] as ProcessInfo) : root;
}

/** Still the shell it was spawned as: its name is the shell's file name (`sh`, `cmd.exe`). */
function isShell(process: ProcessInfo, shell: string): boolean {
  const base = (file: string) => path.basename(file.replace(/\\/g, '/')).toLowerCase();
  const name = process.name.toLowerCase();
  return name === base(shell) || `${name}.exe` === base(shell);
}
