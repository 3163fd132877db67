/** Reads processes from /proc. A process that vanishes mid-read is simply absent (null). */
import { readFileSync, readdirSync } from 'node:fs';
import type { ProcessInfo } from '../types.js';
import { latestBootMs } from './boot-time.js';
import { parseCmdline, parseStat, parseStatusUid, startTimeIso } from './proc-stat.js';

/** The errno codes that mean "not ours to read". */
export const DENIED_CODES = new Set(['EACCES', 'EPERM']);

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** A /proc file's text, or null when it cannot be read (gone or denied). */
function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Every pid in /proc (processes, not threads). */
export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => entry.charCodeAt(0) >= 48 && entry.charCodeAt(0) <= 57)
    .map(Number);
}

/**
 * The pids and every descendant of theirs alive now, from the kernel's own lists of each
 * thread's children (`/proc/<pid>/task/<tid>/children`): a few reads, no process-table scan.
 */
export function withDescendants(pids: readonly number[]): number[] {
  const found = new Set<number>();
  const visit = (pid: number) => {
    if (found.has(pid)) return;
    found.add(pid);
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // gone
    }
    for (const tid of threads) {
      const children = readProcFile(`/proc/${pid}/task/${tid}/children`) ?? '';
      for (const child of children.split(' ')) if (child.trim() !== '') visit(Number(child));
    }
  };
  for (const pid of pids) visit(pid);
  return [...found];
}

/** One process, or null when it does not exist (anymore). Zombies are reported as 'exited'. */
export function readProcess(pid: number): ProcessInfo | null {
  const stat = parseStat(readProcFile(`/proc/${pid}/stat`) ?? '');
  if (stat === null) return null;
  const boot = latestBootMs();
  const info: ProcessInfo = {
    pid,
    ppid: stat.ppid,
    pgid: stat.pgrp,
    name: stat.name,
    command: parseCmdline(readProcFile(`/proc/${pid}/cmdline`) ?? ''),
    startedAt: boot === null ? null : startTimeIso(boot, stat.startTicks),
    state: stat.state === 'Z' || stat.state === 'X' ? 'exited' : 'running',
  };
  const uid = parseStatusUid(readProcFile(`/proc/${pid}/status`) ?? '');
  if (uid !== undefined) info.uid = uid;
  return info;
}
