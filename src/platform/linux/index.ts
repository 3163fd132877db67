/** The Linux platform: /proc only, no external command (SPEC §8). */
import type { Platform } from '../types.js';
import { listListeners } from './listeners.js';
import { listPids, readProcess } from './procfs.js';

export const linuxPlatform: Platform = {
  name: 'linux',
  listListeners: async (port) => listListeners(port),
  getProcess: async (pid) => readProcess(pid),
  listProcesses: async () => listPids().flatMap((pid) => readProcess(pid) ?? []),
};
