/**
 * The watch's cheap read on Linux: the table is re-read when its family's socket count moves or
 * the last read is REVALIDATE_MS old (on fakes), the real counts move with real listeners, and the
 * read finds them. The watch's schedule: fast after its start, the idle pace later, and a late
 * binder is still seen.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ListenRowsCache,
  listeningSocketIds,
  parseInUse,
  REVALIDATE_MS,
  tcpSocketsInUse,
} from '../../src/platform/linux/socket-ids.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import { BURST_MS, PortWatch } from '../../src/checklist/port-watch.js';
import { pause } from '../../src/process/wait.js';
import { freePort } from '../helpers/procs.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(port: number, host: string): Promise<net.Server> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen({ port, host, exclusive: true }, done));
  return server;
}

const close = (server: net.Server) =>
  new Promise<void>((done) => {
    servers.splice(servers.indexOf(server), 1);
    server.close(() => done());
  });

/** The inode the full read gives for the port's listener. */
async function inodeOf(port: number): Promise<string[]> {
  return (await linuxPlatform.listListeners(port)).map((s) => s.socketId);
}

test('sockstat texts: the TCP and TCP6 inuse counts', () => {
  const v4 = 'sockets: used 290\nTCP: inuse 12 orphan 0 tw 3 alloc 14 mem 1\nUDP: inuse 2 mem 0\n';
  const v6 = 'TCP6: inuse 4\nUDP6: inuse 1\n';
  expect(parseInUse(v4, 'IPv4')).toBe(12);
  expect(parseInUse(v6, 'IPv6')).toBe(4);
  expect(parseInUse(v6, 'IPv4')).toBeNull();
  expect(parseInUse('', 'IPv6')).toBeNull();
});

describe('ListenRowsCache: the table is re-read exactly when the counters cannot vouch for it', () => {
  const row = (inode: string) => ({ address: '::', port: 80, family: 'IPv6' as const, inode });

  function cacheWith(counts: Array<number | null>) {
    const reads: string[] = [];
    let table = 0;
    const cache = new ListenRowsCache(
      () => counts.shift() ?? null,
      () => {
        reads.push(`read ${++table}`);
        return [row(String(table))];
      },
    );
    const at = (nowMs: number) => cache.rows('/proc/net/tcp6', 'IPv6', 80, nowMs)[0]!.inode;
    return { at, reads };
  }

  test('same count, younger than REVALIDATE_MS: the last read serves', () => {
    const { at, reads } = cacheWith([7, 7, 7]);
    expect([at(0), at(10), at(REVALIDATE_MS - 1)]).toEqual(['1', '1', '1']);
    expect(reads).toHaveLength(1);
  });

  test('a moved count: read again at once', () => {
    const { at, reads } = cacheWith([7, 8, 8]);
    expect([at(0), at(10), at(20)]).toEqual(['1', '2', '2']);
    expect(reads).toHaveLength(2);
  });

  test('the same count REVALIDATE_MS later: read again (a swap the count cannot see)', () => {
    const { at } = cacheWith([7, 7, 7]);
    expect([at(0), at(REVALIDATE_MS), at(REVALIDATE_MS + 1)]).toEqual(['1', '2', '2']);
  });

  test('an unreadable count: read every time', () => {
    const { at, reads } = cacheWith([null, null, null]);
    expect([at(0), at(1), at(2)]).toEqual(['1', '2', '3']);
    expect(reads).toHaveLength(3);
  });
});

test.each(['127.0.0.1', '::1'])(
  "a listener on %s moves its family's count and is in the next read; its closing too",
  async (host) => {
    const family = host.includes(':') ? 'IPv6' : 'IPv4';
    const port = await freePort();
    const before = tcpSocketsInUse(family);
    expect(before).not.toBeNull();
    const server = await listen(port, host);
    expect(tcpSocketsInUse(family)).not.toBeNull();
    // A revalidating read, so another process's sockets moving the count back cannot hide it.
    const ids = listeningSocketIds(port, performance.now() + REVALIDATE_MS);
    expect(ids).toEqual(await inodeOf(port));
    expect(ids).toHaveLength(1);
    await close(server);
    expect(listeningSocketIds(port, performance.now() + 2 * REVALIDATE_MS)).toEqual([]);
  },
);

test('the count of hashed sockets moves with a listener of ours', async () => {
  // Other processes open and close sockets too: a few tries until nothing else moved meanwhile.
  let moved = false;
  for (let attempt = 0; attempt < 20 && !moved; attempt++) {
    const before = tcpSocketsInUse('IPv6')!;
    const server = await listen(0, '::1');
    const during = tcpSocketsInUse('IPv6')!;
    await close(server);
    const after = tcpSocketsInUse('IPv6')!;
    moved = during === before + 1 && after === before;
  }
  expect(moved).toBe(true);
});

test('the Linux watch polls at its fast pace after it starts, at its idle pace later', async () => {
  const watch = new PortWatch(
    linuxPlatform,
    await freePort(),
    () => 0,
    async () => {},
  );
  watch.start();
  try {
    expect(watch.pollDelayMs()).toBe(linuxPlatform.watchPollMs);
    expect(watch.pollDelayMs(performance.now() + BURST_MS)).toBe(linuxPlatform.watchIdlePollMs);
    expect(linuxPlatform.watchIdlePollMs).toBeGreaterThan(linuxPlatform.watchPollMs);
  } finally {
    await watch.stop();
  }
});

test('the watch, at its idle pace, still sees a listener that binds late', async () => {
  const port = await freePort();
  const watch = new PortWatch(
    linuxPlatform,
    port,
    () => 0,
    async () => {},
  );
  watch.start();
  try {
    await watch.changed(); // the first inventory: nothing there
    await pause(BURST_MS + 100);
    expect(watch.pollDelayMs()).toBe(linuxPlatform.watchIdlePollMs);
    const changed = watch.changed();
    const server = await listen(port, '::1');
    await changed;
    expect(watch.current.map((s) => s.socketId)).toEqual(await inodeOf(port));
    await close(server);
  } finally {
    await watch.stop();
  }
});
