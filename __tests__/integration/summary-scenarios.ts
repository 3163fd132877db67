/**
 * The five runs the job summary is judged on (README, "What a failure looks like"): a pass, a
 * stale server, two servers started by one start command, a server that binds late, and a
 * crash. Each is a real run of the program on a free port; `normalise` and `loosen` make its
 * summary comparable across runs (pids, ports, times, paths).
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ListenerSocket } from '../../src/platform/types.js';
import { freePort, spawnTracked, PYTHON } from '../helpers/procs.js';
import { APPS, PY, runCheck, tempDir, type CheckRun } from './run-helpers.js';

/**
 * `${SERVER} PORT STATUS`: a SO_REUSEPORT server answering every GET with STATUS, copied into
 * each run's working directory so its command line is short and the same on every machine.
 */
const SERVER = `${PY} server.py`;

/** A fresh working directory holding server.py. */
async function workDir(): Promise<string> {
  const dir = await tempDir();
  await copyFile(path.join(APPS, 'http-reuseport-server.py'), path.join(dir, 'server.py'));
  return dir;
}

export interface Scenario {
  run: CheckRun;
  port: number;
  /** The backend's working directory. */
  dir: string;
  /** The pids the test started itself (a stale server), for normalising. */
  pids: number[];
}

const common = (port: number, dir: string) => [
  `--cwd=${dir}`,
  `--port=${port}`,
  '--ready-timeout=30s',
];

export async function passingRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  const run = await runCheck([
    `--start=${SERVER} ${port} 200`,
    ...common(port, dir),
    '--health=/api/health',
    '--endpoint=GET /api/route',
    '--probes=4',
  ]);
  return { run, port, dir, pids: [] };
}

/** An old server already holds the port: nothing is started. */
export async function staleRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  const stale = await spawnTracked(PYTHON, ['-u', 'server.py', String(port), '404'], {
    cwd: dir,
    readyText: 'READY',
  });
  const run = await runCheck([
    `--start=${SERVER} ${port} 200`,
    ...common(port, dir),
    '--health=/api/health',
    '--endpoint=GET /api/route',
  ]);
  return { run, port, dir, pids: [stale.pid] };
}

/**
 * The start command starts two servers on one port (one of them runs old code: 404), the
 * second once the first listens, so they always appear in the same order.
 */
export async function twoServersRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  const run = await runCheck([
    `--start=READY_FILE=a ${SERVER} ${port} 200 & until [ -e a ]; do sleep 0.02; done; READY_FILE=b ${SERVER} ${port} 404 & wait`,
    ...common(port, dir),
    '--wait-on=file:a',
    '--wait-on=file:b',
    '--endpoint=GET /api/route',
    // 16 probes: the kernel spreads them over both servers but for a 1 in 30,000 chance.
    '--probes=16',
  ]);
  return { run, port, dir, pids: [] };
}

/** A second server binds during the checks, after single-listener first passed. */
export async function lateListenerRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  const start = `GO_FILE=${dir}/go HEALTH_DELAY_S=1 ${SERVER} ${port} 200 & while [ ! -e ${dir}/go ]; do sleep 0.05; done; exec ${SERVER} ${port} 404`;
  const run = await runCheck([
    `--start=${start}`,
    ...common(port, dir),
    `--wait-on=tcp:127.0.0.1:${port}`,
    '--health=/api/health',
    '--endpoint=GET /api/route',
    '--probes=8',
  ]);
  return { run, port, dir, pids: [] };
}

/** The backend dies at start on a missing settings file. */
export async function crashRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  await writeFile(
    path.join(dir, 'app.py'),
    [
      'import json',
      'print("loading settings", flush=True)',
      'def load():',
      '    with open("config/settings.json") as f:',
      '        return json.load(f)',
      'load()',
      '',
    ].join('\n'),
  );
  const run = await runCheck([
    `--start=${PY} app.py`,
    ...common(port, dir),
    '--health=/api/health',
  ]);
  return { run, port, dir, pids: [] };
}

/**
 * The summary as README shows it: pids numbered from 4401 in the order they were given out,
 * the port 5000, the temp folders /tmp/app and /tmp/report, start times one fixed instant.
 * Durations and answers stay as measured (`loosen` removes them for comparisons).
 */
export function normalise(summary: string, scenario: Scenario): string {
  const service = scenario.run.report!.services[0]!;
  const pids = new Set<number>(scenario.pids);
  const add = (sockets: ListenerSocket[] | undefined) =>
    (sockets ?? []).forEach((s) => s.processes.forEach((p) => pids.add(p.pid)));
  add(service.listeners);
  service.items.forEach((i) => add(i.listeners));
  if (service.backendPid !== null) pids.add(service.backendPid);
  if (service.serverPid !== undefined) pids.add(service.serverPid);
  const numbered = [...pids].sort((a, b) => a - b);
  const stable = new Map(numbered.map((pid, i) => [String(pid), String(4401 + i)]));
  return summary
    .replaceAll(scenario.run.reportDir, '/tmp/report')
    .replaceAll(scenario.dir, '/tmp/app')
    .replace(/(?<![\d.])\d{2,7}(?![\d])/g, (n) =>
      n === String(scenario.port) ? '5000' : (stable.get(n) ?? n),
    )
    .replace(/SINGLE_LISTENER_CHECK_RUN=[0-9a-f-]{36}/g, 'SINGLE_LISTENER_CHECK_RUN=…')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '2026-01-05T10:00:00.000Z');
}

/**
 * A normalised summary without what differs between two runs of one scenario: durations and
 * ages, the chart's times, the version, which probe the kernel gave to which server (strips,
 * counts, per-probe rows) and the order of detail lines.
 */
export function loosen(text: string): string {
  return (
    text
      .replace(/single-listener-check \d+\.\d+\.\d+\S*/g, 'single-listener-check VERSION')
      .replace(/\b\d+ min \d+ s\b/g, 'TIME')
      .replace(/\b\d+(?:\.\d+)? (?:ms|s|min|h|d)\b/g, 'TIME')
      .replace(/(t\d+), \d+, \d+$/gm, '$1, T, T')
      .replace(/[✅❌]{2,}/g, 'STRIP')
      // ready lists each socket it saw, and may see the second server's or not yet.
      .replace(/listening on ([\d.:]+)(?:, \1)+ after/g, 'listening on $1 after')
      .replace(/(?:\d{3}|no answer) ×\d+(?:, (?:\d{3}|no answer) ×\d+)*/g, 'ANSWERS')
      .replace(/probes answered \d{3}(?:, \d{3})*/g, 'probes answered STATUSES')
      .replace(/(?:^\| \d+ \| [✅❌] \|.*\n)+/gm, '| PROBE ROWS |\n')
      // One line per answering process, in the order each first answered: the kernel decides.
      .replace(/(?:^- (?:pid \d+|not attributed).*\n)+/gm, (lines) =>
        lines
          .split('\n')
          .filter(Boolean)
          .sort()
          .map((line) => `${line}\n`)
          .join(''),
      )
      .replace(/^```text\n([\s\S]*?)\n```$/gm, (_, body: string) =>
        ['```text', ...body.split('\n').sort(), '```'].join('\n'),
      )
  );
}
