/**
 * Stopping a process tree with the safety rules of the README ("Kill is all or nothing"): never PID
 * 1, this program, its ancestors, or another user's processes. POSIX: SIGTERM (group and each
 * member), SIGKILL after the grace period. Windows: taskkill. The platform sends either.
 */
import type { Platform, ProcessInfo } from '../platform/types.js';
import { descendants, findAncestors, isSameProcess } from './tree.js';

export interface StopOptions {
  /** How long members get after SIGTERM before SIGKILL; 0: SIGKILL at once, no SIGTERM. */
  graceMs: number;
  /** false: never signal the root's process group (default: signal it when the root leads one). */
  processGroup?: boolean;
  /**
   * Processes known to belong to the tree (seen earlier, identified by pid + start time): those
   * still alive are stopped too, with their descendants, even if they left the group or the
   * root already exited. The entry with the root's pid also pins the root's identity.
   */
  members?: readonly ProcessInfo[];
  /**
   * When this aborts during the wait after SIGTERM, SIGKILL is sent at once (an interrupted run
   * whose CI runner signalled again: it is about to be killed itself). POSIX only.
   */
  escalate?: AbortSignal;
}

export interface StopOutcome {
  /** Gone after SIGTERM within the grace period. */
  stopped: ProcessInfo[];
  /** Needed SIGKILL (Windows: everything taskkill ended). */
  killed: ProcessInfo[];
  /** Still running at the end. */
  survivors: ProcessInfo[];
  /** Left alone, with the reason as a sentence. */
  refused: Array<{ proc: ProcessInfo; reason: string }>;
}

const POLL_MS = 20;
/** How long to wait for SIGKILLed processes to disappear. */
const KILL_WAIT_MS = 2000;

/** Why a process may not be stopped: PID 1, this program, one of its ancestors, another user's, or an unreadable owner. */
export type RefusalKind = 'init' | 'self' | 'ancestor' | 'other-user' | 'owner-unknown';

/** killRefusal with the kind of refusal, for callers that advise what to do instead. */
export function classifyRefusal(
  proc: ProcessInfo,
  selfPid: number,
  selfAncestors: readonly number[],
  selfUid: number | undefined,
): { kind: RefusalKind; reason: string } | null {
  if (proc.pid <= 1) return { kind: 'init', reason: 'it is PID 1 (init), which is never stopped' };
  if (proc.pid === selfPid) return { kind: 'self', reason: 'it is single-listener-check itself' };
  if (selfAncestors.includes(proc.pid)) {
    return {
      kind: 'ancestor',
      reason: 'it is an ancestor of single-listener-check: stopping it would stop this run',
    };
  }
  if (selfUid !== undefined && proc.uid !== selfUid) {
    return proc.uid === undefined
      ? {
          kind: 'owner-unknown',
          reason: "its owner could not be read: only our own user's processes are stopped",
        }
      : {
          kind: 'other-user',
          reason: `it belongs to uid ${proc.uid}, not to us (uid ${selfUid}): another user's processes are never stopped`,
        };
  }
  return null;
}

/** Why `proc` must not be stopped, as a sentence about "it" (callers name the process), or null. */
export function killRefusal(
  proc: ProcessInfo,
  selfPid: number,
  selfAncestors: readonly number[],
  selfUid: number | undefined,
): string | null {
  return classifyRefusal(proc, selfPid, selfAncestors, selfUid)?.reason ?? null;
}

/**
 * The tree as it is now: the root (when it still runs as the process we know), the known members
 * still alive, their descendants, and the root's process group when it leads one (the group
 * signal reaches them all, so all are checked and watched).
 */
async function snapshotTree(
  platform: Platform,
  rootPid: number,
  knownMembers: readonly ProcessInfo[],
) {
  const snapshot = await platform.listProcesses();
  const running = snapshot.filter((p) => p.state !== 'exited');
  const identity = knownMembers.find((m) => m.pid === rootPid);
  const root = running.find((p) => p.pid === rootPid && (!identity || isSameProcess(p, identity)));
  const known = running.filter((p) => knownMembers.some((m) => isSameProcess(p, m)));
  const tops = [...(root ? [root] : []), ...known];
  const members = treeMembers(snapshot, tops, root ? [root] : []);
  return { snapshot, root, members };
}

