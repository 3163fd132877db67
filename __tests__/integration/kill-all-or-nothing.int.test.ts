/**
 * Kill is all or nothing (docs/reliability.md), on real stale servers, through both paths that
 * stop a port's holders: `run --on-conflict kill` (the port-free item) and `free --kill`.
 * - nginx run as root with `user nobody`: the master is ours, the two workers are not. Nothing
 *   is signalled, the port stays held, both workers are named with the reason, nothing starts.
 * - the same nginx with `user root`: master and workers are stopped, the port is read back free.
 * - a Python server run as nobody: refused, untouched.
 * The plan's rules on scripted trees: __tests__/process/stop-holders.test.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { isSameProcess } from '../../src/process/tree.js';
import { captureIO } from '../helpers/cli-io.js';
import { spawnNginx, type Nginx } from '../helpers/nginx.js';
import { freePort, PYTHON, spawnTracked, until } from '../helpers/procs.js';
import {
  INT_APPS,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

const byPid = (a: number, b: number) => a - b;
const WORKER_REFUSAL = (w: ProcessInfo) =>
  `pid ${w.pid} (nginx: worker process) belongs to uid 65534, not to us (uid 0): another user's processes are never stopped`;
/** Claims that would be false after a refusal. */
const FALSE_CLAIMS = /stopped pid|killed pid|left alone|is free|was held; stopped/;

async function free(args: string[]) {
  const io = captureIO();
  const code = await main(['free', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** A run with on-conflict kill whose backend (tiny_backend.py) first touches a marker file. */
async function killRun(port: number) {
  const dir = await tempDir();
  const marker = path.join(dir, 'started');
  const run = await runCheck([
    `--start=touch '${marker}' && exec ${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
    `--cwd=${dir}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    '--health=/api/health',
    '--on-conflict=kill',
    '--stop-timeout=5s',
    '--ready-timeout=30s',
  ]);
  return { ...run, marker };
}

/** Each process runs on as the same process (pid and start time). */
async function allRunning(procs: ProcessInfo[]): Promise<boolean> {
  const now = await Promise.all(procs.map((p) => linuxPlatform.getProcess(p.pid)));
  return now.every((p, i) => p !== null && p.state === 'running' && isSameProcess(p, procs[i]!));
}

async function allGone(procs: ProcessInfo[]): Promise<boolean> {
  return !(await Promise.all(procs.map((p) => allRunning([p])))).some(Boolean);
}

/** The pids holding the port now, sorted. */
async function holderPids(port: number): Promise<number[]> {
  const sockets = await linuxPlatform.listListeners(port);
  return [...new Set(sockets.flatMap((s) => s.processes.map((p) => p.pid)))].sort(byPid);
}

const pidsOf = (nginx: Nginx) => [nginx.master, ...nginx.workers].map((p) => p.pid).sort(byPid);

describe('nginx: root master, nobody workers', () => {
  async function stale() {
    const port = await freePort();
    const nginx = await spawnNginx(await tempDir('slc-nginx-'), port, 'nobody');
    return { port, nginx, procs: [nginx.master, ...nginx.workers] };
  }

  test('run --on-conflict kill: nothing signalled, port-free fails naming the workers, nothing started', async () => {
    const { port, nginx, procs } = await stale();

    const { code, report, stdout, stderr, marker } = await killRun(port);

    expect(code).toBe(1);
    const statuses = itemStatuses(report);
    expect(statuses['port-free']).toBe('fail');
    const rest = Object.entries(statuses).filter(([id]) => id !== 'port-free');
    expect(rest.map(([, s]) => s)).toEqual(rest.map(() => 'skip'));
    const portFree = item(report, 'port-free');
    expect(portFree.summary).toBe(
      `on-conflict: kill stopped nothing: 2 of 3 holders of port ${port} may not be stopped`,
    );
    expect(portFree.details).toEqual(nginx.workers.map(WORKER_REFUSAL));
    expect(portFree.diagnosis).toMatch(/^Nothing was signalled: /);
    expect(portFree.diagnosis).toContain(`\`sudo kill ${nginx.master.pid}\``);
    expect(portFree.diagnosis).not.toMatch(/set `on-conflict: kill`|free --port \d+ --kill/);
    expect(
      (portFree.listeners ?? []).flatMap((s) => s.processes.map((p) => p.pid)).sort(byPid),
    ).toEqual(pidsOf(nginx));
    expect(item(report, 'backend-start').summary).toMatch(/nothing was stopped or started$/);
    expect(report!.services[0]!.backendPid).toBeNull();
    expect(existsSync(marker)).toBe(false);
    expect(`${stdout}\n${stderr}\n${JSON.stringify(report)}`).not.toMatch(FALSE_CLAIMS);

    expect(await allRunning(procs)).toBe(true);
    expect(await holderPids(port)).toEqual(pidsOf(nginx));
  });

  test('free --kill: exit 1, nothing stopped, the workers named with the reason', async () => {
    const { port, nginx, procs } = await stale();

    const { code, out, err } = await free(['--port', String(port), '--kill', '--timeout', '2s']);

    expect(code).toBe(1);
    expect(out).toBe('');
    const lines = err.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `nothing was stopped: 2 of 3 holders of port ${port} may not be stopped:`,
      ...nginx.workers.map((w) => `  ${WORKER_REFUSAL(w)}`),
    ]);
    expect(lines[3]).toMatch(
      new RegExp(
        `^port ${port} is still held: 127\\.0\\.0\\.1:${port} held by pid ${nginx.master.pid} \\(nginx: master process .*\\) and 2 more processes$`,
      ),
    );
    expect(lines[4]).toContain(`(\`sudo kill ${nginx.master.pid}\`)`);
    expect(err).not.toMatch(FALSE_CLAIMS);
    expect(err).not.toMatch(/not stopped/);

    expect(await allRunning(procs)).toBe(true);
    expect(await holderPids(port)).toEqual(pidsOf(nginx));
  });

  test('free without --kill does not advise --kill: it says why --kill cannot, and what would', async () => {
    const { port, nginx, procs } = await stale();

    const { code, out, err } = await free(['--port', String(port)]);

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).not.toContain('--kill stops them');
    expect(err).toContain(
      `\n--kill would stop nothing: 2 of 3 holders of port ${port} may not be stopped:\n${nginx.workers.map((w) => `  ${WORKER_REFUSAL(w)}\n`).join('')}`,
    );
    expect(err).toMatch(/stop them yourself, as their owner \(uid 65534\) or as root/);
    expect(await allRunning(procs)).toBe(true);
  });
});

