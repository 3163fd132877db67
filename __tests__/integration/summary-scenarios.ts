/**
 * The five runs the job summary is judged on (README, "What a failure looks like"): a pass, a
 * stale server, two servers started by one start command, a server that binds late, and a
 * crash. Each is a real run of the program on a free port; `normalise` makes its summary
 * comparable across runs (pids, ports, times, paths).
 */
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  return { run, port, pids: [] };
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
  return { run, port, pids: [stale.pid] };
}

/** The start command starts two servers on one port (one of them runs old code: 404). */
export async function twoServersRun(): Promise<Scenario> {
  const port = await freePort();
  const dir = await workDir();
  const run = await runCheck([
    `--start=READY_FILE=a ${SERVER} ${port} 200 & READY_FILE=b ${SERVER} ${port} 404 & wait`,
    ...common(port, dir),
    '--wait-on=file:a',
    '--wait-on=file:b',
    '--endpoint=GET /api/route',
    // 16 probes: the kernel spreads them over both servers but for a 1 in 30,000 chance.
    '--probes=16',
  ]);
  return { run, port, pids: [] };
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
  return { run, port, pids: [] };
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
  const run = await runCheck([`--start=${PY} app.py`, ...common(port, dir), '--health=/api/health']);
  return { run, port, pids: [] };
}

/**
 * The summary with what changes from run to run replaced: pids (the run's and the test's),
 * the port, temp paths, the repository path, durations, clock times and ages.
 */
export function normalise(summary: string, scenario: Scenario): string {
  const service = scenario.run.report!.services[0]!;
  const pids = new Set<number>(scenario.pids);
  for (const s of service.listeners) for (const p of s.processes) pids.add(p.pid);
  for (const i of service.items)
    for (const s of i.listeners ?? []) for (const p of s.processes) pids.add(p.pid);
  if (service.backendPid !== null) pids.add(service.backendPid);
  if (service.serverPid !== undefined) pids.add(service.serverPid);
  const numbered = [...pids].sort((a, b) => a - b);
  let text = summary;
  // Longest first, so pid 123 never rewrites part of pid 1234.
  for (const pid of [...numbered].sort((a, b) => String(b).length - String(a).length))
    text = text.replace(new RegExp(`(?<![\\d.])${pid}(?![\\d])`, 'g'), `PID${numbered.indexOf(pid) + 1}`);
  return text
    .replaceAll(String(scenario.port), 'PORT')
    .replace(/\/tmp\/slc-[\w-]+/g, 'TMP')
    .replace(/SINGLE_LISTENER_CHECK_RUN=[0-9a-f-]{36}/g, 'SINGLE_LISTENER_CHECK_RUN=ID')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, 'TIME')
    .replace(/\b\d+(?:\.\d+)? (ms|s|min|h|d)\b/g, 'N $1')
    .replace(/\b\d+ min \d+ s\b/g, 'N min N s')
    .replace(/single-listener-check \d+\.\d+\.\d+\S*/g, 'single-listener-check VERSION');
}