/**
 * `tops` and their descendants, plus the process group of each of `leaders` that leads one (the
 * group signal reaches them all, so all are checked and watched); running processes only, each
 * once.
 */
export function treeMembers(
  snapshot: readonly ProcessInfo[],
  tops: readonly ProcessInfo[],
  leaders: readonly ProcessInfo[],
): ProcessInfo[] {
  const members = new Map<number, ProcessInfo>();
  const add = (p: ProcessInfo) => {
    if (p.state !== 'exited' && !members.has(p.pid)) members.set(p.pid, p);
  };
  for (const top of tops) {
    add(top);
    descendants(snapshot, top).forEach(add);
  }
  for (const leader of leaders.filter(leadsGroup)) {
    snapshot.filter((p) => p.pgid === leader.pid).forEach(add);
  }
  return [...members.values()];
}

/** The process leads its own process group (its pgid is its pid). */
export const leadsGroup = (p: ProcessInfo): boolean => p.pgid === p.pid;

/**
 * Every member that may not be stopped (classifyRefusal), checked against this program, its
 * ancestors (parent chain in `snapshot`) and its uid.
 */
export function refusalsFor(
  snapshot: readonly ProcessInfo[],
  members: readonly ProcessInfo[],
): Array<{ proc: ProcessInfo; reason: string; kind: RefusalKind }> {
  const ancestors = [process.ppid, ...findAncestors(snapshot, process.pid).map((p) => p.pid)];
  const uid = process.getuid?.();
  return members.flatMap((proc) => {
    const refusal = classifyRefusal(proc, process.pid, ancestors, uid);
    return refusal === null ? [] : [{ proc, ...refusal }];
  });
}

/**
 * Signals each of `groups` as a whole, and each process outside them: every process gets the
 * signal once (a second SIGTERM can run a handler twice, or mean "hurry" to some servers).
 */
function signal(
  platform: Platform,
  procs: ProcessInfo[],
  sig: 'SIGTERM' | 'SIGKILL',
  groups: readonly number[],
): Promise<void> {
  const outside = procs.filter((p) => p.pgid === undefined || !groups.includes(p.pgid));
  return platform.stopProcesses({ signal: sig, pids: outside.map((p) => p.pid), groups });
}

/**
 * The processes still alive: the same pid with the same start time, not a zombie (a reused pid
 * is not alive). One read for all where the platform offers it (each read is a PowerShell start
 * on Windows), else one per process.
 */
export async function stillAlive(platform: Platform, procs: ProcessInfo[]): Promise<ProcessInfo[]> {
  const alive = (proc: ProcessInfo, now: ProcessInfo | null | undefined) =>
    now != null && now.state !== 'exited' && isSameProcess(now, proc);
  if (platform.getProcesses) {
    const running = await platform.getProcesses(procs.map((p) => p.pid));
    return procs.filter((proc) =>
      alive(
        proc,
        running.find((p) => p.pid === proc.pid),
      ),
    );
  }
  const now = await Promise.all(procs.map((p) => platform.getProcess(p.pid)));
  return procs.filter((proc, i) => alive(proc, now[i]));
}

/**
 * Polls until every process is gone, `timeoutMs` passes or `cutShort` aborts; returns those still
 * alive.
 */
