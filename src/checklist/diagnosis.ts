/**
 * Likely cause and fix for a failing listener item, in plain sentences, from what was measured
 * (README, "The checklist"). Holders are described per listener (one server: a gunicorn
 * master and its workers, one process on `0.0.0.0` + `[::]`), never per process.
 */
import type { Family, ListenerSocket, ProcessInfo } from '../platform/types.js';
import { describeHolders, formatEndpoint } from '../process/describe.js';
import { descendants, topmost } from '../process/tree.js';
import { formatAge } from '../format/age.js';
import { groupListeners } from './listener-count.js';
import type { ServiceRun } from './service-run.js';

/** A holder younger than this may belong to a concurrent run, not a forgotten one. */
const RECENT_MS = 60_000;
/** At most this many listeners or survivors are described one by one. */
const MAX_DESCRIBED = 3;

/**
 * One phrase per listener, in the order of groupListeners: `pid 10599 (gunicorn -w 2 app:app)
 * and 2 workers on 0.0.0.0:5000`; a socket whose holder could not be read says why:
 * `[::]:5000: owner unknown (permission denied …)`, and so does one whose named holder is not
 * known for sure: `pid 88 (httpd) on [::]:80, owner unknown (netstat lists this listener …)`.
 */
export function describeListeners(sockets: ListenerSocket[]): string[] {
  return groupListeners(sockets).map(describeListener);
}

/** One listener (one group of `groupListeners`): its holders and where it listens. */
export function describeListener(listener: ListenerSocket[]): string {
  const where = [...new Set(listener.map((s) => formatEndpoint(s.address, s.port)))].join(' and ');
  const processes = listener.flatMap((s) => s.processes);
  if (processes.length === 0) {
    const reasons = [...new Set(listener.map((s) => s.ownerUnknown ?? 'not readable'))];
    return `${where}: owner unknown (${reasons.join('; ')})`;
  }
  // A holder named without its holders being known for sure (a pid only netstat named on macOS,
  // an exited creator on Windows) keeps the reason: the view was partial.
  const partial = [...new Set(listener.flatMap((s) => (s.ownerUnknown ? [s.ownerUnknown] : [])))];
  const unknown = partial.length > 0 ? `, owner unknown (${partial.join('; ')})` : '';
  return `${describeHolders(processes)} on ${where}${unknown}`;
}

