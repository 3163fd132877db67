/**
 * listListeners against real listeners on free ports: the exact socket count and pid set of
 * each, and the same pid sets as `ss -ltnp` sees.
 */
import { cleanupProcesses, freePort, spawnPython, spawnTracked, until } from '../helpers/procs.js';
import { readListenRows } from '../../src/platform/linux/listen-table.js';
import {
  findSocketHolders,
  findSocketHoldersInSlices,
} from '../../src/platform/linux/socket-holders.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ListenerSocket } from '../../src/platform/types.js';
import { HAS_SS, ourPidSets, ssPidSets } from '../helpers/ss.js';
import { listListenersAsNobody, removeBuild } from '../helpers/as-nobody.js';
import {
  removeAppDir,
  spawnGunicorn,
  spawnNodeServer,
  spawnPythonListener,
} from '../helpers/real-listeners.js';

afterEach(cleanupProcesses);
afterAll(removeAppDir);
afterAll(removeBuild);

const list = (port: number) => linuxPlatform.listListeners(port);

/** Our pid sets equal ss's for the port (when ss is installed). */
function expectSameAsSs(port: number, sockets: ListenerSocket[]): void {
  if (HAS_SS) expect(ourPidSets(sockets)).toEqual(ssPidSets(port));
}

test('nothing listening: no sockets', async () => {
  expect(await list(await freePort())).toEqual([]);
});

test('a Node server on dual-stack [::]: one IPv6 socket, its pid, process details', async () => {
  const port = await freePort();
  const server = await spawnNodeServer(port);
  const sockets = await list(port);
  expect(sockets).toHaveLength(1);
  const [socket] = sockets;
  expect(socket).toMatchObject({ address: '::', port, family: 'IPv6' });
  expect(socket!.socketId).toMatch(/^\d+$/);
  expect(socket!.ownerUnknown).toBeUndefined();
  expect(socket!.processes.map((p) => p.pid)).toEqual([server.pid]);
  const [proc] = socket!.processes;
  expect(proc).toMatchObject({
    ppid: process.pid,
    pgid: server.pid,
    name: 'node',
    uid: process.getuid!(),
    state: 'running',
  });
  expect(proc!.command).toContain('createServer');
  // Started moments ago, by the wall clock.
  expect(Math.abs(Date.now() - Date.parse(proc!.startedAt!))).toBeLessThan(60_000);
  expectSameAsSs(port, sockets);
});

test('Python on 0.0.0.0 plus another process on [::] v6-only: 2 sockets, 2 pids', async () => {
  const port = await freePort();
  const v4 = await spawnPythonListener(port, { host: '0.0.0.0' });
  const v6 = await spawnPythonListener(port, { host: '::', v6only: true });
  const sockets = await list(port);
  expect(sockets.map((s) => [s.family, s.address, s.processes.map((p) => p.pid)])).toEqual([
    ['IPv4', '0.0.0.0', [v4.pid]],
    ['IPv6', '::', [v6.pid]],
  ]);
  expectSameAsSs(port, sockets);
});

test('two processes with SO_REUSEPORT: 2 sockets, 2 pids', async () => {
  const port = await freePort();
  const a = await spawnPythonListener(port, { host: '127.0.0.1', reusePort: true });
  const b = await spawnPythonListener(port, { host: '127.0.0.1', reusePort: true });
  const sockets = await list(port);
  expect(sockets).toHaveLength(2);
  expect(new Set(sockets.map((s) => s.socketId)).size).toBe(2);
  expect(sockets.every((s) => s.address === '127.0.0.1' && s.processes.length === 1)).toBe(true);
  expect(sockets.map((s) => s.processes[0]!.pid).sort()).toEqual([a.pid, b.pid].sort());
  expectSameAsSs(port, sockets);
});

test('a forked child sharing its parent socket: 1 socket, 2 pids', async () => {
  const port = await freePort();
  const parent = await spawnPythonListener(port, { host: '0.0.0.0', fork: true });
  const child = Number(/CHILD (\d+)/.exec(parent.output())![1]);
  const sockets = await list(port);
  expect(sockets).toHaveLength(1);
  const holders = sockets[0]!.processes;
  expect(holders.map((p) => p.pid).sort()).toEqual([parent.pid, child].sort());
  expect(holders.find((p) => p.pid === child)!.ppid).toBe(parent.pid);
  expectSameAsSs(port, sockets);
});

test('gunicorn -w 3: 1 socket held by the master and its 3 workers', async () => {
  const port = await freePort();
  const server = await spawnGunicorn(port, 3);
  expect(server.workerPids).toHaveLength(3);
  const sockets = await list(port);
  expect(sockets).toHaveLength(1);
  expect(sockets[0]).toMatchObject({ address: '0.0.0.0', family: 'IPv4' });
  const pids = sockets[0]!.processes.map((p) => p.pid).sort();
  expect(pids).toEqual([server.pid, ...server.workerPids].sort());
  expect(
    sockets[0]!.processes
      .filter((p) => p.ppid === server.pid)
      .map((p) => p.pid)
      .sort(),
  ).toEqual([...server.workerPids].sort());
  expectSameAsSs(port, sockets);
});

