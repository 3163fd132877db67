/** Finds which processes (all, or the given ones) hold given socket inodes, from the `socket:[inode]` links in /proc/<pid>/fd. */
import { readdirSync, readlinkSync } from 'node:fs';
import { DENIED_CODES, errnoCode, listPids } from './procfs.js';

export interface SocketHolders {
  /** inode → pids holding it, ascending (only the inodes asked for). */
  holders: Map<string, number[]>;
  /** Pids whose fd table we may not read (EACCES even as root for some, e.g. pid 1 here). */
  deniedPids: number[];
}

/**
 * One pass over every process's fd links, keeping only the wanted inodes.
 *
 * Synchronous on purpose: each readdir/readlink on /proc is a syscall of a few µs, and
 * fs/promises adds a thread-pool round trip per call that costs more than the call itself.
 * Measured on 293 processes (2 cores): this loop 5.4 ms, fs/promises in parallel batches
 * 10.6 ms, `ss -ltnp` 6.5 ms.
 */
export function findSocketHolders(
  wanted: ReadonlySet<string>,
  pids: readonly number[] = listPids(),
): SocketHolders {
  const holders = new Map<string, number[]>();
  const deniedPids: number[] = [];
  for (const pid of pids) {
    const fdDir = `/proc/${pid}/fd/`;
    try {
      for (const fd of readdirSync(fdDir)) {
        let link: string;
        try {
          link = readlinkSync(fdDir + fd);
        } catch (error) {
          if (DENIED_CODES.has(errnoCode(error) ?? '')) throw error;
          continue; // this fd was closed since readdir
        }
        if (!link.startsWith('socket:[')) continue;
        const inode = link.slice(8, -1);
        if (!wanted.has(inode)) continue;
        const pids = holders.get(inode) ?? [];
        if (!pids.includes(pid)) pids.push(pid);
        holders.set(inode, pids);
      }
    } catch (error) {
      // Denied on the fd table or on its links (pid 1 here: readdir works, readlink gives EACCES
      // even to root). A process that exited since listPids() is skipped quietly.
      if (DENIED_CODES.has(errnoCode(error) ?? '')) deniedPids.push(pid);
    }
  }
  return { holders, deniedPids };
}
