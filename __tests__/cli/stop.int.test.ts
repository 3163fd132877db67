/**
 * `stop` against real kept backends: stops the recorded tree and frees the port, never a process
 * that reused the recorded pid, and keeps in kept-backends.json only what it could not stop.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { writeKeptBackends, type KeptBackend } from '../../src/checklist/kept-backends.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { captureIO } from '../helpers/cli-io.js';
import { cleanupProcesses, freePort, spawnTracked, until } from '../helpers/procs.js';

let reportDir: string;

beforeEach(async () => {
  reportDir = await mkdtemp(path.join(tmpdir(), 'slc-stop-'));
});

afterEach(async () => {
  await cleanupProcesses();
  await rm(reportDir, { recursive: true, force: true });
});

async function stop(...argv: string[]) {
  const io = captureIO();
  const code = await main(['stop', '--report-dir', reportDir, ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

/** A backend as the checklist starts one: a shell leading its own group, a Node listener under it. */
async function startBackend(port: number, onSigterm = 'process.exit(0)') {
  const server = `require('net').createServer().listen(${port}, () => console.log('READY')); process.on('SIGTERM', () => { ${onSigterm} })`;
  const shell = await spawnTracked('/bin/sh', ['-c', `${process.execPath} -e "${server}"`], {
    readyText: 'READY',
  });
  const root = (await linuxPlatform.getProcess(shell.pid))!;
  const [socket] = await linuxPlatform.listListeners(port);
  return { root, listener: socket!.processes[0]! };
}

function keep(name: string, port: number, proc: ProcessInfo, stopTimeoutMs = 10_000): KeptBackend {
  return { name, port, stopTimeoutMs, process: proc };
}

const running = async (p: ProcessInfo) =>
  (await linuxPlatform.getProcess(p.pid))?.state === 'running';

test('nothing recorded: says so, exit 0', async () => {
  expect(await stop()).toEqual({
    code: 0,
    out: `no backend was left running (nothing recorded in ${reportDir})\n`,
    err: '',
  });
});

test('stops the kept tree, frees the port and removes the record', async () => {
  const port = await freePort();
  const { root, listener } = await startBackend(port);
  await writeKeptBackends(reportDir, [keep('api', port, root)]);

  const result = await stop();

  expect(result).toEqual({
    code: 0,
    out: expect.stringMatching(
      new RegExp(
        `^api \\(port ${port}\\): stopped pid ${root.pid} \\(/bin/sh -c .*\\): 2 processes with SIGTERM; port ${port} is free\n$`,
      ),
    ),
    err: '',
  });
  expect(await running(root)).toBe(false);
  expect(await running(listener)).toBe(false);
  expect(await linuxPlatform.listListeners(port)).toEqual([]);
  expect(existsSync(path.join(reportDir, 'kept-backends.json'))).toBe(false);
});

test('a backend that ignores SIGTERM is killed after its stopTimeout', async () => {
  const port = await freePort();
  const { root, listener } = await startBackend(port, '/* ignored */');
  await writeKeptBackends(reportDir, [keep('api', port, root, 300)]);

  const result = await stop();

  expect(result.code).toBe(0);
  expect(result.out).toMatch(/needed SIGKILL\); port \d+ is free\n$/);
  expect(result.out).toContain('still running 300 ms after SIGTERM');
  expect(await running(listener)).toBe(false);
});

test('a reused pid is not stopped: the stranger runs on, the free port makes it exit 0', async () => {
  const port = await freePort();
  const stranger = await spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  const now = (await linuxPlatform.getProcess(stranger.pid))!;
  const earlier = new Date(Date.parse(now.startedAt!) - 3_600_000).toISOString();
  await writeKeptBackends(reportDir, [keep('api', port, { ...now, startedAt: earlier })]);

  const result = await stop();

  expect(result.code).toBe(0);
  expect(result.out).toBe(
    `api (port ${port}): pid ${now.pid} now names another process, pid ${now.pid} (${now.command}) started ${now.startedAt}, not the backend (started ${earlier}): it was not stopped; port ${port} is free\n`,
  );
  expect(await running(now)).toBe(true);
});

test('a backend that had exited: said so; a port held by a stranger fails and stays recorded', async () => {
  const [freeOne, heldOne] = [await freePort(), await freePort()];
  const gone = await spawnTracked('/bin/sh', ['-c', 'exit 0']);
  const goneInfo: ProcessInfo = {
    pid: gone.pid,
    ppid: process.pid,
    name: 'sh',
    command: '/bin/sh -c exit 0',
    startedAt: new Date().toISOString(),
  };
  await until(async () => (await linuxPlatform.getProcess(gone.pid))?.state !== 'running');
  const holder = await startBackend(heldOne);
  const staleRecord = keep('worker', heldOne, { ...goneInfo, pid: gone.pid });
  await writeKeptBackends(reportDir, [keep('api', freeOne, goneInfo), staleRecord]);

  const result = await stop();

  expect(result.code).toBe(1);
  expect(result.out).toBe(
    `api (port ${freeOne}): pid ${gone.pid} (/bin/sh -c exit 0) had already exited; port ${freeOne} is free\n`,
  );
  expect(result.err).toMatch(
    new RegExp(
      `^worker \\(port ${heldOne}\\): pid ${gone.pid} .* had already exited; port ${heldOne} is still held: \\[::\\]:${heldOne} held by pid ${holder.listener.pid} \\(`,
    ),
  );
  expect(await running(holder.listener)).toBe(true);
  const left = JSON.parse(await readFile(path.join(reportDir, 'kept-backends.json'), 'utf8'));
  expect(left).toEqual([staleRecord]);
});

test('an unreadable record is an error naming the file (exit 3)', async () => {
  await writeFile(path.join(reportDir, 'kept-backends.json'), '{ not json');
  const result = await stop();
  expect(result.code).toBe(3);
  expect(result.err).toMatch(
    new RegExp(
      `^single-listener-check: internal error: cannot read ${reportDir}/kept-backends.json: `,
    ),
  );
});

test('bad flags: exit 2 naming the flag', async () => {
  const io = captureIO();
  expect(await main(['stop', '--port', '5000'], io)).toBe(2);
  expect(io.err()).toBe('single-listener-check: --port: unknown flag (see --help)\n');
  expect(await main(['stop', '--report-dir'], io)).toBe(2);
});
