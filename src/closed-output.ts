/**
 * When whatever reads our output goes away (`| head`, a dead log collector), writes fail with
 * EPIPE. Unhandled, that kills the program mid-run with the backend still running and no report;
 * instead, later output is dropped and the run finishes — teardown and report files included.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.write = () => true;
    });
  }
}
