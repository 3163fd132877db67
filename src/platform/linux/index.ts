/** The Linux platform: /proc only, no external command (README, "Platforms"). */
import { posixStopping } from '../posix-stop.js';
import type { Platform } from '../types.js';
import { connectionOwner } from './connection-owner.js';
import { findMarkedPids, markerState } from './environ.js';
import { listeningSocketsOf, listListeners } from './listeners.js';
import { listPids, readProcess } from './procfs.js';
import { listeningSocketIds } from './socket-ids.js';

export const linuxPlatform: Platform = {
  name: 'linux',
  // A poll reads two socket counters (a few µs); a listen table only when they moved (socket-ids.ts).
  watchPollMs: 10,
  watchIdlePollMs: 25,
  listListeners: (port) => listListeners(port),
  listSocketIds: async (port) => listeningSocketIds(port),
  listeningSocketsOf: async (pids) => listeningSocketsOf(pids),
  markerState: async (pid, marker) => markerState(pid, marker),
  findMarked: async (marker) => findMarkedPids(marker).flatMap((pid) => readProcess(pid) ?? []),
  getProcess: async (pid) => readProcess(pid),
  listProcesses: async () => listPids().flatMap((pid) => readProcess(pid) ?? []),
  connectionOwner,
  ...posixStopping,
};
