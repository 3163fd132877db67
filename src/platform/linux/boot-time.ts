/**
 * When the system booted, to the hundredth of a second rather than /proc/stat's whole second
 * (see latestBootTimeMs): read once, since the boot does not move (a clock step aside).
 */
import { readFileSync } from 'node:fs';
import { latestBootTimeMs, parseBootTime, parseUptime, type UptimeReading } from './proc-stat.js';

/** Readings of /proc/uptime to take: a pause in one (a busy machine) only loosens its own bounds. */
const READINGS = 5;

let latest: number | null | undefined;

/** The latest moment the system can have booted (ms since the epoch); null without /proc/stat. */
export function latestBootMs(): number | null {
  if (latest === undefined) {
    const btime = parseBootTime(readText('/proc/stat') ?? '');
    latest = btime === null ? null : latestBootTimeMs(btime, uptimeReadings());
  }
  return latest;
}

function uptimeReadings(): UptimeReading[] {
  const readings: UptimeReading[] = [];
  for (let i = 0; i < READINGS; i++) {
    const beforeMs = Date.now();
    const uptimeSeconds = parseUptime(readText('/proc/uptime') ?? '');
    const afterMs = Date.now();
    if (uptimeSeconds === null) break;
    readings.push({ beforeMs, uptimeSeconds, afterMs });
  }
  return readings;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
