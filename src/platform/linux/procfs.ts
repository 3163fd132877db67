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
