/** `free` on real listeners: --kill stops the holders' trees, and refuses another user's holder. */
import { cleanupProcesses, freePort, spawnTracked, until } from '../helpers/procs.js';
import { main } from '../../src/cli/main.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import { captureIO } from '../helpers/cli-io.js';
import {
  pythonListenCode,
  removeAppDir,
  spawnGunicorn,
  spawnNodeServer,
} from '../helpers/real-listeners.js';
import { PYTHON } from '../helpers/procs.js';
import { HAS_SS, ourPidSets, ssPidSets } from '../helpers/ss.js';

afterEach(cleanupProcesses);
afterAll(removeAppDir);

async function run(argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function running(pid: number): Promise<boolean> {
  return (await linuxPlatform.getProcess(pid))?.state === 'running';
}

test('nothing listening: exit 0 at once', async () => {
  const port = await freePort();
  expect(await run(['free', '--port', String(port)])).toEqual({
    code: 0,
    out: `port ${port} is free\n`,
    err: '',
  });
});

test('held without --kill: exit 1 naming the holder, which keeps running', async () => {
  const port = await freePort();
  const server = await spawnNodeServer(port);
  const result = await run(['free', '--port', String(port)]);
  expect(result.code).toBe(1);
  expect(result.err).toMatch(
    new RegExp(
      `^port ${port} is held: \\[::\\]:${port} held by pid ${server.pid} \\(\\S*node -e .*\\) \\(--kill stops them\\)\n$`,
    ),
  );
  expect(await running(server.pid)).toBe(true);
});

test('--kill stops both gunicorn --reuse-port trees and the port is free', async () => {
  const port = await freePort();
  const servers = [
    await spawnGunicorn(port, 2, ['--reuse-port']),
    await spawnGunicorn(port, 2, ['--reuse-port']),
  ];
  const before = await linuxPlatform.listListeners(port);
  expect(before).toHaveLength(2);
  if (HAS_SS) expect(ourPidSets(before)).toEqual(ssPidSets(port));

  const result = await run(['free', '--port', String(port), '--kill', '--timeout', '10s']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  expect(result.out).toMatch(new RegExp(`port ${port} is free\\n$`));
  for (const g of servers) {
    expect(result.out).toContain(`stopped pid ${g.pid} (`);
    for (const pid of [g.pid, ...g.workerPids]) expect(await running(pid)).toBe(false);
  }
  expect(await linuxPlatform.listListeners(port)).toEqual([]);
  if (HAS_SS) expect(ssPidSets(port)).toEqual([]);
});

test('--kill refuses a holder of another user: exit 1 saying nothing was stopped and why, the holder still runs', async () => {
  const port = await freePort();
  const holder = await spawnTracked(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      PYTHON,
      '-u',
      '-c',
      pythonListenCode(port, { host: '0.0.0.0' }),
    ],
    { readyText: 'READY', cwd: '/tmp' },
  );
  const sockets = await linuxPlatform.listListeners(port);
  expect(sockets.map((s) => s.processes.map((p) => [p.pid, p.uid]))).toEqual([
    [[holder.pid, 65534]],
  ]);
  if (HAS_SS) expect(ourPidSets(sockets)).toEqual(ssPidSets(port));

  const result = await run(['free', '--port', String(port), '--kill', '--timeout', '2s']);
  expect(result.code).toBe(1);
  expect(result.out).toBe('');
  expect(result.err).toMatch(
    new RegExp(
      `^nothing was stopped: 1 of 1 holder of port ${port} may not be stopped:\n  pid ${holder.pid} \\(.*\\) belongs to uid 65534, not to us \\(uid 0\\): another user's processes are never stopped\n`,
      's', // the command line spans lines
    ),
  );
  expect(result.err).toContain(
    `port ${port} is still held: 0.0.0.0:${port} held by pid ${holder.pid}`,
  );
  expect(result.err).not.toMatch(/^stopped|not stopped|left alone/m);
  expect(await running(holder.pid)).toBe(true);
  expect(await linuxPlatform.listListeners(port)).toHaveLength(1);
  // cleanupProcesses stops it by its pid.
});

test('--kill escalates to SIGKILL for a holder that ignores SIGTERM', async () => {
  const port = await freePort();
  const code = `import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n${pythonListenCode(port, { host: '127.0.0.1' })}`;
  const holder = await spawnTracked(PYTHON, ['-u', '-c', code], { readyText: 'READY' });
  const result = await run(['free', '--port', String(port), '--kill', '--timeout', '300ms']);
  expect(result.code).toBe(0);
  expect(result.out).toContain(`killed pid ${holder.pid} (`);
  expect(result.out).toContain('still running 300 ms after SIGTERM');
  await until(async () => !(await running(holder.pid)));
});
