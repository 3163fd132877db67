/**
 * Running the real program in-process for integration tests: `main(['run', …])` with captured
 * output, a per-run temp report folder and job summary file, and the parsed reports. Every run
 * is remembered so afterEach can prove the backend's processes are gone and stop leftovers by
 * pid (never by name).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { ItemResult, ItemStatus, RunResult } from '../../src/checklist/types.js';
import { currentPlatform } from '../../src/platform/index.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { isSameProcess } from '../../src/process/tree.js';
import { captureIO } from '../helpers/cli-io.js';
import { cleanupProcesses, sleep } from '../helpers/procs.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The shared test apps (flask_app.py, wsgi_app.py, echo_headers.py). */
export const APPS = path.join(REPO, '__tests__/apps');
/** Backends only the integration tests use. */
export const INT_APPS = path.join(REPO, '__tests__/integration/apps');
/** `python3 -u` for unbuffered output, so the log shows lines as they are printed. */
export const PY = '/usr/bin/python3 -u';

export interface CheckRun {
  code: number;
  stdout: string;
  stderr: string;
  reportDir: string;
  /** report.json, parsed; null when it was not written. */
  report: RunResult | null;
  /** junit.xml as text ('' when missing). */
  junit: string;
  /** What the run appended to GITHUB_STEP_SUMMARY ('' when nothing). */
  summary: string;
}

const tempDirs: string[] = [];
const runs: RunResult[] = [];

/** A fresh temp folder, removed after the test. */
export async function tempDir(prefix = 'slc-int-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs `single-listener-check run ARGS` in-process (flags written `--flag=value`). `--report-dir`
 * is added (a fresh temp folder) unless ARGS name one; `env` is set in process.env for the run's
 * duration only, together with GITHUB_STEP_SUMMARY pointing at a temp file.
 */
export async function runCheck(
  args: string[],
  env: Record<string, string> = {},
): Promise<CheckRun> {
  const given = args.find((a) => a.startsWith('--report-dir='))?.slice('--report-dir='.length);
  const reportDir = given ?? (await tempDir('slc-report-'));
  const summaryPath = path.join(await tempDir('slc-summary-'), 'summary.md');
  const fullArgs = given ? args : [...args, `--report-dir=${reportDir}`];
  const io = captureIO();
  const code = await withEnv({ ...env, GITHUB_STEP_SUMMARY: summaryPath }, () =>
    main(['run', ...fullArgs], io),
  );
  const report = readReport(reportDir);
  if (report) runs.push(report);
  return {
    code,
    stdout: io.out(),
    stderr: io.err(),
    reportDir,
    report,
    junit: readText(path.join(reportDir, 'junit.xml')),
    summary: readText(summaryPath),
  };
}

/** Sets `env` in process.env while `fn` runs, then restores every touched variable. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export function readReport(reportDir: string): RunResult | null {
  const file = path.join(reportDir, 'report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : null;
}

/** Remembers a run made outside runCheck (e.g. a child process) for the leftover checks. */
export function rememberRun(report: RunResult): void {
  runs.push(report);
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function serviceOf(report: RunResult | null, service?: string) {
  const found = service ? report?.services.find((s) => s.name === service) : report?.services[0];
  if (!found) throw new Error(`no service ${service ?? '(first)'} in report`);
  return found;
}

/** Item id → status, in report order, for one service (the first by default). */
export function itemStatuses(
  report: RunResult | null,
  service?: string,
): Record<string, ItemStatus> {
  return Object.fromEntries(serviceOf(report, service).items.map((i) => [i.id, i.status]));
}

/** One item by id; throws when it is missing. */
export function item(report: RunResult | null, id: string, service?: string): ItemResult {
  const found = serviceOf(report, service).items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id} in report`);
  return found;
}

/** The ids of the checklist, in order, for a service with these endpoint names. */
export function checklistIds(endpoints: string[]): string[] {
  return [
    'port-free',
    'bytecode-cache',
    'backend-start',
    'ready',
    'single-listener',
    'listener-owner',
    'logs',
    'health',
    ...endpoints.map((e) => `endpoint:${e}`),
    'teardown',
  ];
}

/** Every pid holding the port in one item's listener table. */
export function listenerPids(i: ItemResult): number[] {
  return [...new Set((i.listeners ?? []).flatMap((s) => s.processes.map((p) => p.pid)))];
}

/**
 * Processes of the runs' backends still alive: members of a backend's process group, the
 * processes of that group the run saw holding the port (ready, single-listener, listener-owner),
 * and every process carrying a run's marker, matched by pid and start time so a reused pid is
 * not mistaken for ours. Holders in other groups (a stale server, attach mode's server) are not
 * the backend's.
 */
export async function backendLeftovers(reports: RunResult[] = runs): Promise<ProcessInfo[]> {
  const all = (await currentPlatform().listProcesses()).filter((p) => p.state !== 'exited');
  const seen: ProcessInfo[] = [];
  const groups = new Set<number>();
  for (const report of reports) {
    for (const service of report.services) {
      if (service.backendPid === null) continue;
      groups.add(service.backendPid);
      for (const i of service.items) {
        if (['ready', 'single-listener', 'listener-owner'].includes(i.id)) {
          const holders = (i.listeners ?? []).flatMap((s) => s.processes);
          seen.push(...holders.filter((p) => p.pgid === service.backendPid));
        }
      }
    }
  }
  // Processes that carry a run's marker belong to it wherever they went (daemonized, setsid).
  for (const report of reports) {
    for (const service of report.services) {
      if (service.marker) seen.push(...(await currentPlatform().findMarked(service.marker)));
    }
  }
  return all.filter(
    (p) => (p.pgid !== undefined && groups.has(p.pgid)) || seen.some((s) => isSameProcess(p, s)),
  );
}

/** The leftovers of this test's runs, waiting briefly for processes that are on their way out. */
export async function settledLeftovers(reports: RunResult[] = runs): Promise<ProcessInfo[]> {
  const deadline = Date.now() + 3000;
  let left = await backendLeftovers(reports);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = await backendLeftovers(reports);
  }
  return left;
}

/**
 * Registers the afterEach of every integration test file: no process of any run's backend may
 * outlive the test (the test fails otherwise); leftovers and what the test spawned are stopped
 * by pid either way.
 */
export function checkAndCleanUpAfterEach(): void {
  afterEach(async () => {
    const left = await settledLeftovers();
    await cleanupRuns();
    expect(left.map((p) => `${p.pid} ${p.command}`)).toEqual([]);
  });
}

/** SIGKILL what the runs left behind (by pid), then what the test spawned; remove temp folders. */
async function cleanupRuns(): Promise<void> {
  for (const p of await backendLeftovers()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  runs.length = 0;
  await cleanupProcesses();
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** True while `pid` runs (not a zombie). */
export async function isRunning(pid: number): Promise<boolean> {
  const p = await currentPlatform().getProcess(pid);
  return p !== null && p.state !== 'exited';
}
