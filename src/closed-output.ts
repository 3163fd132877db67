/**
 * When whatever reads our output goes away (`| head`, a dead log collector), writes fail with
 * EPIPE. Unhandled, that kills the program mid-run with the backend still running and no report;
 * instead, later output is dropped and the run finishes — teardown and report files included.
 */
const tolerant = new WeakSet<NodeJS.WriteStream>();

export function tolerateClosedOutput(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    if (tolerant.has(stream)) continue;
    tolerant.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.write = () => true;
    });
  }
}
