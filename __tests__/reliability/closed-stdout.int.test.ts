/**
 * The reader of the program's output goes away mid-run (`single-listener-check … | head`, a log
 * collector that dies): every later write fails with EPIPE. The run must still end as usual —
 * teardown, reports, its own exit code — never crash with a stack trace and leave the backend
 * running. Runs the bundled CLI as its own process, its stdout a pipe the test closes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cleanupProcesses, freePort, until } from '../helpers/procs.js';
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
  within,
} from './helpers.js';

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

// BUG (reported to the lead): the first write after the reader left raises an unhandled
// 'error' event (EPIPE) on process.stdout: the program dies with exit 1 and a stack trace,
// before teardown and before any report is written, and the backend keeps running.
test('stdout closed after the backend started: the run still tears down, reports and exits 0', async () => {
  const dir = scratchDir();
  const port = await freePort();
  const reportDir = path.join(dir, 'reports');
  const run = runBundle(
    cli,
    [
      ...['--start', backendCommand(port), '--port', String(port), '--cwd', dir],
      ...['--report-dir', reportDir, '--env', mark, '--endpoint', 'GET /slow?ms=500'],
    ],
    { cwd: dir },
  );
  await until(() => run.stdout().includes('Backend started'), 30_000);
  run.closeStdout();

  const code = await within(run.exited, 60_000);
  const backendPid = Number(/Backend started — pid (\d+)/.exec(run.stdout())![1]);
  // One comparison, so that a failure shows every symptom at once.
  expect({
    code,
    stackTrace: /^\s+at /m.test(run.stderr()),
    reportWritten: existsSync(path.join(reportDir, 'report.json')),
    backendLeftRunning: leftovers(mark, backendPid),
  }).toEqual({ code: 0, stackTrace: false, reportWritten: true, backendLeftRunning: [] });
  const report = readReport(reportDir);
  expect(report.result).toBe('pass');
  expect(itemOf(report, 'teardown').status).toBe('pass');
}, 120_000);
