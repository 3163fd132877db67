/**
 * Likely cause and fix for a failing listener item, in plain sentences, from what was measured
 * (SPEC §3.1).
 */
import { knownSystemHolder } from '../platform/darwin/known-holders.js';
import type { ListenerSocket, ProcessInfo } from '../platform/types.js';
import { describeProcess } from '../process/describe.js';
import { formatAge } from '../report/age.js';
import type { ServiceRun } from './service-run.js';

/** A holder younger than this may belong to a concurrent run, not a forgotten one. */
const RECENT_MS = 60_000;

/** Why the port holds more (or other) listeners than it should. */
export function diagnoseHolders(
  sockets: ListenerSocket[],
  service: ServiceRun,
): string | undefined {
  const { port } = service.config;
  const holders = uniqueHolders(sockets);
  const sentences: string[] = [];

  for (const p of holders) {
    const system = knownSystemHolder(p, port);
    if (system) sentences.push(system);
  }

  const stale = holders.filter(
    (p) =>
      p.startedAt !== null &&
      new Date(p.startedAt) < service.env.startedAtWall &&
      !isOurs(p, service),
  );
  for (const p of stale.slice(0, 3)) {
    const age = service.env.startedAtWall.getTime() - Date.parse(p.startedAt!);
    const concurrent =
      age < RECENT_MS ? `, or the server of another run using port ${port} right now` : '';
    sentences.push(
      `${describeProcess(p)}, started ${formatAge(p.startedAt!)}, is a stale server from an earlier run${concurrent}; stop it if it is yours (\`single-listener-check free --port ${port} --kill\`) or set \`on-conflict: kill\`${concurrent ? ', and give concurrent runs their own ports' : ''}.`,
    );
  }

  const byAddress = new Map<string, number>();
  for (const s of sockets)
    byAddress.set(`${s.family} ${s.address}`, (byAddress.get(`${s.family} ${s.address}`) ?? 0) + 1);
  if ([...byAddress.values()].some((n) => n > 1)) {
    sentences.push(
      'Several sockets are bound to the same address: they were bound with SO_REUSEPORT (or SO_REUSEADDR on Windows), and the kernel spreads connections between them — this is the intermittent 404.',
    );
  }

  const v4 = sockets.filter((s) => s.family === 'IPv4');
  const v6 = sockets.filter((s) => s.family === 'IPv6');
  const pidsOf = (list: ListenerSocket[]) =>
    new Set(list.flatMap((s) => s.processes.map((p) => p.pid)));
  const v4Pids = pidsOf(v4);
  if (v4.length > 0 && v6.length > 0 && [...pidsOf(v6)].every((pid) => !v4Pids.has(pid))) {
    sentences.push(
      'An IPv4 and an IPv6 socket are held by different processes: `localhost` reaches `::1` first in Node 17+ and `127.0.0.1` in curl, so clients see different servers.',
    );
  }

  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

/** Names survivors of teardown and, for those that left the backend's tree, their parent chain. */
export async function diagnoseSurvivors(
  service: ServiceRun,
  survivors: ProcessInfo[],
): Promise<string | undefined> {
  if (survivors.length === 0) return undefined;
  const sentences: string[] = [];
  for (const p of survivors.slice(0, 3)) {
    const chain = await parentChain(service, p);
    sentences.push(
      `${describeProcess(p)} survived teardown; parent chain: ${chain}. It left the backend's process group (daemonized, e.g. \`-D\`/\`--daemon\`, \`nohup … &\`, \`setsid\`): keep the server in the foreground so it can be stopped, and free the port now with \`single-listener-check free --port ${service.config.port} --kill\`.`,
    );
  }
  return sentences.join(' ');
}

async function parentChain(service: ServiceRun, p: ProcessInfo): Promise<string> {
  const chain = [`${p.pid}`];
  let ppid = p.ppid;
  for (let hops = 0; ppid !== null && ppid > 0 && hops < 16; hops++) {
    const parent = await service.env.platform.getProcess(ppid);
    chain.push(parent ? `${parent.pid} (${parent.name})` : `${ppid}`);
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

function isOurs(p: ProcessInfo, service: ServiceRun): boolean {
  return service.tree.has(p.pid);
}
