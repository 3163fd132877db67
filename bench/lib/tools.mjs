// How each tool is run in the latency benchmarks, the way users run it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGroup, readMark, reapBackend, spawnGroup, wallNow } from './procs.mjs';

export const BACKEND = 'bench/fixtures/backend.mjs';
const WAIT_ON = 'node_modules/wait-on/bin/wait-on';
const SSAT = 'node_modules/start-server-and-test/src/bin/start.js';

const scratch = [];
/** A temporary directory, removed by removeScratch(). */
export function scratchDir() {
  const dir = mkdtempSync(join(tmpdir(), 'slc-bench-'));
  scratch.push(dir);
  return dir;
}
export function removeScratch() {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The wall time the backend recorded (listen or exit); a run without one is a broken run. */
function markedAt(markFile, tool) {
  const mark = readMark(markFile);
  reapBackend(mark);
  if (mark === null) throw new Error(`${tool}: the benchmark backend recorded no listen/exit time`);
  return mark.at;
}

/** The backend's environment: where it records its listen()/exit time, and when. */
export function backendEnv(port, markFile, { delayMs = 0, exitCode } = {}) {
  return {
    ...process.env,
    PORT: String(port),
    DELAY_MS: String(delayMs),
    BENCH_MARK_FILE: markFile,
    ...(exitCode === undefined ? {} : { EXIT_CODE: String(exitCode) }),
  };
}

/**
 * One `single-listener-check run` with the benchmark backend. Returns the spawn and exit wall
 * times, when the `ready` item's line appeared on stdout, the exit code, report.json and the
 * wall time the backend recorded (backendAt).
 */
export async function runOurs(cli, { port, backend = {}, args = [] }) {
  const dir = scratchDir();
  const mark = join(dir, 'mark.json');
  const spawnAt = wallNow();
  const proc = spawnGroup(
    process.execPath,
    [
      cli,
      'run',
      '--start',
      `node ${BACKEND}`,
      '--port',
      String(port),
      '--report-dir',
      dir,
      '--no-clear-bytecode',
      ...args,
    ],
    { env: backendEnv(port, mark, backend) },
  );
  const readyLine = proc.lineAt(/Backend ready/);
  const exit = await proc.exited;
  const { stdout, stderr } = await proc.output();
  killGroup(proc.pid);
  let report = null;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  } catch {
    // reported below as a failed run
  }
  if (report === null) throw new Error(`no report.json (exit ${exit.code}): ${stderr}${stdout}`);
  return {
    spawnAt,
    exitAt: exit.at,
    code: exit.code,
    readyLineAt: (await readyLine) ?? NaN,
    report,
    backendAt: markedAt(mark, 'single-listener-check'),
    stdout,
  };
}

/** Wall time of a timeline event or of an item's end, from report.json. */
export function reportTimes(report) {
  const origin = Date.parse(report.startedAt);
  const service = report.services[0];
  const event = (name) => {
    const e = service.timeline.find((t) => t.event === name);
    return e ? origin + e.atMs : NaN;
  };
  const item = (id) => service.items.find((i) => i.id === id);
  const itemStart = (id) => origin + (item(id)?.startedAtMs ?? NaN);
  const itemEnd = (id) => itemStart(id) + (item(id)?.durationMs ?? NaN);
  return { origin, event, item, itemStart, itemEnd };
}

/** The backend and `wait-on RESOURCE` started together; the verdict is wait-on's exit. */
export async function runWaitOn(resource, { port, backend = {}, timeoutMs = 20000 }) {
  const dir = scratchDir();
  const mark = join(dir, 'mark.json');
  const server = spawnGroup(process.execPath, [BACKEND], { env: backendEnv(port, mark, backend) });
  const waiter = spawnGroup(process.execPath, [WAIT_ON, '-t', String(timeoutMs), resource]);
  const exit = await waiter.exited;
  killGroup(waiter.pid);
  killGroup(server.pid);
  await server.exited;
  return { exitAt: exit.at, code: exit.code, backendAt: markedAt(mark, `wait-on ${resource}`) };
}

/**
 * `start-server-and-test 'node backend' http://127.0.0.1:P 'echo TESTED-AT $(date +%s%N)'`: the
 * verdict is the moment its test command runs (date prints it), or its exit when it gives up.
 */
export async function runStartServerAndTest({ port, backend = {} }) {
  const dir = scratchDir();
  const mark = join(dir, 'mark.json');
  const proc = spawnGroup(
    process.execPath,
    [SSAT, `node ${BACKEND}`, `http://127.0.0.1:${port}`, 'echo TESTED-AT $(date +%s%N)'],
    { env: backendEnv(port, mark, backend) },
  );
  const exit = await proc.exited;
  killGroup(proc.pid); // its backend, if it left one, holds the output pipe
  const { stdout, stderr } = await proc.output();
  const tested = /TESTED-AT (\d+)/.exec(stdout);
  return {
    testAt: tested ? Number(BigInt(tested[1]) / 1000n) / 1000 : NaN,
    exitAt: exit.at,
    code: exit.code,
    output: stdout + stderr,
    backendAt: markedAt(mark, 'start-server-and-test'),
  };
}
