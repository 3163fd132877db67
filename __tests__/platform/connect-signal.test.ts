/**
 * The connect signal against real listeners on free ports: what a connect says, and when the
 * watch's cheap read asks for an inventory. A test clock moves the cadence; inventories are
 * plain functions whose calls are counted.
 */
import net from 'node:net';
import { connectState, createInventorySignal } from '../../src/platform/connect-signal.js';
import type { ListenerSocket, ListenerTable } from '../../src/platform/types.js';
import { freePort } from '../helpers/procs.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A server on 127.0.0.1:port that counts the connections it accepts. */
async function listen(port: number) {
  const server = net.createServer((socket) => socket.destroy());
  servers.push(server);
  const accepted = { count: 0 };
  server.on('connection', () => (accepted.count += 1));
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return { server, accepted };
}

const socketOn = (port: number, socketId = 'sock-1'): ListenerSocket => ({
  address: '127.0.0.1',
  port,
  family: 'IPv4',
  socketId,
  processes: [{ pid: process.pid, ppid: null, name: 'node', command: '', startedAt: null }],
});

/** A signal on a test clock, connecting to loopback only (the host's interfaces left out). */
function testSignal() {
  const clock = { ms: 0 };
  const signal = createInventorySignal({ now: () => clock.ms, hostAddresses: () => [] });
  let inventories = 0;
  const inventory = (table: ListenerTable) => async () => {
    inventories += 1;
    return table;
  };
  return { signal, clock, inventory, inventories: () => inventories };
}

const DUE = 'signal:inventory-due';

describe('connectState', () => {
  test('refused on a free port, accepting while a server listens, refused again once it closes', async () => {
    const port = await freePort();
    await expect(connectState('127.0.0.1', port)).resolves.toBe('refused');
    const { server, accepted } = await listen(port);
    await expect(connectState('127.0.0.1', port)).resolves.toBe('accepting');
    await new Promise((done) => server.close(done));
    servers.splice(servers.indexOf(server), 1);
    expect(accepted.count).toBe(1);
    await expect(connectState('127.0.0.1', port)).resolves.toBe('refused');
  });
});

describe('the watch read (socketIds)', () => {
  test('an unwatched port: the inventory runs as asked, nothing connects to the port', async () => {
    const port = await freePort();
    const { accepted } = await listen(port);
    const { signal, inventory } = testSignal();
    await expect(signal.track(port, inventory([socketOn(port)]))).resolves.toHaveLength(1);
    expect(accepted.count).toBe(0);
  });

  test('nothing changes: the last inventory ids, poll after poll, with no inventory taken', async () => {
    const port = await freePort();
    const { signal, inventory, inventories, clock } = testSignal();
    await expect(signal.socketIds(port)).resolves.toEqual([DUE]); // the watch's first read
    await signal.track(port, inventory([]));
    for (let poll = 0; poll < 20; poll++) {
      clock.ms += 25;
      await expect(signal.socketIds(port)).resolves.toEqual([]);
    }
    expect(inventories()).toBe(1);
  });

  test('a listener appearing changes the answer before any inventory; the next inventory settles it', async () => {
    const port = await freePort();
    const { signal, inventory, clock } = testSignal();
    await signal.socketIds(port);
    await signal.track(port, inventory([]));
    const { accepted } = await listen(port);
    clock.ms += 25;
    await expect(signal.socketIds(port)).resolves.toEqual([DUE]);
    await signal.track(port, inventory([socketOn(port)]));
    clock.ms += 25;
    await expect(signal.socketIds(port)).resolves.toEqual(['sock-1']);
    // An address that accepts is connected to at most every 500 ms: the backend sees each.
    const seen = accepted.count;
    for (let poll = 0; poll < 5; poll++) {
      clock.ms += 25;
      await signal.socketIds(port);
    }
    expect(accepted.count).toBe(seen);
  });

  test('the listener closing changes the answer', async () => {
    const port = await freePort();
    const { signal, inventory, clock } = testSignal();
    const { server } = await listen(port);
    await signal.socketIds(port);
    await signal.track(port, inventory([socketOn(port)]));
    await new Promise((done) => server.close(done));
    servers.splice(0);
    clock.ms += 500; // an address that accepts is connected to every 500 ms
    await expect(signal.socketIds(port)).resolves.toEqual(['sock-1', DUE]);
  });

  test('while a listener accepts, an inventory is due every 2 s even with the answer unchanged (a second listener hides behind it)', async () => {
    const port = await freePort();
    await listen(port);
    const { signal, inventory, clock } = testSignal();
    await signal.socketIds(port);
    await signal.track(port, inventory([socketOn(port)]));
    clock.ms += 1_999;
    await expect(signal.socketIds(port)).resolves.toEqual(['sock-1']);
    clock.ms += 1;
    await expect(signal.socketIds(port)).resolves.toEqual(['sock-1', DUE]);
    // The inventory it asked for shows the second socket, and the read then gives both.
    await signal.track(port, inventory([socketOn(port), socketOn(port, 'sock-2')]));
    await expect(signal.socketIds(port)).resolves.toEqual(['sock-1', 'sock-2']);
  });

  test('with nothing listening, an inventory is due every 10 s', async () => {
    const port = await freePort();
    const { signal, inventory, clock } = testSignal();
    await signal.socketIds(port);
    await signal.track(port, inventory([]));
    clock.ms += 9_999;
    await expect(signal.socketIds(port)).resolves.toEqual([]);
    clock.ms += 1;
    await expect(signal.socketIds(port)).resolves.toEqual([DUE]);
  });

  test('a failed inventory is asked for again after 500 ms, not on every poll', async () => {
    const port = await freePort();
    const { signal, clock } = testSignal();
    await signal.socketIds(port);
    const failing = () => Promise.reject(new Error('lsof did not finish within 10 s'));
    await expect(signal.track(port, failing)).rejects.toThrow('lsof did not finish');
    clock.ms += 499;
    await expect(signal.socketIds(port)).resolves.toEqual([]);
    clock.ms += 1;
    await expect(signal.socketIds(port)).resolves.toEqual([DUE]);
  });
});
