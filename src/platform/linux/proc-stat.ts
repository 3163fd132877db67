/**
 * Pure parsers of /proc/<pid>/stat, /proc/<pid>/cmdline, /proc/<pid>/status, /proc/stat and
 * /proc/uptime, and the start-time arithmetic.
 */

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

/** Boot time in whole seconds since the epoch (cut, not rounded), from /proc/stat's `btime` line. */
export function parseBootTime(text: string): number | null {
  const match = /^btime\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** Seconds since boot, to the hundredth (cut), from /proc/uptime (`12345.67 23456.78`). */
export function parseUptime(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s/.exec(text);
  return match ? Number(match[1]) : null;
}

/** /proc/uptime read between two reads of the wall clock (Date.now: whole milliseconds). */
export interface UptimeReading {
  beforeMs: number;
  uptimeSeconds: number;
  afterMs: number;
}

/** How much /proc/uptime cuts off: it prints hundredths of a second. */
const UPTIME_RESOLUTION_MS = 10;

/**
 * The LATEST moment the system can have booted, in ms since the epoch. `btime` only says the
 * second (the boot lies in [btime, btime + 1 s)); each uptime reading narrows it: the boot is the
 * wall clock at the reading minus the uptime, which lies in
 * (beforeMs - uptime - 10 ms, afterMs + 1 ms - uptime]. Every bound holds however long a read
 * took, so the tightest of them are kept; readings that disagree with btime (the clock was
 * stepped in between) are not used.
 */
export function latestBootTimeMs(btimeSeconds: number, readings: readonly UptimeReading[]): number {
  const second = { from: btimeSeconds * 1000, to: btimeSeconds * 1000 + 1000 };
  let { from, to } = second;
  for (const { beforeMs, uptimeSeconds, afterMs } of readings) {
    from = Math.max(from, beforeMs - uptimeSeconds * 1000 - UPTIME_RESOLUTION_MS);
    to = Math.min(to, afterMs + 1 - uptimeSeconds * 1000);
  }
  return from <= to ? to : second.to;
}

/**
 * Wall-clock start as ISO 8601: the latest moment the process can have started, so a process is
 * never shown starting before it did (before the run that started it). The kernel counts whole
 * ticks since boot (the start lies in [ticks, ticks + 1)); with latestBootTimeMs the time shown is
 * at most the boot's uncertainty (~20 ms with an uptime reading, 1 s without) plus a tick late.
 */
export function startTimeIso(latestBootMs: number, startTicks: number): string {
  const ms = latestBootMs + ((startTicks + 1) * 1000) / CLOCK_TICKS_PER_SECOND;
  return new Date(Math.ceil(ms)).toISOString();
}
