/**
 * BSD `ps` rows → ProcessInfo. Run with LC_ALL=C so `lstart` has its fixed English shape:
 * `Sun Nov  9 10:17:43 2026` (weekday, month, day, time, year — five tokens).
 */
import type { ProcessInfo } from '../types.js';

/** The command line comes last: it is the only column that contains spaces. */
const DETAIL_COLUMNS = 'pid=,ppid=,pgid=,uid=,lstart=,command=';
/**
 * The executable, alone after the pid so its spaces are unambiguous (`/Applications/Google
 * Chrome.app/…`): the command line cannot tell where a path with spaces ends.
 */
const NAME_COLUMNS = 'pid=,comm=';

export const PS_ENV = { LC_ALL: 'C' } as const;

/** Some pids, or every process (`-A`); `-ww`: never truncate. */
export function psArgs(
  selection: readonly number[] | 'all',
  columns: 'details' | 'names',
): string[] {
  const format = ['-ww', '-o', columns === 'details' ? DETAIL_COLUMNS : NAME_COLUMNS];
  return selection === 'all' ? ['-A', ...format] : [...format, '-p', selection.join(',')];
}

/** `pid comm` rows → pid to executable base name. Never throws. */
export function parsePsNames(output: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*(\d{1,10}) +(\S.*?)\s*$/.exec(line);
    if (m?.[1] && m[2]) names.set(Number(m[1]), baseName(m[2]));
  }
  return names;
}

const ROW =
  /^\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})(?:\s+(.*))?$/;

/**
 * Never throws: rows that do not have the shape above are skipped. Names come from `names`
 * (see NAME_COLUMNS), else from the command line's first word.
 */
export function parsePsRows(
  output: string,
  names: ReadonlyMap<number, string> = new Map(),
): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = ROW.exec(line);
    if (!m) continue;
    const [, pid, ppid, pgid, uid, month, day, hour, minute, second, year, command = ''] = m;
    const startedAt = localTimeToIso([year, month, day, hour, minute, second]);
    processes.push({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      uid: Number(uid),
      name: names.get(Number(pid)) ?? baseName(command.trim().split(/\s+/)[0] ?? ''),
      command: command.trimEnd(),
      startedAt,
    });
  }
  return processes.filter((p) => p.pid > 0);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * ps prints local time to the second; the ISO time is the last millisecond of that second, the
 * latest the process can have started (as on Linux), so a process of the run never shows a start
 * before the run's. null for impossible dates (Feb 31, an unknown month name).
 */
function localTimeToIso(parts: (string | undefined)[]): string | null {
  const [yearText, monthName = '', ...rest] = parts;
  const year = Number(yearText);
  const monthIndex = MONTHS.indexOf(monthName);
  const [day, hour, minute, second] = rest.map(Number) as [number, number, number, number];
  if (monthIndex < 0) return null;
  const date = new Date(year, monthIndex, day, hour, minute, second, 999);
  const roundTrips =
    date.getFullYear() === year &&
    date.getMonth() === monthIndex &&
    date.getDate() === day &&
    date.getHours() === hour &&
    date.getMinutes() === minute &&
    date.getSeconds() === second;
  return roundTrips ? date.toISOString() : null;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** pid and command line followed by the environment (`-E`), for our own processes only. */
export function psEnvironmentArgs(selection: readonly number[] | 'all'): string[] {
  const format = ['-E', '-ww', '-o', 'pid=,command='];
  return selection === 'all' ? ['-A', ...format] : [...format, '-p', selection.join(',')];
}

/** The pids whose `ps -E` row holds `marker` as a whole word. Never throws. */
export function parseMarkedPids(output: string, marker: string): number[] {
  const pids: number[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s*(\d{1,10}) (.*)$/.exec(line);
    if (m && ` ${m[2]} `.includes(` ${marker} `)) pids.push(Number(m[1]));
  }
  return pids;
}