test('listeners beyond the first page of /proc/net/tcp{,6} are found (the table is read in chunks)', async () => {
  // 120 IPv4 + 120 IPv6 LISTEN rows of ~150 bytes: several 4 KiB reads per table.
  const code = [
    'import socket, time',
    'ports = []',
    'for family, host in [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")] * 120:',
    '    s = socket.socket(family); s.bind((host, 0)); s.listen(); ports.append((s, s.getsockname()[1]))',
    'print("PORTS", " ".join(str(p) for _, p in ports))',
    'print("READY", flush=True)',
    'time.sleep(600)',
  ].join('\n');
  const server = await spawnPython(code);
  const ports = /PORTS ([\d ]+)/.exec(server.output())![1]!.split(' ').map(Number);
  expect(ports).toHaveLength(240);
  // 127.0.0.1 and ::1 may get the same port: ask once per port, then count sockets.
  const found = (await Promise.all([...new Set(ports)].map(list))).flat();
  expect(new Set(found.map((socket) => socket.socketId)).size).toBe(240);
  expect(found.filter((socket) => socket.family === 'IPv6')).toHaveLength(120);
  expect(
    found.every((socket) => socket.processes.map((p) => p.pid).join() === String(server.pid)),
  ).toBe(true);
});

test("another user's holder cannot be read: the socket is reported with the reason, never dropped", async () => {
  const port = await freePort();
  await spawnNodeServer(port); // ours (root); listed below as `nobody`
  const [asRoot] = await list(port);
  const asNobody = listListenersAsNobody(port);
  expect(asNobody).toEqual([
    {
      address: '::',
      port,
      family: 'IPv6',
      socketId: asRoot!.socketId,
      processes: [],
      ownerUnknown: expect.stringMatching(
        new RegExp(
          `^no readable process holds socket inode ${asRoot!.socketId} \\(permission denied for pids [\\d, ]+( and \\d+ more)?\\)$`,
        ),
      ),
    },
  ]);
});

test('a listener that goes away is no longer reported', async () => {
  const port = await freePort();
  const server = await spawnNodeServer(port);
  expect(await list(port)).toHaveLength(1);
  server.child.kill('SIGKILL');
  await until(async () => (await list(port)).length === 0);
});

test('getProcess and listProcesses see this process with its parent', async () => {
  const self = await linuxPlatform.getProcess(process.pid);
  expect(self).toMatchObject({
    pid: process.pid,
    ppid: process.ppid,
    name: 'node',
    uid: process.getuid!(),
  });
  expect(await linuxPlatform.getProcess(2 ** 22 + 1)).toBeNull();
  const all = await linuxPlatform.listProcesses();
  expect(all.find((p) => p.pid === process.pid)).toMatchObject({ ppid: process.ppid });
  expect(all.some((p) => p.pid === 1)).toBe(true);
});

test('listeningSocketsOf a shell names its grandchild server: descendants from the kernel, no process-table scan', async () => {
  const port = await freePort();
  // dash does not exec the last command: the shell → a subshell → Python, which listens.
  const shell = await spawnTracked(
    'sh',
    [
      '-c',
      `(python3 -u -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', ${port})); s.listen(); print('READY'); import time; time.sleep(60)"; true)`,
    ],
    { readyText: 'READY' },
  );
  const sockets = await linuxPlatform.listeningSocketsOf!([shell.pid]);
  const onPort = sockets.filter((s) => s.port === port);
  expect(onPort).toHaveLength(1);
  const [holder] = onPort[0]!.processes;
  expect(holder!.pid).not.toBe(shell.pid);
  expect(holder!.command).toContain('python3');
  // The same socket, with the same holder, as the full inventory finds.
  expect((await list(port)).map((s) => [s.socketId, s.processes.map((p) => p.pid)])).toEqual([
    [onPort[0]!.socketId, [holder!.pid]],
  ]);
});

test('the inventory walked in slices finds what the one-pass walk finds', async () => {
  const ports = [await freePort(), await freePort()];
  const servers = [
    await spawnNodeServer(ports[0]!),
    await spawnPythonListener(ports[1]!, { host: '127.0.0.1' }),
  ];
  // Only this test's sockets: other tests' servers come and go between the two walks.
  const rows = ports.flatMap((port) => readListenRows(port));
  const wanted = new Set(rows.map((row) => row.inode));
  const sliced = await findSocketHoldersInSlices(wanted);
  expect(sliced.holders).toEqual(findSocketHolders(wanted).holders);
  expect([...sliced.holders.values()].flat().sort()).toEqual(servers.map((s) => s.pid).sort());
});

test('the sliced walk hands the event loop turns while it runs; the one-pass walk does not', async () => {
  // Our own fd table, walked 2,000 times: far longer than one slice whatever the machine.
  const pids = Array.from({ length: 2000 }, () => process.pid);
  const turnsDuring = async (walk: () => unknown) => {
    let turns = 0;
    let walking = true;
    const tick = () => {
      if (!walking) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await walk();
    walking = false;
    return turns;
  };
  expect(await turnsDuring(() => findSocketHolders(new Set(), pids))).toBe(0);
  expect(await turnsDuring(() => findSocketHoldersInSlices(new Set(), pids))).toBeGreaterThan(0);
});
