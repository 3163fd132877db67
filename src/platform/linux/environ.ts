/**
 * The run's marker in /proc/<pid>/environ: the environment a process started with, readable for
 * our own user's processes (and by root). A process that rewrites its title (nginx, PostgreSQL,
 * setproctitle) overwrites this area: it reads as a title, not as `NAME=VALUE` entries.
 */
import { readFileSync } from 'node:fs';
import type { MarkerState } from '../types.js';
import { listPids } from './procfs.js';

function readEnviron(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
}

/** Pure: what an environ text says about the marker. */
export function environMarkerState(text: string | null, marker: string): MarkerState {
  if (text === null || text === '') return 'unreadable';
  const entries = text.split('\0');
  if (entries.includes(marker)) return 'marked';
  // A title written over the area has no `NAME=` shape in its first entry.
  return /^[^=\s]+=/.test(entries[0]!) ? 'unmarked' : 'unreadable';
}

export function markerState(pid: number, marker: string): MarkerState {
  return environMarkerState(readEnviron(pid), marker);
}

/** Pids whose environment holds the marker; one file read per process. */
export function findMarkedPids(marker: string): number[] {
  const needle = `${marker}\0`;
  return listPids().filter((pid) => {
    const text = readEnviron(pid);
    return text !== null && (text.startsWith(needle) || text.includes(`\0${needle}`));
  });
}
