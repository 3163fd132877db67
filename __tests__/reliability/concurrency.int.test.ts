/**
 * Two runs at once (issue 7 item 4), as two CI jobs on one machine would run them: two bundled
 * CLI processes. On different ports they do not interfere; on the same port the second fails
 * `port-free`, naming the first run's backend as the holder, starts nothing, and the first run
 * still passes.
 */
import path from 'node:path';
import { cleanupProcesses, freePort, until } from '../helpers/procs.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
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

let cli: string;
const marks: string[] = [];
beforeAll(() => {
  cli = bundledCli();
}, 120_000);
afterEach(async () => {
  for (const mark of marks.splice(0)) trackMarked(mark);
  await cleanupProcesses();
});
afterAll(removeScratch);

/** Starts one run of the bundled CLI against backend.mjs on `port`. */
function startRun(port: number, flags: string[]) {
  const dir = scratchDir();
  const reportDir = path.join(dir, 'reports');
  const mark = newMark();
  marks.push(mark);
  const argv = [
    ...['--start', backendCommand(port), '--port', String(port), '--cwd', dir],
    ...['--report-dir', reportDir, '--env', mark, ...flags],
  ];
  const run = runBundle(cli, argv, { cwd: dir });
  return { ...run, reportDir, mark };
}

const ENDPOINTS = ['--health', '/health', '--endpoint', 'GET /a', '--endpoint', 'GET /slow?ms=300'];

test('two runs at once on different ports both pass, each seeing only its own backend', async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  const a = startRun(portA, ENDPOINTS);
  const b = startRun(portB, ENDPOINTS);
  expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);

  const [reportA, reportB] = [readReport(a.reportDir), readReport(b.reportDir)];
  for (const [report, port] of [
    [reportA, portA],
    [reportB, portB],
  ] as const) {
    expect(report.result).toBe('pass');
    expect(report.services[0]!.listeners.map((s) => s.port)).toEqual([port]);
  }
  const holders = (r: typeof reportA) =>
    r.services[0]!.listeners.flatMap((s) => s.processes.map((p) => p.pid));
  expect(holders(reportA).filter((pid) => holders(reportB).includes(pid))).toEqual([]);
  expect(leftovers(a.mark, reportA.services[0]!.backendPid)).toEqual([]);
  expect(leftovers(b.mark, reportB.services[0]!.backendPid)).toEqual([]);
}, 120_000);

test('two runs on one port: the second fails port-free naming the first run’s backend; the first passes', async () => {
  const port = await freePort();
  // The first run probes a slow endpoint (3 × 1.5 s), so its backend holds the port meanwhile.
  const first = startRun(port, ['--endpoint', 'GET /slow?ms=1500']);
  await until(async () => (await linuxPlatform.listListeners(port)).length > 0, 30_000);
  const holderPids = (await linuxPlatform.listListeners(port)).flatMap((s) =>
    s.processes.map((p) => p.pid),
  );

  const second = startRun(port, ['--endpoint', 'GET /a']);
  expect(await second.exited).toBe(1);
  const secondReport = readReport(second.reportDir);
  const portFree = itemOf(secondReport, 'port-free');
  expect(portFree.status).toBe('fail');
  expect(portFree.summary).toMatch(
    new RegExp(`^port ${port} is already held: pid ${holderPids[0]} \\(`),
  );
  expect(portFree.listeners!.flatMap((s) => s.processes.map((p) => p.pid))).toEqual(holderPids);
  expect(itemOf(secondReport, 'backend-start').status).toBe('skip'); // nothing started
  expect(secondReport.services[0]!.backendPid).toBeNull();

  expect(await first.exited).toBe(0);
  const firstReport = readReport(first.reportDir);
  expect(firstReport.result).toBe('pass');
  // The holder the second run named is the first run's own listener.
  expect(firstReport.services[0]!.listeners.flatMap((s) => s.processes.map((p) => p.pid))).toEqual(
    holderPids,
  );
  expect(leftovers(first.mark, firstReport.services[0]!.backendPid)).toEqual([]);
}, 120_000);
