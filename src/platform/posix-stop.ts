/** How Linux and macOS stop and spawn processes: signals, process groups. */
import type { Platform } from './types.js';

export const posixStopping: Pick<Platform, 'stopMethod' | 'stopProcesses' | 'spawnOptions'> = {
  stopMethod: 'signals',
  async stopProcesses({ signal, pids, groups }) {
    // Every process gets the signal once: a second SIGTERM can run a handler twice, or mean
    // "hurry" to some servers.
    for (const target of [...groups.map((g) => -g), ...pids]) {
      try {
        process.kill(target, signal);
      } catch {
        // Already gone, or not permitted: the liveness poll decides what survived.
      }
    }
  },
  // A new session: the backend leads its own process group, so the group signal reaches the
  // shell's children too.
  spawnOptions: { detached: true },
};