describe('nginx: master and workers all root', () => {
  async function stale() {
    const port = await freePort();
    const nginx = await spawnNginx(await tempDir('slc-nginx-'), port, 'root');
    return { port, nginx, procs: [nginx.master, ...nginx.workers] };
  }

  /** `stopped pid N (nginx: …)` (or killed) lines → their pids, sorted. */
  const listedPids = (lines: string[]) =>
    lines.map((l) => Number(/^(?:stopped|killed) pid (\d+) \(nginx: /.exec(l)?.[1])).sort(byPid);

  test('run --on-conflict kill: all three stopped and listed, the port read back free, the backend runs', async () => {
    const { port, nginx, procs } = await stale();

    const { code, report, marker } = await killRun(port);

    const portFree = item(report, 'port-free');
    expect(portFree.status).toBe('warn');
    expect(portFree.summary).toBe(
      `port ${port} was held; stopped 3 process(es) (on-conflict: kill)`,
    );
    expect(listedPids(portFree.details)).toEqual(pidsOf(nginx));
    expect(portFree.details).toHaveLength(3);
    expect(item(report, 'backend-start').status).toBe('pass');
    expect(existsSync(marker)).toBe(true);
    expect(code).toBe(0);
    expect(await allGone(procs)).toBe(true);
  });

  test('free --kill: one line per process, then "port is free", exit 0', async () => {
    const { port, nginx, procs } = await stale();

    const { code, out, err } = await free(['--port', String(port), '--kill', '--timeout', '5s']);

    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`port ${port} is free`);
    expect(listedPids(lines.slice(0, -1))).toEqual(pidsOf(nginx));
    expect(lines).toHaveLength(4);
    expect(await allGone(procs)).toBe(true);
    expect(await linuxPlatform.listListeners(port)).toEqual([]);
  });
});

describe('a Python server run as nobody', () => {
  async function stale() {
    const port = await freePort();
    const holder = await spawnTracked(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups'].concat([
        PYTHON,
        '-u',
        '-m',
        'http.server',
        String(port),
        '--bind',
        '127.0.0.1',
      ]),
      { readyText: 'Serving HTTP', cwd: '/tmp' },
    );
    await until(async () => (await holderPids(port)).includes(holder.pid));
    const proc = (await linuxPlatform.getProcess(holder.pid))!;
    expect(proc.uid).toBe(65534);
    const refusal = new RegExp(
      `^pid ${holder.pid} \\(${PYTHON} -u -m http\\.server ${port} --bind 127\\.0\\.0\\.1\\) belongs to uid 65534, not to us \\(uid 0\\): another user's processes are never stopped$`,
    );
    return { port, proc, refusal };
  }

  test('run --on-conflict kill: refused, untouched, nothing started', async () => {
    const { port, proc, refusal } = await stale();

    const { code, report, marker } = await killRun(port);

    expect(code).toBe(1);
    const portFree = item(report, 'port-free');
    expect(portFree.summary).toBe(
      `on-conflict: kill stopped nothing: 1 of 1 holder of port ${port} may not be stopped`,
    );
    expect(portFree.details).toHaveLength(1);
    expect(portFree.details[0]).toMatch(refusal);
    expect(existsSync(marker)).toBe(false);
    expect(await allRunning([proc])).toBe(true);
    expect(await holderPids(port)).toEqual([proc.pid]);
  });

  test('free --kill: refused, untouched, exit 1', async () => {
    const { port, proc, refusal } = await stale();

    const { code, out, err } = await free(['--port', String(port), '--kill', '--timeout', '2s']);

    expect(code).toBe(1);
    expect(out).toBe('');
    const lines = err.split('\n');
    expect(lines[0]).toBe(`nothing was stopped: 1 of 1 holder of port ${port} may not be stopped:`);
    expect(lines[1]!.trimStart()).toMatch(refusal);
    expect(err).not.toMatch(FALSE_CLAIMS);
    expect(await allRunning([proc])).toBe(true);
    expect(await holderPids(port)).toEqual([proc.pid]);
  });
});
