/**
 * The port watch on the macOS and Windows platforms, run here with their tools played by a
 * runner that describes a real Node listener this test starts on a free port: the watch's polls
 * connect to the port and start nothing; lsof / PowerShell run when the answer changes, and at
 * the 2 s cadence that finds a listener a connect cannot see. Counts, never times, are asserted.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { PortWatch } from '../../src/checklist/port-watch.js';
import type { SignalCadence } from '../../src/platform/connect-signal.js';
import { createDarwinPlatform } from '../../src/platform/darwin/index.js';
import type { Platform } from '../../src/platform/types.js';
import { createWindowsPlatform } from '../../src/platform/windows/index.js';
import {
  fakeMacTools,
  fakeWindowsTools,
  listenersOf,
  type DescribedListener,
  type FakeTools,
} from '../helpers/fake-os-tools.js';
import { sleep, until } from '../helpers/procs.js';

interface Machine {
  platform: Platform;
  tools: FakeTools;
}
type Listeners = () => DescribedListener[];
type Cadence = Partial<SignalCadence>;

const PLATFORMS: [string, (listeners: Listeners, signal?: Cadence) => Machine][] = [
  [
    'macOS, not root (lsof beside netstat, then ps)',
    (listeners, signal) => {
      const tools = fakeMacTools(listeners, { lsofMs: 30, netstatMs: 30, psMs: 30 });
      return { tools, platform: createDarwinPlatform(tools.run, { uid: 501, signal }) };
    },
  ],
  [
    'Windows (PowerShell)',
    (listeners, signal) => {
      const tools = fakeWindowsTools(listeners, { powershellMs: 100 });
      return { tools, platform: createWindowsPlatform(tools.run, { signal }) };
    },
  ],
];

let server: net.Server;
let watch: PortWatch | null = null;
beforeEach(() => {
  server = net.createServer((socket) => socket.destroy());
});
afterEach(async () => {
  await watch?.stop();
  watch = null;
  if (server.listening) await new Promise((done) => server.close(done));
});

function startWatch(platform: Platform, port: number): PortWatch {
  watch = new PortWatch(
    platform,
    port,
    () => performance.now(),
    async () => {},
  );
  watch.start();
  return watch;
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux): the tests listen on it
 * a moment after picking it, and outgoing connections on a busy host never take it meanwhile.
 */
async function quietPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = net.createServer();
    const free = await new Promise<boolean>((done) => {
      probe.once('error', () => done(false));
      probe.listen(port, () => probe.close(() => done(true)));
    });
    if (free) return port;
  }
}

const listen = (port: number) =>
  new Promise<void>((done) => server.listen(port, '127.0.0.1', done));

describe.each(PLATFORMS)('%s', (_name, machine) => {
  test('nothing listens: a second of polls takes the one inventory the watch starts with', async () => {
    const port = await quietPort();
    const { platform, tools } = machine(listenersOf(server));
    const w = startWatch(platform, port);
    await sleep(1000); // ~25 polls at 40 ms
    await until(() => w.history.length === 1);
    expect(tools.inventories).toBe(1);
    expect(w.current).toEqual([]);
  });

  test('a listener appears: the watch finds it with its holder, in at most 3 inventories', async () => {
    const port = await quietPort();
    const { platform, tools } = machine(listenersOf(server));
    const w = startWatch(platform, port);
    await until(() => w.history.length === 1);
    await sleep(300);
    await listen(port);
    await until(() => w.current.length > 0);
    expect(w.current.map((s) => [s.address, s.port, s.processes.map((p) => p.pid)])).toEqual([
      ['127.0.0.1', port, [process.pid]],
    ]);
    expect(w.current[0]?.ownerUnknown).toBeUndefined();
    // The start, the change (and one more when the listener came up while that read ran).
    expect(tools.inventories).toBeGreaterThanOrEqual(2);
    expect(tools.inventories).toBeLessThanOrEqual(3);
  });

  test('the listener closing is seen without waiting for the cadence', async () => {
    const port = await quietPort();
    await listen(port);
    const { platform } = machine(listenersOf(server), { listeningInventoryMs: 60_000 });
    const w = startWatch(platform, port);
    await until(() => w.current.length === 1);
    await new Promise((done) => server.close(done));
    await until(() => w.current.length === 0);
    expect(w.records.size).toBe(1);
    expect([...w.records.values()][0]?.goneMs).not.toBeNull();
  });

  test('a second listener on the same address, which a connect cannot tell apart, is found by the cadence inventory', async () => {
    const port = await quietPort();
    await listen(port);
    const hidden: DescribedListener[] = [];
    const listeners = () => [...listenersOf(server)(), ...hidden];
    const { platform, tools } = machine(listeners, { listeningInventoryMs: 300 });
    const w = startWatch(platform, port);
    await until(() => w.current.length === 1);
    hidden.push({ address: '127.0.0.1', port, ipv6: false, pid: process.ppid });
    await until(() => w.current.length === 2);
    expect(w.current.flatMap((s) => s.processes.map((p) => p.pid)).sort()).toEqual(
      [process.pid, process.ppid].sort(),
    );
    expect(tools.inventories).toBeGreaterThanOrEqual(2);
  });
});
