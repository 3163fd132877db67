/**
 * `ready`: a socket on the port owned by the backend's tree is in the kernel's listen table, and
 * every wait-on resource answers (README's checklist). The backend's exit is awaited alongside
 * every poll, so an early exit fails at once; the address to probe comes from the listener itself,
 * never from resolving `localhost`.
 */
import type { ListenerSocket, ProcessInfo } from '../../platform/types.js';
import { deriveBaseUrl } from '../../http/base-url.js';
import { httpRequest } from '../../http/request.js';
import { checkResource } from '../../http/wait-on.js';
import { describeExit } from '../backend.js';
import { findCrashLine } from '../crash-line.js';
import { describeProcess } from '../../process/describe.js';
import { fail, logTail, pass, type ChecklistItem, type ItemOutcome } from '../item.js';
import type { ServiceRun } from '../service-run.js';
import { pause, POLL_MS } from '../../process/wait.js';

/** While a daemonized backend is awaited, how often its processes are looked for (a /proc scan). */
const MEMBERS_CHECK_MS = 250;
const DAEMON_RESCAN_MS = 50;
/** How often the wait wakes when only the watch can bring news: the progress line's pace. */
const IDLE_WAKE_MS = 100;

export const ready: ChecklistItem = {
  id: 'ready',
  title: 'Backend ready',
  async run(service) {
    const { port, readyTimeoutMs } = service.config;
    const { signal } = service.env;
    const started = performance.now();
    const deadline = started + readyTimeoutMs;
    const watch = service.watch;
    watch.start(); // attach mode: nothing started it yet
    // Node sets up its net internals at the first connect (3–6 ms): paid now, while the backend
    // starts, not after it listens. Refused or accepted, the answer is not used.
    void checkResource({ kind: 'tcp', text: '', host: '127.0.0.1', port }, 300);
    let waitingFor = `a listener on port ${port}`;
    /** Set when the start command exited 0 and left the run's processes running. */
    let daemonized: string[] | null = null;
    let membersCheckedAt = 0;

    while (performance.now() < deadline) {
      if (signal.aborted) {
        return fail('interrupted while waiting for the backend', { fatal: 'interrupted' });
      }
      const backend = service.backend;
      if (
        backend?.exit &&
        (daemonized === null || Date.now() - membersCheckedAt > MEMBERS_CHECK_MS)
      ) {
        membersCheckedAt = Date.now();
        // A start command that exits 0 while its processes live on has daemonized: keep waiting.
        // The port's holders are judged first: a daemon whose title overwrote its environment
        // (nginx) carries no readable marker and is ours only by timing.
        const left = backend.exit.code === 0 ? await daemonLeftBehind(service) : [];
        if (left.length === 0) return exitedEarly(service, daemonized !== null);
        if (daemonized === null) {
          service.mark('start command exited; its processes carry on (daemonized)');
          daemonized = left.map((p) => service.describeMember(p));
        }
      }

      const sockets = watch.current;
      let owned = service.attach ? sockets : await ownedSockets(service, sockets);
      // A new socket is in the listen table and the inventory is still walking every process's
      // open files (a busy host): the spawned tree's own files say sooner whether it listens.
      // Only readiness is decided on them; the listener items judge the full inventory. (The
      // spawned pid cannot be reused while it runs: it is our unreaped child.)
      const early = owned.length === 0 && watch.inventoryPending && backend && !backend.exit;
      if (early) {
        owned = (await socketsOfTree(service, [backend.pid])).filter((s) => s.port === port);
        await watch.note(owned);
      }
      if (owned.length > 0) {
        service.baseUrl ??= service.config.baseUrl ?? deriveBaseUrl(owned, port);
        const pending = await pendingResources(service);
        if (pending === null) {
          service.mark('ready');
          const elapsed = Math.round(performance.now() - started);
          const how = daemonized
            ? ` (the start command exited ${describeExit(backend!.exit!)} and left its server running: daemonized)`
            : '';
          return pass(`listening on ${owned.map(addressOf).join(', ')} after ${elapsed} ms${how}`, {
            details: [
              `base URL: ${service.baseUrl}`,
              ...(daemonized ?? []).map((p) => `daemonized: ${p}`),
            ],
            ...(early ? {} : { listeners: sockets }),
          });
        }
        waitingFor = pending;
      }
      const elapsedS = ((performance.now() - started) / 1000).toFixed(1);
      service.env.progress(`waiting for ${waitingFor}: ${elapsedS} s / ${readyTimeoutMs / 1000} s`);
      // Sleeps between polls whatever there is to wait on (attach mode has no backend to await).
      // With no listener of ours yet, the watch's next change wakes it: the pause only keeps the
      // progress line moving. wait-on resources are polled every POLL_MS.
      await Promise.race([
        pause(owned.length > 0 || daemonized ? POLL_MS : IDLE_WAKE_MS, signal),
        watch.changed(),
        watch.tableChanged(),
        ...(backend && !backend.exit ? [backend.exited] : []),
      ]);
    }
    return timedOut(service, waitingFor, daemonized);
  },
};

