/** Polling helpers: the listen table is the source of truth, read often and cheaply. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ListenerSocket, Platform } from '../platform/types.js';

/** How often the listen table is re-read while waiting (a read with no LISTEN row is ~0.1 ms on Linux). */
export const POLL_MS = 10;

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** Polls until no socket listens on the port; returns what still listens at the deadline ([] = free). */
export async function waitForPortFree(
  platform: Platform,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ListenerSocket[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await platform.listListeners(port);
    if (held.length === 0 || Date.now() >= deadline || signal?.aborted) return held;
    await pause(POLL_MS * 2, signal);
  }
}
