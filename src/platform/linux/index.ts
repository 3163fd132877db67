/** The Linux platform: /proc only, no external command (README, "Platforms"). */
import { posixStopping } from '../posix-stop.js';
import type { Platform } from '../types.js';
import { connectionOwner } from './connection-owner.js';
import { findMarkedPids, markerState } from './environ.js';
import { readListenRows } from './listen-table.js';
import { listeningSocketsOf, listListeners } from './listeners.js';
import { listPids, readProcess } from './procfs.js';

export const linuxPlatform: Platform = {
  name: 'linux',
  // A read of the listening section costs well under a millisecond, even on a busy host.
  watchPollMs: 10,
  listListeners: async (port) => listListeners(port),
  listSocketIds: async (port) => readListenRows(port).map((row) => row.inode),
  listeningSocketsOf: async (pids) => listeningSocketsOf(pids),
  markerState: async (pid, marker) => markerState(pid, marker),
  findMarked: async (marker) => findMarkedPids(marker).flatMap((pid) => readProcess(pid) ?? []),
  getProcess: async (pid) => readProcess(pid),
  listProcesses: async () => listPids().flatMap((pid) => readProcess(pid) ?? []),
  connectionOwner,
  ...posixStopping,
};