export async function waitGone(
  platform: Platform,
  procs: ProcessInfo[],
  timeoutMs: number,
  cutShort?: AbortSignal,
) {
  const deadline = Date.now() + timeoutMs;
  const pollMs = platform.livenessPollMs ?? POLL_MS;
  // A process seen gone stays gone (a reused pid has another start time): ask only for the rest.
  let left = procs;
  for (;;) {
    left = await stillAlive(platform, left);
    if (left.length === 0 || Date.now() >= deadline || cutShort?.aborted) return left;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface TerminateOptions {
  graceMs: number;
  /** Aborting it during the SIGTERM wait sends SIGKILL at once (a second cancel signal). */
  escalate?: AbortSignal;
  /** Process groups signalled as a whole (every member of each must be in `targets`, checked). */
  groups?: readonly number[];
  /** A root whose whole tree may be ended with it where the OS does that itself (taskkill /T). */
  tree?: ProcessInfo;
}

/**
 * Ends `targets`, already checked by the caller: SIGTERM, SIGKILL after `graceMs` to those still
 * alive, and at most 2 s more for the killed to disappear (stopMethod 'taskkill': ended at once,
 * no grace). Each process is
 * reported by what was read back: gone after SIGTERM, gone after SIGKILL, or still running.
 */
export async function terminate(
  platform: Platform,
  targets: ProcessInfo[],
  { graceMs, escalate, groups = [], tree }: TerminateOptions,
): Promise<Pick<StopOutcome, 'stopped' | 'killed' | 'survivors'>> {
  if (targets.length === 0) return { stopped: [], killed: [], survivors: [] };
  if (platform.stopMethod === 'taskkill') {
    const pids = targets.map((t) => t.pid);
    await platform.stopProcesses({ signal: 'SIGKILL', pids, groups: [], tree: tree?.pid });
    const survivors = await waitGone(platform, targets, Math.max(graceMs, KILL_WAIT_MS));
    return { stopped: [], killed: targets.filter((t) => !survivors.includes(t)), survivors };
  }
  // No grace, no SIGTERM: a handler that forks on SIGTERM (a daemon's) never gets to run.
  if (graceMs > 0) await signal(platform, targets, 'SIGTERM', groups);
  const afterTerm = graceMs > 0 ? await waitGone(platform, targets, graceMs, escalate) : targets;
  const stopped = targets.filter((t) => !afterTerm.includes(t));
  if (afterTerm.length === 0) return { stopped, killed: [], survivors: [] };
  await signal(platform, afterTerm, 'SIGKILL', groups);
  const survivors = await waitGone(platform, afterTerm, KILL_WAIT_MS);
  return { stopped, killed: afterTerm.filter((t) => !survivors.includes(t)), survivors };
}

/**
 * Stops `rootPid` and its tree: a snapshot first (pids with start times), refusals checked for
 * every member (the whole tree is refused when the root is), then SIGTERM, SIGKILL after
 * `graceMs` (or as soon as `escalate` aborts), and at most 2 s more for the killed to disappear.
 * Meant for the run's own tree (teardown, `stop`); the holders of a port are stopped all or
 * nothing by stopHolders instead.
 */
export async function stopProcessTree(
  platform: Platform,
  rootPid: number,
  { graceMs, processGroup = true, members: knownMembers = [], escalate }: StopOptions,
): Promise<StopOutcome> {
  const outcome: StopOutcome = { stopped: [], killed: [], survivors: [], refused: [] };
  const { snapshot, root, members } = await snapshotTree(platform, rootPid, knownMembers);
  if (members.length === 0) return outcome;
  const refused = refusalsFor(snapshot, members).map(({ proc, reason }) => ({ proc, reason }));
  const rootRefusal = refused.find((r) => r.proc === root);
  if (root !== undefined && rootRefusal !== undefined) {
    const left =
      members.length === 1
        ? 'it was left alone'
        : `its tree of ${members.length} processes was left alone`;
    const reason = `${rootRefusal.reason}; ${left}`;
    return { ...outcome, refused: [{ proc: root, reason }] };
  }
  const targets = members.filter((m) => !refused.some((r) => r.proc === m));
  // The group signal also reaches children forked after the snapshot; never when a member is
  // refused, and only for a root whose identity we verified (a dead root's pid may be reused).
  const whole = root !== undefined && refused.length === 0;
  const group = processGroup && whole && leadsGroup(root) ? [rootPid] : [];
  const ended = await terminate(platform, targets, {
    graceMs,
    escalate,
    groups: group,
    ...(whole ? { tree: root } : {}),
  });
  return { ...ended, refused };
}
