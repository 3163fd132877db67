/** Finds which processes (all, or the given ones) hold given socket inodes, from the `socket:[inode]` links in /proc/<pid>/fd. */
import { readdirSync, readlinkSync } from 'node:fs';
import { DENIED_CODES, errnoCode, listPids } from './procfs.js';

export interface SocketHolders {
  /** inode → pids holding it, ascending (only the inodes asked for). */
  holders: Map<string, number[]>;
  /** Pids whose fd table we may not read (EACCES even as root for some, e.g. pid 1 here). */
  deniedPids: number[];
}

/** The sliced walk gives the event loop a turn after this long. */
const SLICE_MS = 4;
/** How many fd links the walk reads between two looks at the clock. */
const LINKS_PER_STEP = 256;

/**
 * One pass over every process's fd links, keeping only the wanted inodes.
 *
 * Synchronous reads on purpose: each readdir/readlink on /proc is a syscall of a few µs, and
 * fs/promises adds a thread-pool round trip per call that costs more than the call itself.
 * Measured on 293 processes (2 cores): this loop 5.4 ms, fs/promises in parallel batches
 * 10.6 ms, `ss -ltnp` 6.5 ms.
 */
export function findSocketHolders(
  wanted: ReadonlySet<string>,
  pids: readonly number[] = listPids(),
): SocketHolders {
  const scan: SocketHolders = { holders: new Map(), deniedPids: [] };
  for (const step of walk(wanted, pids, scan)) void step;
  return scan;
}

/**
 * The same walk, handing the event loop a turn every few milliseconds: on a host with many
 * connections it reads 32,000+ links (~220 ms), and the run must not freeze meanwhile (the
 * `ready` item decides from the backend's own sockets, probes and signals go on).
 */
export async function findSocketHoldersInSlices(
  wanted: ReadonlySet<string>,
  pids: readonly number[] = listPids(),
): Promise<SocketHolders> {
  const scan: SocketHolders = { holders: new Map(), deniedPids: [] };
  let sliceStart = performance.now();
  for (const step of walk(wanted, pids, scan)) {
    void step;
    if (performance.now() - sliceStart < SLICE_MS) continue;
    await new Promise((resume) => setImmediate(resume));
    sliceStart = performance.now();
  }
  return scan;
}

/** Fills `scan`, pausing (a generator step) after each process and every LINKS_PER_STEP links. */
function* walk(
  wanted: ReadonlySet<string>,
  pids: readonly number[],
  scan: SocketHolders,
): Generator<void> {
  for (const pid of pids) {
    const fdDir = `/proc/${pid}/fd/`;
    try {
      let read = 0;
      for (const fd of readdirSync(fdDir)) {
        if (++read % LINKS_PER_STEP === 0) yield;
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
        const holders = scan.holders.get(inode) ?? [];
        if (!holders.includes(pid)) holders.push(pid);
        scan.holders.set(inode, holders);
      }
    } catch (error) {
      // Denied on the fd table or on its links (pid 1 here: readdir works, readlink gives EACCES
      // even to root). A process that exited since listPids() is skipped quietly.
      if (DENIED_CODES.has(errnoCode(error) ?? '')) scan.deniedPids.push(pid);
    }
    yield;
  }
}
