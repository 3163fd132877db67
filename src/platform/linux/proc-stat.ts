/** Pure parsers of /proc/<pid>/stat, /proc/<pid>/cmdline, /proc/<pid>/status and /proc/stat. */

export interface ProcStat {
  pid: number;
  /** comm, without the parentheses; may contain spaces and parentheses itself. */
  name: string;
  /** One letter: R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Clock ticks since boot. */
  startTicks: number;
}

/**
 * Linux reports starttime in USER_HZ ticks, which is 100 on every mainstream architecture
 * (x86, arm, arm64, ppc, s390, riscv); `getconf CLK_TCK` prints it. Node cannot ask sysconf.
 */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * `123 (my (weird) name) S 1 ...`: the name is whatever lies between the first `(` and the
 * LAST `)`. After it, field 3 is the state, 4 ppid, 5 pgrp, 22 starttime. null when malformed.
 */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const [state, ppid, pgrp, startTicks] = [rest[0], rest[1], rest[2], rest[19]];
  if (state === undefined || startTicks === undefined || !Number.isInteger(pid)) return null;
  const numbers = [Number(ppid), Number(pgrp), Number(startTicks)];
  if (!numbers.every(Number.isInteger)) return null;
  return {
    pid,
    name: text.slice(open + 1, close),
    state,
    ppid: numbers[0]!,
    pgrp: numbers[1]!,
    startTicks: numbers[2]!,
  };
}

/**
 * NUL-separated arguments, joined with spaces; '' for kernel threads and zombies. Trailing NULs
 * are dropped: processes that rewrite their title (gunicorn's setproctitle) pad with them.
 */
export function parseCmdline(text: string): string {
  return text.replace(/\0+$/, '').split('\0').join(' ');
}

/** The real uid from /proc/<pid>/status (`Uid:\treal\teffective\tsaved\tfs`), or undefined. */
export function parseStatusUid(text: string): number | undefined {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Boot time in seconds since the epoch, from /proc/stat's `btime` line. */
export function parseBootTime(text: string): number | null {
  const match = /^btime\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** Wall-clock start: boot time + ticks / CLK_TCK, as ISO 8601. */
export function startTimeIso(bootTimeSeconds: number, startTicks: number): string {
  const ms = bootTimeSeconds * 1000 + (startTicks * 1000) / CLOCK_TICKS_PER_SECOND;
  return new Date(Math.round(ms)).toISOString();
}
