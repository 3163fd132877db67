// Machine load for the inventory benchmark: N idle `sleep 600` processes, each optionally holding
// extra open files, all in one process group that is killed by its id when done.
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, spawnGroup } from './procs.mjs';

/** How many processes are in process group `pgid` right now. */
function groupSize(pgid) {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) n++;
    } catch {
      // exited meanwhile
    }
  }
  return n;
}

/** Every process visible in /proc. */
export function processCount() {
  return readdirSync('/proc').filter((e) => e.charCodeAt(0) >= 48 && e.charCodeAt(0) <= 57).length;
}

/**
 * Starts `count` idle processes, each holding `files` extra open descriptors (inherited from a
 * shell that got them as fds 3…). Resolves once they all run; `await stop()` kills the group and waits until it is gone.
 */
export async function startIdleProcesses(count, files = 0) {
  const fds = Array.from({ length: files }, () => openSync('/dev/null', 'r'));
  const loop = `i=0; while [ $i -lt ${count} ]; do sleep 600 & i=$((i+1)); done; wait`;
  let proc;
  try {
    proc = spawnGroup('/bin/sh', ['-c', loop], { stdio: ['ignore', 'ignore', 'ignore', ...fds] });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  const pgid = proc.pid;
  const stop = async () => {
    killGroup(pgid);
    // Killed children are reaped by init: wait until they are gone from /proc.
    for (let i = 0; i < 100 && groupSize(pgid) > 0; i++) await sleep(100);
  };
  try {
    const deadline = Date.now() + 60_000;
    while (groupSize(proc.pid) < count + 1) {
      if (Date.now() > deadline)
        throw new Error(`only ${groupSize(proc.pid)} of ${count} idle processes started`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
