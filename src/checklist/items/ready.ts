/**
 * `ready`: a socket on the port owned by the backend's tree is in the kernel's listen table, and
 * every wait-on resource answers (SPEC §3). The backend's exit is awaited alongside every poll,
 * so an early exit fails at once; the address to probe comes from the listener itself, never
 * from resolving `localhost`.
 */
import { performance } from 'node:perf_hooks';
import type { ListenerSocket } from '../../platform/types.js';
import { deriveBaseUrl } from '../../http/base-url.js';
import { httpRequest } from '../../http/request.js';
import { checkResource, parseWaitOnResource } from '../../http/wait-on.js';
import { describeExit } from '../backend.js';
import { describeProcess } from '../../process/describe.js';
import { fail, logTail, pass, type ChecklistItem } from '../item.js';
import type { ServiceRun } from '../service-run.js';
import { pause, POLL_MS } from '../wait.js';

export const ready: ChecklistItem = {
  id: 'ready',
  title: 'Backend ready',
  async run(service) {
    const { port, readyTimeoutMs } = service.config;
    const started = performance.now();
    const deadline = started + readyTimeoutMs;
    let lastSeen: ListenerSocket[] = [];
    let waitingFor = `a listener on port ${port}`;

    while (performance.now() < deadline) {
      const exit = service.backend?.exit;
      if (exit) {
        service.backend!.readLog();
        return fail(`backend exited before it was ready (${describeExit(exit)})`, {
          details: logTail(service),
          fatal: 'the backend exited before it was ready',
        });
      }
      if (service.env.signal.aborted) {
        return fail('interrupted while waiting for the backend', { fatal: 'interrupted' });
      }

      lastSeen = await service.env.platform.listListeners(port);
      const owned = service.attach ? lastSeen : await ownedSockets(service, lastSeen);
      if (owned.length > 0) {
        service.baseUrl ??= service.config.baseUrl ?? deriveBaseUrl(owned, port);
        const pending = await pendingResources(service);
        if (pending === null) {
          service.listeners = lastSeen;
          service.mark('ready');
          const elapsed = Math.round(performance.now() - started);
          return pass(`listening on ${owned.map(addressOf).join(', ')} after ${elapsed} ms`, {
            details: [`base URL: ${service.baseUrl}`],
            listeners: lastSeen,
          });
        }
        waitingFor = pending;
      }
      const elapsedS = ((performance.now() - started) / 1000).toFixed(1);
      service.env.progress(`waiting for ${waitingFor}: ${elapsedS} s / ${readyTimeoutMs / 1000} s`);
      await Promise.race([pause(POLL_MS, service.env.signal), service.backend?.exited]);
    }

    const others = lastSeen.filter((s) => s.processes.length > 0);
    return fail(`not ready after ${readyTimeoutMs / 1000} s: still waiting for ${waitingFor}`, {
      details: [
        ...(others.length > 0
          ? [
              `port ${port} is held by: ${others
                .flatMap((s) => s.processes)
                .map(describeProcess)
                .join('; ')}`,
            ]
          : [`nothing listens on port ${port}`]),
        ...logTail(service),
      ],
      listeners: lastSeen,
      fatal: 'the backend never became ready',
    });
  },
};

async function ownedSockets(
  service: ServiceRun,
  sockets: ListenerSocket[],
): Promise<ListenerSocket[]> {
  const owned: ListenerSocket[] = [];
  for (const socket of sockets) {
    for (const proc of socket.processes) {
      if (await service.inTree(proc)) {
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
    const resource =
      url ?? `tcp:${new URL(service.baseUrl!).hostname.replace(/^\[|\]$/g, '')}:${port}`;
    if (url) {
      const res = await httpRequest(url, { timeoutMs: 1000 });
      return res.ok ? null : `${url} (${res.error})`;
    }
    const check = await checkResource(parseWaitOnResource(resource, service.config.cwd), 300);
    return check.ok ? null : `${resource} (${check.detail})`;
  }
  for (const text of waitOn) {
    const check = await checkResource(parseWaitOnResource(text, service.config.cwd), 1000);
    if (!check.ok) return `${text} (${check.detail})`;
  }
  return null;
}

function addressOf(s: ListenerSocket): string {
  return s.family === 'IPv6' ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}