/** Why the port holds more (or other) listeners than it should. */
export function diagnoseHolders(
  sockets: ListenerSocket[],
  service: ServiceRun,
): string | undefined {
  const { port } = service.config;
  const listeners = groupListeners(sockets);
  const sentences: string[] = [];

  for (const p of uniqueHolders(sockets)) {
    const system = service.env.platform.knownHolder?.(p, port);
    if (system) sentences.push(system);
  }

  if (service.attach) {
    // The attached server was started elsewhere on purpose: none of them is "stale", and
    // on-conflict (or `free --kill`) would stop the server under test too.
    if (listeners.length > 1) {
      sentences.push(
        `${listeners.length} servers listen on port ${port}: ${listeners.map(describeListener).join('; ')}. In attach mode every one of them was started outside this run; stop the ones that should not be there, or move them to another port.`,
      );
    }
  } else {
    const stale = listeners.flatMap((listener) => {
      const holders = uniqueHolders(listener);
      const started = startOf(holders);
      const ours = holders.some((p) => service.ruleOf(p) !== null);
      return started !== null && started < service.env.startedAtWall && !ours
        ? [{ listener, started }]
        : [];
    });
    for (const { listener, started } of stale.slice(0, MAX_DESCRIBED)) {
      const age = service.env.startedAtWall.getTime() - started.getTime();
      const concurrent =
        age < RECENT_MS ? `, or the server of another run using port ${port} right now` : '';
      sentences.push(
        `${describeListener(listener)}, started ${formatAge(started.toISOString())}, is a stale server from an earlier run${concurrent}; stop it if it is yours (\`single-listener-check free --port ${port} --kill\`) or set \`on-conflict: kill\`${concurrent ? ', and give concurrent runs their own ports' : ''}.`,
      );
    }
    if (stale.length > MAX_DESCRIBED)
      sentences.push(`${stale.length - MAX_DESCRIBED} more stale server(s) hold the port.`);
  }

  // Several sockets on one address are only a problem when different servers hold them.
  const listenerOf = new Map<ListenerSocket, number>();
  listeners.forEach((l, i) => l.forEach((s) => listenerOf.set(s, i)));
  const listenersByAddress = new Map<string, Set<number>>();
  for (const s of sockets) {
    const key = `${s.family} ${s.address}`;
    const set = listenersByAddress.get(key) ?? new Set<number>();
    set.add(listenerOf.get(s)!);
    listenersByAddress.set(key, set);
  }
  if ([...listenersByAddress.values()].some((set) => set.size > 1)) {
    sentences.push(
      'Several servers are bound to the same address: they were bound with SO_REUSEPORT (or SO_REUSEADDR on Windows), and the kernel spreads connections between them — this is the intermittent 404.',
    );
  }

  const families = listeners.map((l) => new Set(l.map((s) => s.family)));
  const only = (family: Family) => families.some((f) => f.size === 1 && f.has(family));
  if (only('IPv4') && only('IPv6')) {
    sentences.push(
      'An IPv4 and an IPv6 socket are held by different processes: `localhost` reaches `::1` first in Node 17+ and `127.0.0.1` in curl, so clients see different servers.',
    );
  }

  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

/** Names survivors of teardown per server (a master and its workers once), with their parent chain. */
export async function diagnoseSurvivors(
  service: ServiceRun,
  survivors: ProcessInfo[],
): Promise<string | undefined> {
  if (survivors.length === 0) return undefined;
  const unique = [...new Map(survivors.map((p) => [p.pid, p])).values()];
  const servers = topmost(unique);
  const sentences: string[] = [];
  for (const top of servers.slice(0, MAX_DESCRIBED)) {
    const chain = await parentChain(service, top);
    const server = describeHolders([top, ...descendants(unique, top)]);
    sentences.push(
      `${server} survived teardown; parent chain: ${chain}. It left the backend's process group (daemonized: e.g. gunicorn \`--daemon\`/\`-D\`, \`setsid\`, \`nohup … &\`, a trailing \`&\` as in \`python -m http.server &\`): keep the server in the foreground so it can be stopped, and free the port now with \`single-listener-check free --port ${service.config.port} --kill\`.`,
    );
  }
  if (servers.length > MAX_DESCRIBED)
    sentences.push(`${servers.length - MAX_DESCRIBED} more process(es) survived.`);
  return sentences.join(' ');
}

async function parentChain(service: ServiceRun, p: ProcessInfo): Promise<string> {
  const chain = [`${p.pid}`];
  let ppid = p.ppid;
  for (let hops = 0; ppid !== null && ppid > 0 && hops < 16; hops++) {
    const parent = await service.env.platform.getProcess(ppid);
    chain.push(parent ? `${parent.pid} (${parent.name || 'name unreadable'})` : `${ppid}`);
    if (!parent || ppid === 1) break;
    ppid = parent.ppid;
  }
  return chain.join(' ← ');
}

export function uniqueHolders(sockets: ListenerSocket[]): ProcessInfo[] {
  const byPid = new Map<number, ProcessInfo>();
  for (const s of sockets) for (const p of s.processes) byPid.set(p.pid, p);
  return [...byPid.values()];
}

/** When a server started: its earliest known holder start (the master, before its workers). */
function startOf(holders: ProcessInfo[]): Date | null {
  const starts = holders.flatMap((p) => (p.startedAt === null ? [] : [Date.parse(p.startedAt)]));
  return starts.length === 0 ? null : new Date(Math.min(...starts));
}
