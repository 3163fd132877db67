/**
 * A cancelled GitHub step, played against the real program (the bundled CLI as its own process)
 * and a backend that ignores SIGTERM (as one draining requests for longer than a cancel allows),
 * with `--stop-timeout 30s`. GitHub sends SIGINT, SIGTERM about 7.5 s later, SIGKILL about
 * 2.5 s after that. The run must write its reports before teardown, cap the SIGTERM grace so it
 * ends by itself before the SIGKILL, escalate at once on a second signal, and leave no backend.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/checklist/types.js';
import { currentPlatform } from '../../src/platform/index.js';
import { INTERRUPTED_GRACE_MS } from '../../src/checklist/teardown-grace.js';
import { cleanupProcesses, freePort, PYTHON, sleep, trackPid, until } from '../helpers/procs.js';
import { parseXml } from '../report/xml-parse.js';
import {
  bundledCli,
  itemOf,
  leftovers,
  newMark,
  removeScratch,
  runBundle,
  scratchDir,
  tempFilesIn,
  trackMarked,
  within,
  type ChildRun,
} from './helpers.js';

const BACKEND = fileURLToPath(new URL('./stubborn_backend.py', import.meta.url));
/** What an earlier step of the job wrote to the summary file: it must stay, once. */
const EARLIER_STEP = '## An earlier step\n\nits own summary\n';
/** The heading our summary starts with (a failed verdict: an interrupted run never passes). */
const OUR_HEADING = /^## .* single-listener-check failed/gm;

let cli: string;
let mark = newMark();
beforeAll(() => {
  cli = bundledCli();
}, 180_000);
beforeEach(() => {
  mark = newMark();
});
afterEach(async () => {
  trackMarked(mark);
  await cleanupProcesses();
});
afterAll(removeScratch);

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

interface Started {
  run: ChildRun;
  port: number;
  reportDir: string;
  summaryFile: string;
  backendPid: number;
  /** Gets a line each time the backend ignores a SIGTERM. */
  sigtermFile: string;
}

/** 100 probes of an endpoint that never answers (10 s each): the run is still checking. */
const CHECKING = ['--endpoint', 'GET /hang', '--probes', '100'];

/** Starts the CLI on the stubborn backend (30 s stop-timeout) and waits until it is ready. */
async function startRun(flags: string[]): Promise<Started> {
  const dir = scratchDir();
  const port = await freePort();
  const reportDir = path.join(dir, 'reports');
  const summaryFile = path.join(dir, 'summary.md');
  const pidFile = path.join(dir, 'backend.pid');
  writeFileSync(summaryFile, EARLIER_STEP);
  const start = [PYTHON, '-u', BACKEND, String(port), pidFile].map(quote).join(' ');
  const argv = [
    ...['--start', start, '--port', String(port), '--cwd', dir, '--report-dir', reportDir],
    ...['--env', mark, '--stop-timeout', '30s', ...flags],
  ];
  const run = runBundle(cli, argv, { cwd: dir, env: { GITHUB_STEP_SUMMARY: summaryFile } });
  await until(() => existsSync(pidFile) && run.stdout().includes('Backend ready'), 30_000);
  const backendPid = Number(readFileSync(pidFile, 'utf8'));
  trackPid(backendPid);
  return { run, port, reportDir, summaryFile, backendPid, sigtermFile: `${pidFile}.sigterm` };
}

/** Sends `signal` to the CLI `afterMs` from now unless it has exited; records what was sent. */
function sendLater(run: ChildRun, signal: NodeJS.Signals, afterMs: number, sent: string[]) {
  const timer = setTimeout(() => {
    try {
      process.kill(run.pid, signal);
      sent.push(signal);
    } catch {
      // already gone
    }
  }, afterMs);
  void run.exited.then(() => clearTimeout(timer));
  return timer;
}

function readJson(reportDir: string): RunResult | null {
  try {
    return JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as RunResult;
  } catch {
    return null; // not written yet
  }
}

/** The first report.json that appears in `reportDir` while `running`. */
async function firstReport(reportDir: string, running: Promise<unknown>) {
  let done = false;
  void running.then(() => (done = true));
  while (!done) {
    const report = readJson(reportDir);
    if (report) return report;
    await sleep(20);
  }
  return readJson(reportDir);
}

