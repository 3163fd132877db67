/**
 * A scripted Platform for millisecond tests: give what the test is about, the rest is derived
 * (socket ids from listListeners, processes from listProcesses) or empty (no marker anywhere).
 */
import type { Platform } from '../../src/platform/types.js';

export function fakePlatform(
  parts: Partial<Platform> & Pick<Platform, 'listListeners' | 'listProcesses'>,
): Platform {
  return {
    name: 'linux',
    watchPollMs: 10,
    getProcess: async (pid) => (await parts.listProcesses()).find((p) => p.pid === pid) ?? null,
    listSocketIds: async (port) => (await parts.listListeners(port)).map((s) => s.socketId),
    listeningSocketsOf: async () => [],
    markerState: async () => 'unmarked',
    findMarked: async () => [],
    ...parts,
  };
}
