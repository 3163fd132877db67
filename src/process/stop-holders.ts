/**
 * Stopping the holders of a port, all or nothing (docs/reliability.md): the one path of
 * `on-conflict: kill` and `free --kill`. A plan comes first: every process holding every socket on
 * the port, and every member of their trees, checked with the rules of killRefusal; a socket whose
 * holders cannot be read is refused too. When anything is refused nothing is signalled. Otherwise
 * all are stopped (SIGTERM, SIGKILL after the grace period) and the listen table is read back:
 * only what was read back is reported (gone processes, a free port).
 */
import type { ListenerSocket, Platform, ProcessInfo } from '../platform/types.js';
import { describeProcess, formatEndpoint } from './describe.js';
import {
  leadsGroup,
  refusalsFor,
  terminate,
  treeMembers,
  type RefusalKind,
  type StopOutcome,
} from './stop.js';
import { descendants, isSameProcess, topmost } from './tree.js';
import { waitForPortFree } from './wait.js';

/** One process the plan would signal, and why it is in the plan. */
export interface PlannedProcess {
  proc: ProcessInfo;
  /** 'holder': it holds a socket on the port; otherwise it is in the tree of holder `of`. */
  role: 'holder' | 'descendant' | 'group';
  /** The holder whose tree brought it in (its own pid for a holder). */
  of: number;
}

/** Why the plan may not be carried out: a process that may not be stopped, or an unreadable socket. */
export type HolderRefusal =
  | (PlannedProcess & { kind: RefusalKind; reason: string })
  | { kind: 'socket-owner-unknown'; socket: ListenerSocket; reason: string };

export interface HoldersPlan {
  port: number;
  /** The sockets the plan was made for (the listen table as the caller read it). */
  sockets: ListenerSocket[];
  /** Every process that would be signalled: the holders running now and their trees. */
  members: PlannedProcess[];
  /** Process groups led by a holder: signalled as a whole (every member is in `members`). */
  groups: number[];
  /** Empty: every member may be stopped. Otherwise nothing is signalled. */
  refused: HolderRefusal[];
}

export interface StopHoldersOptions {
  /** How long the processes get after SIGTERM before SIGKILL. */
  graceMs: number;
  /** How long to wait for the port to be read back free after the stop (default: graceMs). */
  portTimeoutMs?: number;
  /** Ends the wait for the port early (the listen table is still read once). */
  signal?: AbortSignal;
}

export interface StopHoldersOutcome extends Pick<StopOutcome, 'stopped' | 'killed' | 'survivors'> {
  plan: HoldersPlan;
  /** false: the plan was refused and no process was signalled. */
  signalled: boolean;
  /** The listen table read back at the end. */
  held: ListenerSocket[];
  /** The port was read back with no listening socket. */
  free: boolean;
}

/** The processes holding the sockets, each once, as listed. */
function listedHolders(sockets: readonly ListenerSocket[]): ProcessInfo[] {
  const byPid = new Map<number, ProcessInfo>();
  for (const s of sockets) for (const p of s.processes) if (!byPid.has(p.pid)) byPid.set(p.pid, p);
  return [...byPid.values()];
}

/**
 * What stopping the holders of `sockets` would signal, and what forbids it. Holders that no longer
 * run (as the same process) are left out: the read-back after the stop decides about them.
 */
export async function planStopHolders(
  platform: Platform,
  sockets: ListenerSocket[],
): Promise<HoldersPlan> {
  const port = sockets[0]?.port ?? 0;
  const snapshot = await platform.listProcesses();
  const running = snapshot.filter((p) => p.state !== 'exited');
  const holders = listedHolders(sockets).flatMap((h) => {
    const now = running.find((p) => isSameProcess(p, h));
    return now === undefined ? [] : [now];
  });
  const isHolder = (p: ProcessInfo) => holders.some((h) => h.pid === p.pid);
  // Topmost holders first, so a worker's tree is attributed to its master.
  const tops = topmost(holders);
  const members = new Map<number, PlannedProcess>();
  for (const holder of [...tops, ...holders.filter((h) => !tops.includes(h))]) {
    const below = new Set(descendants(snapshot, holder).map((p) => p.pid));
    for (const proc of treeMembers(snapshot, [holder], [holder])) {
      if (members.has(proc.pid)) continue;
      const role = isHolder(proc) ? 'holder' : below.has(proc.pid) ? 'descendant' : 'group';
      members.set(proc.pid, { proc, role, of: role === 'holder' ? proc.pid : holder.pid });
    }
  }
  const planned = [...members.values()];
  const refused: HolderRefusal[] = refusalsFor(
    snapshot,
    planned.map((m) => m.proc),
  ).map(({ proc, kind, reason }) => ({ ...members.get(proc.pid)!, kind, reason }));
  for (const socket of sockets) {
    if (socket.processes.length > 0 && socket.ownerUnknown === undefined) continue;
    const reason = socket.ownerUnknown ?? 'no process was found holding it';
    refused.push({ kind: 'socket-owner-unknown', socket, reason });
  }
  const groups = [...new Set(holders.filter(leadsGroup).map((h) => h.pid))];
  return { port, sockets, members: planned, groups, refused };
}

/**
 * Stops every holder of `sockets` (one port's listen table) and their trees, or none: see the
 * module comment. `stopped`/`killed` hold only processes read back as gone; `free` is true only
 * when the listen table was read back empty within `portTimeoutMs`.
 */
