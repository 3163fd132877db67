/** Polling helpers: the listen table is the source of truth, read often and cheaply. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ListenerSocket, Platform } from '../platform/types.js';

/** How often the listen table is re-read while waiting (on Linux a read with no LISTEN row costs about 1 ms). */
export const POLL_MS = 10;

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Polls until no socket listens on the port, apart from those `unawaited` accepts (sockets that
 * are not ours to free); returns what still listens at the end ([] = free).
 */
export async function waitForPortFree(
  platform: Platform,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
  unawaited: (socket: ListenerSocket) => boolean = () => false,
): Promise<ListenerSocket[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await platform.listListeners(port);
    if (held.every(unawaited) || Date.now() >= deadline || signal?.aborted) return held;
    await pause(POLL_MS * 2, signal);
  }
}
