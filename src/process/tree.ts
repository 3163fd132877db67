/** Process trees by parent chain, guarded against PID reuse with start times. */
import type { Platform, ProcessInfo } from '../platform/types.js';

const startMs = (p: ProcessInfo) => (p.startedAt === null ? null : Date.parse(p.startedAt));

/**
 * How far two programs' reads of one process's start time may differ: each derives Linux's boot
 * time from its own uptime readings (platform/linux/boot-time.ts). No pid comes back this soon.
 */
const SAME_START_SLACK_MS = 100;

/** Same process: same pid and same start time (a reused pid has a later start). Unknown starts match. */
export function isSameProcess(a: ProcessInfo, b: ProcessInfo): boolean {
  if (a.pid !== b.pid) return false;
  const [startA, startB] = [startMs(a), startMs(b)];
  return startA === null || startB === null || Math.abs(startA - startB) <= SAME_START_SLACK_MS;
}

/** A child cannot start before its parent: one that seems to has a parent pid that was reused. */
function startedNotBefore(child: ProcessInfo, parent: ProcessInfo): boolean {
  const [childStart, parentStart] = [startMs(child), startMs(parent)];
  return childStart === null || parentStart === null || childStart >= parentStart;
}

/** Every descendant of `root` (breadth first, root excluded). */
export function descendants(processes: readonly ProcessInfo[], root: ProcessInfo): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) {
    if (p.ppid === null || p.pid === p.ppid) continue;
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const found: ProcessInfo[] = [];
  const seen = new Set([root.pid]);
  const queue = [root];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const child of children.get(parent.pid) ?? []) {
      if (seen.has(child.pid) || !startedNotBefore(child, parent)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The parent chain of `pid`, nearest first, ending at a process without a known parent. */
export function findAncestors(processes: readonly ProcessInfo[], pid: number): ProcessInfo[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const chain: ProcessInfo[] = [];
  for (
    let p = byPid.get(byPid.get(pid)?.ppid ?? -1);
    p !== undefined;
    p = byPid.get(p.ppid ?? -1)
  ) {
    if (chain.includes(p)) break;
    chain.push(p);
  }
  return chain;
}

/** The running process at `pid` and its descendants, from the platform's current process list. */
export async function readProcessTree(
  platform: Platform,
  rootPid: number,
): Promise<{ root: ProcessInfo; descendants: ProcessInfo[]; all: ProcessInfo[] } | null> {
  const all = await platform.listProcesses();
  const root = all.find((p) => p.pid === rootPid && p.state !== 'exited');
  return root === undefined ? null : { root, descendants: descendants(all, root), all };
}

/** The processes whose parent is not among them: gunicorn's master, not its workers. */
export function topmost(processes: readonly ProcessInfo[]): ProcessInfo[] {
  const pids = new Set(processes.map((p) => p.pid));
  return processes.filter((p) => p.ppid === null || !pids.has(p.ppid));
}