export async function stopHolders(
  platform: Platform,
  sockets: ListenerSocket[],
  { graceMs, portTimeoutMs = graceMs, signal }: StopHoldersOptions,
): Promise<StopHoldersOutcome> {
  const plan = await planStopHolders(platform, sockets);
  if (sockets.length === 0) {
    return { plan, signalled: false, stopped: [], killed: [], survivors: [], held: [], free: true };
  }
  if (plan.refused.length > 0) {
    const held = await platform.listListeners(plan.port);
    const nothing = { stopped: [], killed: [], survivors: [] };
    return { plan, signalled: false, ...nothing, held, free: held.length === 0 };
  }
  const targets = plan.members.map((m) => m.proc);
  const ended = await terminate(platform, targets, { graceMs, groups: plan.groups });
  // A survivor of SIGKILL keeps its sockets: no use waiting for the port.
  const held =
    ended.survivors.length > 0
      ? await platform.listListeners(plan.port)
      : await waitForPortFree(platform, plan.port, portTimeoutMs, signal);
  return { plan, signalled: true, ...ended, held, free: held.length === 0 };
}

// --- Messages, shared by port-free and `free` -----------------------------------------------

const counted = (n: number, total: number, noun: string, nouns = `${noun}s`) =>
  `${n} of ${total} ${total === 1 ? noun : nouns}`;

/**
 * Why the plan was refused, as one clause: `2 of 3 holders of port 8080 may not be stopped`,
 * `the owner of 1 of 2 sockets on port 8080 could not be read`.
 */
export function refusalSummary(plan: HoldersPlan): string {
  const procs = plan.refused.filter((r) => r.kind !== 'socket-owner-unknown');
  const sockets = plan.refused.length - procs.length;
  const holders = plan.members.filter((m) => m.role === 'holder');
  const refusedHolders = procs.filter((r) => r.role === 'holder').length;
  const refusedOthers = procs.length - refusedHolders;
  const parts: string[] = [];
  if (refusedHolders > 0) {
    parts.push(`${counted(refusedHolders, holders.length, 'holder')} of port ${plan.port}`);
  }
  if (refusedOthers > 0) {
    const others = plan.members.length - holders.length;
    const where =
      refusedHolders > 0 ? 'in their trees' : `in the trees of port ${plan.port}'s holders`;
    parts.push(`${counted(refusedOthers, others, 'other process', 'other processes')} ${where}`);
  }
  const clauses = parts.length > 0 ? [`${parts.join(' and ')} may not be stopped`] : [];
  if (sockets > 0) {
    clauses.push(
      `the owner of ${counted(sockets, plan.sockets.length, 'socket')} on port ${plan.port} could not be read`,
    );
  }
  return clauses.join('; ');
}

/** The process named with its place in the plan: `pid 7 (sleep 300), a descendant of holder pid 5`. */
function subject(r: PlannedProcess): string {
  const named = describeProcess(r.proc);
  if (r.role === 'holder') return named;
  return `${named}, ${r.role === 'descendant' ? 'a descendant of' : 'in the process group of'} holder pid ${r.of}`;
}

/**
 * One sentence per refusal: `pid 4242 (nginx: worker process) belongs to uid 65534, not to us
 * (uid 0): another user's processes are never stopped`.
 */
export function refusalLines(plan: HoldersPlan): string[] {
  return plan.refused.map((r) => {
    if (r.kind === 'socket-owner-unknown') {
      return `the owner of socket ${formatEndpoint(r.socket.address, r.socket.port)} could not be read (${r.reason})`;
    }
    // `it …` / `its owner …` are sentences about the process: name it in their place.
    const who = subject(r);
    const comma = r.role === 'holder' ? '' : ',';
    if (r.reason.startsWith('its owner ')) {
      return `the owner of ${who}${comma} ${r.reason.slice('its owner '.length)}`;
    }
    if (r.reason.startsWith('it ')) return `${who}${comma} ${r.reason.slice('it '.length)}`;
    return `${who}: ${r.reason}`;
  });
}

/**
 * How to free the port instead, in plain sentences, for a refused plan (never `on-conflict: kill`
 * or `free --kill`: they were just refused, and would be again).
 */
export function refusalAdvice(plan: HoldersPlan): string {
  const kinds = new Set(plan.refused.map((r) => r.kind));
  const sentences: string[] = [];
  if (kinds.has('other-user')) {
    const uids = [
      ...new Set(plan.refused.flatMap((r) => (r.kind === 'other-user' ? [r.proc.uid] : []))),
    ];
    const pids = topmost(plan.members.map((m) => m.proc)).map((p) => p.pid);
    sentences.push(
      `Another user's processes are never stopped: stop them yourself, as their owner (uid ${uids.join(', ')}) or as root (\`sudo kill ${pids.join(' ')}\`).`,
    );
  }
  if (kinds.has('owner-unknown') || kinds.has('socket-owner-unknown')) {
    sentences.push(
      `A holder whose owner cannot be read is never stopped: look as root (\`sudo single-listener-check listeners --port ${plan.port}\`) and stop it as its owner.`,
    );
  }
  if (kinds.has('self') || kinds.has('ancestor') || kinds.has('init')) {
    sentences.push(
      'The port is held by single-listener-check itself, a process that runs it, or PID 1: close that listener before the check starts.',
    );
  }
  sentences.push(`Or give the backend a port nothing holds (port ${plan.port} is taken).`);
  return sentences.join(' ');
}