async function isGone(pid: number): Promise<boolean> {
  const p = await currentPlatform().getProcess(pid);
  return p === null || p.state === 'exited';
}

/** report.json, junit.xml (parsed) and the summary file as the run left them. */
function reportsOf({ reportDir, summaryFile }: Started) {
  const report = readJson(reportDir);
  const junit = parseXml(readFileSync(path.join(reportDir, 'junit.xml'), 'utf8'));
  const summary = readFileSync(summaryFile, 'utf8');
  return { report: report!, junit, summary };
}

const testcases = (junit: ReturnType<typeof parseXml>) =>
  junit.children.flatMap((suite) => suite.children.filter((c) => c.tag === 'testcase'));

test('GitHub’s cancel (SIGINT, SIGTERM at 7.5 s, SIGKILL at 10 s) on a backend ignoring SIGTERM: the run ends by itself, nothing left', async () => {
  const started = await startRun(CHECKING);
  await sleep(300); // into the checks
  expect(existsSync(path.join(started.reportDir, 'report.json'))).toBe(false);
  const { run, port, reportDir, backendPid } = started;
  const sent: string[] = [];
  const signalledAt = Date.now();
  process.kill(run.pid, 'SIGINT');
  sent.push('SIGINT');
  sendLater(run, 'SIGTERM', 7500, sent);
  sendLater(run, 'SIGKILL', 10_000, sent);

  const early = await firstReport(reportDir, run.exited);
  const code = await within(run.exited, 60_000);
  const took = Date.now() - signalledAt;
  console.log(`cancel: exit ${code} ${took} ms after SIGINT; signals sent: ${sent.join(', ')}`);

  // Ended by itself, before GitHub's SIGKILL, with the first signal's code.
  expect(sent).not.toContain('SIGKILL');
  expect(code).toBe(130);

  // The report written before teardown: interrupted, teardown pending.
  expect(early).not.toBeNull();
  expect(early!.interrupted).toBe('SIGINT');
  expect(early!.result).toBe('fail');
  expect(itemOf(early!, 'teardown')).toMatchObject({ status: 'skip' });
  expect(itemOf(early!, 'teardown').summary).toMatch(/^pending: /);

  // Nothing of the backend left, the port read back free.
  expect(await isGone(backendPid)).toBe(true);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(leftovers(mark, backendPid)).toEqual([]);

  // The final reports, rewritten after teardown: SIGKILL was needed, and said.
  const { report, junit, summary } = reportsOf(started);
  expect(report.interrupted).toBe('SIGINT');
  expect(report.result).toBe('fail');
  const teardown = itemOf(report, 'teardown');
  expect(teardown.status).toBe('pass');
  expect(teardown.details.join('\n')).toContain(`needed SIGKILL: pid ${backendPid}`);
  expect(testcases(junit).map((c) => c.attrs.name)).toContain('teardown');
  expect(testcases(junit).find((c) => c.attrs.name === 'run')?.children[0]?.attrs.message).toBe(
    'interrupted: SIGINT',
  );
  // The summary appears once, after the earlier step's, and it is the final one.
  expect(summary.startsWith(EARLIER_STEP)).toBe(true);
  expect(summary.match(OUR_HEADING)).toHaveLength(1);
  expect(summary).toContain('> **Interrupted:** SIGINT');
  expect(summary).not.toContain('pending: ');
  expect(tempFilesIn(reportDir)).toEqual([]);
}, 120_000);

test('a second signal (SIGTERM 0.5 s after SIGINT) SIGKILLs the backend at once', async () => {
  const started = await startRun(CHECKING);
  await sleep(300); // into the checks
  expect(existsSync(path.join(started.reportDir, 'report.json'))).toBe(false);
  const { run, port, reportDir, backendPid } = started;
  const signalledAt = Date.now();
  process.kill(run.pid, 'SIGINT');
  const second = sendLater(run, 'SIGTERM', 500, []);
  const code = await within(run.exited, 60_000);
  clearTimeout(second);
  const took = Date.now() - signalledAt;
  console.log(`second signal: exit ${code} ${took} ms after SIGINT`);

  // The first signal sets the exit code; the run did not wait out the capped grace.
  expect(code).toBe(130);
  expect(took).toBeLessThan(INTERRUPTED_GRACE_MS - 1000);
  expect(await isGone(backendPid)).toBe(true);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(leftovers(mark, backendPid)).toEqual([]);

  const { report, junit, summary } = reportsOf(started);
  expect(report.interrupted).toBe('SIGINT');
  expect(itemOf(report, 'teardown').status).toBe('pass');
  expect(itemOf(report, 'teardown').details.join('\n')).toContain(
    `needed SIGKILL: pid ${backendPid}`,
  );
  expect(testcases(junit).map((c) => c.attrs.name)).toContain('teardown');
  expect(summary.match(OUR_HEADING)).toHaveLength(1);
  expect(tempFilesIn(reportDir)).toEqual([]);
}, 120_000);

