/**
 * The CLI's output, written straight to fds 1 and 2. Creating process.stdout on a pipe loads
 * Node's net and stream modules — 7 ms of a 100 ms start (docs/benchmarks.md, "Start-up") — and
 * on Linux its pipe writes block like these do. A terminal keeps the stream (Windows consoles
 * need its Unicode handling). A write the fd refuses for now (EAGAIN: a full non-blocking pipe)
 * goes to the stream, and so does every later one, keeping their order; once the reader is gone
 * (EPIPE) the rest is dropped and the program carries on (tolerateClosedOutput's rule).
 */
import { fstatSync, writeSync } from 'node:fs';
import { tolerateClosedOutput } from '../closed-output.js';

export function fdOutput(fd: 1 | 2): (text: string) => void {
  let stream: NodeJS.WriteStream | null = direct(fd) ? null : streamOf(fd);
  let closed = false;
  return (text) => {
    if (closed) return;
    if (stream) return void stream.write(text);
    const data = Buffer.from(text);
    let written = 0;
    try {
      while (written < data.length) written += writeSync(fd, data, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') closed = true;
      else if (code === 'EAGAIN') (stream = streamOf(fd)).write(data.subarray(written));
      else throw error;
    }
  };
}

/** A pipe, a file or a socket: not a terminal (nor /dev/null, whose stream is as cheap). */
function direct(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

function streamOf(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  tolerateClosedOutput([stream]);
  return stream;
}
