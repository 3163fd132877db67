/**
 * Follows a file another process appends to: reads what was added since the last read and hands
 * it on. The backend writes its output straight into a file (no pipe to us), so it never blocks
 * or dies on EPIPE when we stop reading — which is what lets a kept backend outlive the run.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;
/** Per tick, so a backend printing hundreds of MB cannot starve the event loop. */
const MAX_BYTES_PER_TICK = 8 * 1024 * 1024;

export class FileTail {
  private readonly fd: number;
  private position = 0;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    path: string,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Polls every `intervalMs`; the timer never keeps the program alive by itself. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.read(MAX_BYTES_PER_TICK), intervalMs);
    this.timer.unref();
  }

  /** Reads up to `limit` new bytes; returns how many were read. */
  read(limit = Infinity): number {
    let total = 0;
    while (total < limit) {
      const n = readSync(this.fd, this.buffer, 0, CHUNK_BYTES, this.position);
      if (n === 0) break;
      this.position += n;
      total += n;
      this.onChunk(this.buffer.subarray(0, n));
    }
    return total;
  }

  /** Reads everything written so far and stops following. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.read();
    closeSync(this.fd);
  }
}
