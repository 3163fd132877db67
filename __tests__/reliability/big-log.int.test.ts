/**
 * A backend that writes 200 MB of logs before it listens (issue 7 item 3): the program's memory
 * stays bounded and backend.log is complete. The bundled CLI runs as its own process with its
 * stdout (where every log line is streamed too) going to a file; its peak resident set (VmHWM)
 * is polled from /proc. Observed on the 2-core test machine: ~120 MB peak; asserted: < 400 MB.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { cleanupProcesses, freePort, sleep } from '../helpers/procs.js';
import {
  backendCommand,
  bundledCli,
  itemOf,
  leftovers,
  newMark,
  readReport,
  removeScratch,
  runBundle,
  scratchDir,
  trackMarked,
} from './helpers.js';

const LOG_MB = 200;
const LINES = LOG_MB * 10_000; // 100-byte lines
const PEAK_RSS_LIMIT_MB = 400;

let cli: string;
const mark = newMark();
beforeAll(() => {
  cli = bundledCli();
}, 120_000);
afterEach(async () => {
  trackMarked(mark);
  await cleanupProcesses();
});
afterAll(removeScratch);

/** VmHWM (peak resident set) in kB, or null once the process is gone. */
function peakRssKb(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Reads the big log back: how many lines are `line <i, 10 digits> x…` (99 characters) in order
 * from 0, the first line that breaks the sequence, and the lines that are not numbered.
 */
async function readNumberedLog(file: string) {
  let numbered = 0;
  let firstBreak: string | null = null;
  const other: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (!line.startsWith('line ')) other.push(line);
    else if (line.length === 99 && line.slice(5, 15) === String(numbered).padStart(10, '0'))
      numbered++;
    else firstBreak ??= line;
  }
  return { numbered, firstBreak, other };
}

test(`${LOG_MB} MB of backend logs: memory bounded, backend.log complete, run passes`, async () => {
  const dir = scratchDir();
  const port = await freePort();
  const reportDir = path.join(dir, 'reports');
  const run = runBundle(
    cli,
    [
      ...['--start', backendCommand(port, `log-mb=${LOG_MB}`), '--port', String(port)],
      ...['--cwd', dir, '--report-dir', reportDir, '--env', mark, '--ready-timeout', '5m'],
    ],
    { cwd: dir, stdoutFile: path.join(dir, 'terminal.txt') },
  );
  let peakKb = 0;
  let done = false;
  const exited = run.exited.finally(() => (done = true));
  while (!done) {
    peakKb = Math.max(peakKb, peakRssKb(run.pid) ?? 0);
    await sleep(25);
  }
  expect(await exited).toBe(0);

  const report = readReport(reportDir);
  expect(report.result).toBe('pass');
  expect(itemOf(report, 'teardown').status).toBe('pass');
  const logFile = path.join(reportDir, 'backend.log');
  const readyLine = `READY on ${port}`;
  expect(statSync(logFile).size).toBe(LINES * 100 + readyLine.length + 1);
  expect(await readNumberedLog(logFile)).toEqual({
    numbered: LINES,
    firstBreak: null,
    other: [readyLine],
  });

  const peakMb = Math.round(peakKb / 1024);
  process.stdout.write(`\n  figure: peak RSS of the CLI with ${LOG_MB} MB of logs: ${peakMb} MB\n`);
  expect(peakMb).toBeGreaterThan(0); // the poll saw the process
  expect(peakMb).toBeLessThan(PEAK_RSS_LIMIT_MB);
  expect(leftovers(mark, report.services[0]!.backendPid)).toEqual([]);
}, 300_000);
