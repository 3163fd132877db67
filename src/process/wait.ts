/** Polling helpers: the listen table is the source of truth, read often and cheaply. */
import type { ListenerSocket, Platform } from '../platform/types.js';

/** How often the listen table is re-read while waiting (on Linux a read with no LISTEN row costs about 1 ms). */
export const POLL_MS = 10;

/**
 * Resolves after `ms`, or early (without throwing) when the signal aborts. The global timer (and
 * the global `performance` where the checklist measures time), not node:timers/promises: the
 * runner's fake-platform tests drive these with jest's fake clock.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
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