test('killed during teardown (SIGKILL 300 ms after SIGINT): the reports written before teardown are there', async () => {
  const started = await startRun(CHECKING);
  await sleep(300); // into the checks
  expect(existsSync(path.join(started.reportDir, 'report.json'))).toBe(false);
  const { run, backendPid } = started;
  try {
    process.kill(run.pid, 'SIGINT');
    await sleep(300);
    process.kill(run.pid, 'SIGKILL');
    expect(await within(run.exited, 30_000)).toBe(137);

    const { report, junit, summary } = reportsOf(started);
    expect(report.interrupted).toBe('SIGINT');
    expect(report.result).toBe('fail');
    const teardown = itemOf(report, 'teardown');
    expect(teardown.status).toBe('skip');
    expect(teardown.summary).toMatch(/^pending: .*was killed first/);
    // It names the started pid (the shell running the start command; the server is its child).
    expect(teardown.summary).toContain(`(pid ${report.services[0]!.backendPid})`);
    const cases = testcases(junit);
    expect(cases.find((c) => c.attrs.name === 'teardown')?.children[0]?.tag).toBe('skipped');
    expect(cases.find((c) => c.attrs.name === 'run')?.children[0]?.attrs.message).toBe(
      'interrupted: SIGINT',
    );
    expect(summary.startsWith(EARLIER_STEP)).toBe(true);
    expect(summary.match(OUR_HEADING)).toHaveLength(1);
    expect(summary).toContain('> **Interrupted:** SIGINT');
    // The backend outlived the killed program: exactly what the pending teardown warns about.
    expect(await isGone(backendPid)).toBe(false);
  } finally {
    try {
      process.kill(backendPid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}, 120_000);

test('SIGINT while teardown waits out a 30 s stop-timeout: reports at once, SIGKILL by the capped grace', async () => {
  // No endpoint: the run goes straight to teardown, which waits for the backend ignoring SIGTERM.
  const started = await startRun([]);
  const { run, port, reportDir, backendPid, sigtermFile } = started;
  await until(() => existsSync(sigtermFile), 30_000);
  expect(existsSync(path.join(reportDir, 'report.json'))).toBe(false);
  const sent: string[] = [];
  const signalledAt = Date.now();
  process.kill(run.pid, 'SIGINT');
  sent.push('SIGINT');
  sendLater(run, 'SIGTERM', 7500, sent);
  sendLater(run, 'SIGKILL', 10_000, sent);

  const early = await firstReport(reportDir, run.exited);
  const code = await within(run.exited, 60_000);
  const took = Date.now() - signalledAt;
  console.log(`cancel in teardown: exit ${code} ${took} ms after SIGINT; sent: ${sent.join(', ')}`);

  expect(sent).not.toContain('SIGKILL');
  expect(code).toBe(130);
  // Written when the signal came, teardown already running: every check there, teardown pending.
  expect(early!.interrupted).toBe('SIGINT');
  expect(itemOf(early!, 'teardown').summary).toMatch(/^pending: /);
  expect(itemOf(early!, 'listener-owner').status).toBe('pass');

  expect(await isGone(backendPid)).toBe(true);
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(leftovers(mark, backendPid)).toEqual([]);
  const { report, summary } = reportsOf(started);
  expect(report.interrupted).toBe('SIGINT');
  expect(itemOf(report, 'teardown').status).toBe('pass');
  expect(itemOf(report, 'teardown').details.join('\n')).toContain(
    `needed SIGKILL: pid ${backendPid}`,
  );
  expect(summary.match(OUR_HEADING)).toHaveLength(1);
}, 120_000);
