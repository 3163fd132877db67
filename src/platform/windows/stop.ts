/** How Windows stops and spawns processes: no signals, so taskkill /F through the command runner. */
import type { RunCommand } from '../run-command.js';
import type { Platform } from '../types.js';

export function windowsStopping(
  run: RunCommand,
): Pick<Platform, 'stopMethod' | 'stopProcesses' | 'spawnOptions'> {
  return {
    stopMethod: 'taskkill',
    async stopProcesses({ pids, tree }) {
      // /T: the root with its whole tree; otherwise each pid alone.
      const args =
        tree === undefined
          ? pids.flatMap((pid) => ['/PID', String(pid)])
          : ['/PID', String(tree), '/T'];
      if (args.length === 0) return;
      // A pid already gone makes taskkill exit non-zero: the liveness read decides, as on POSIX.
      await run('taskkill', [...args, '/F']).catch(() => undefined);
    },
    // No process groups: `detached` would open a console window for the backend.
    spawnOptions: { detached: false },
  };
}