/**
 * The run's processes left after the start command exited 0. The port's holders are judged
 * first: a daemon whose title overwrote its environment (nginx) is ours only by timing. A daemon
 * between its two forks can be missed by one scan (the parent gone, the child not yet listed),
 * so an empty scan is confirmed once, a moment later.
 */
async function daemonLeftBehind(service: ServiceRun): Promise<ProcessInfo[]> {
  for (let scan = 0; scan < 2; scan++) {
    if (scan > 0) await pause(DAEMON_RESCAN_MS);
    await service.watch.refresh();
    const left = await service.liveMembers();
    if (left.length > 0) return left;
  }
  return [];
}

function exitedEarly(service: ServiceRun, wasDaemonized: boolean): ItemOutcome {
  const backend = service.backend!;
  backend.readLog();
  const summary = wasDaemonized
    ? `the start command exited (${describeExit(backend.exit!)}) and every process it left running exited before the backend was ready`
    : `backend exited before it was ready (${describeExit(backend.exit!)})`;
  const crashLine = findCrashLine(service.log?.tail() ?? []);
  return fail(summary, {
    details: logTail(service),
    ...(crashLine ? { crashLine } : {}),
    fatal: 'the backend exited before it was ready',
  });
}

/** What was seen when the time ran out: who holds the port, and where the backend listens instead. */
async function timedOut(
  service: ServiceRun,
  waitingFor: string,
  daemonized: string[] | null,
): Promise<ItemOutcome> {
  const { port, readyTimeoutMs } = service.config;
  const sockets = await service.watch.refresh();
  const members = service.attach ? [] : await service.liveMembers();
  const elsewhere = (
    await socketsOfTree(
      service,
      members.map((p) => p.pid),
    )
  ).filter((s) => s.port !== port);
  const others = sockets.filter((s) => s.processes.length > 0);
  const where =
    elsewhere.length > 0
      ? `; the backend listens on ${[...new Set(elsewhere.map(addressOf))].join(', ')}, not on port ${port}`
      : '';
  return fail(
    `not ready after ${readyTimeoutMs / 1000} s: still waiting for ${waitingFor}${where}`,
    {
      details: [
        ...(others.length > 0
          ? [
              `port ${port} is held by: ${others
                .flatMap((s) => s.processes)
                .map(describeProcess)
                .join('; ')}`,
            ]
          : [`nothing listens on port ${port}`]),
        ...elsewhere.map(
          (s) => `the backend's ${describeProcess(s.processes[0]!)} listens on ${addressOf(s)}`,
        ),
        ...(daemonized ?? []).map((p) => `daemonized: ${p}`),
        ...logTail(service),
      ],
      diagnosis:
        elsewhere.length > 0
          ? `Your backend listens on ${[...new Set(elsewhere.map((s) => s.port))].join(', ')}, not on ${port}: set \`port\` to the port it binds, or make the backend bind ${port} (its port setting or PORT variable).`
          : undefined,
      listeners: sockets,
      fatal: 'the backend never became ready',
    },
  );
}

/** The sockets these processes and their descendants listen on, any port ([] where the platform cannot say cheaply). */
async function socketsOfTree(service: ServiceRun, pids: number[]): Promise<ListenerSocket[]> {
  if (pids.length === 0) return [];
  return (await service.env.platform.listeningSocketsOf?.(pids)) ?? [];
}

async function ownedSockets(
  service: ServiceRun,
  sockets: ListenerSocket[],
): Promise<ListenerSocket[]> {
  const owned: ListenerSocket[] = [];
  for (const socket of sockets) {
    for (const proc of socket.processes) {
      if ((await service.belongs(proc)) !== null) {
        owned.push(socket);
        break;
      }
    }
  }
  return owned;
}

/**
 * Checks the wait-on resources once; returns null when all answer, else what is still awaited.
 * The default resource is the health URL (any HTTP answer: the `health` item judges its status)
 * or, without a health path, a TCP connect to the listener's own address.
 */
async function pendingResources(service: ServiceRun): Promise<string | null> {
  const { waitOn, health, port } = service.config;
  if (waitOn.length === 0) {
    const url = health ? `${service.baseUrl}${health.path}` : null;
    if (url) {
      const res = await httpRequest(url, { timeoutMs: 1000 });
      return res.ok ? null : `${url} (${res.error})`;
    }
    const host = new URL(service.baseUrl!).hostname.replace(/^\[|\]$/g, '');
    const text = `tcp:${host}:${port}`;
    const check = await checkResource({ kind: 'tcp', text, host, port }, 300);
    return check.ok ? null : `${text} (${check.detail})`;
  }
  for (const resource of waitOn) {
    const check = await checkResource(resource, 1000);
    if (!check.ok) return `${resource.text} (${check.detail})`;
  }
  return null;
}

export function addressOf(s: ListenerSocket): string {
  return s.family === 'IPv6' ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}
