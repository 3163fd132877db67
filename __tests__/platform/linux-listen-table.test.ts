/**
 * The early-stop reader of /proc/net/tcp{,6}: on tables served the way the kernel serves them
 * (whole rows, at most a page per read) it returns every LISTEN row while reading no further than
 * the first established rows; when the rows break the listening-first order it reads the whole
 * table. Then the same on the real tables, with real listeners and connections.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import net from 'node:net';
import {
  nextSection,
  readListenRows,
  readListeningSection,
  type ReadChunk,
} from '../../src/platform/linux/listen-table.js';
import { parseListenRows } from '../../src/platform/linux/proc-net-tcp.js';

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const PAGE = 4096;

/** One IPv4 row as the kernel prints it (padded to 149 characters), local port `port`. */
function row(index: number, state: string, port: number, inode: number): string {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const remote = state === '0A' ? '00000000:0000' : '0100007F:9C40';
  const text = `${String(index).padStart(4)}: 0100007F:${hexPort} ${remote} ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
  return text.padEnd(149);
}

/** A table: the header, then rows of the given states (port 1000 + i, inode 5000 + i). */
function table(states: string[]): string {
  const rows = states.map((state, i) => row(i, state, 1000 + i, 5000 + i));
  return [HEADER.padEnd(149), ...rows].map((line) => `${line}\n`).join('');
}

/**
 * Serves `text` like seq_file: each read returns whole lines, as many as fit in a page (or
 * `cut` bytes at a time, lines split anywhere, when given). Counts the bytes served.
 */
function kernelLike(text: string, cut?: number): { read: ReadChunk; served: () => number } {
  let at = 0;
  const read: ReadChunk = (buffer) => {
    let end: number;
    if (cut !== undefined) {
      end = Math.min(text.length, at + cut);
    } else {
      end = at;
      for (;;) {
        const next = text.indexOf('\n', end);
        if (next < 0 || next + 1 - at > Math.min(PAGE, buffer.length)) break;
        end = next + 1;
      }
    }
    const n = buffer.write(text.slice(at, end), 'latin1');
    at = end;
    return n;
  };
  return { read, served: () => at };
}

const listenPorts = (text: string) => parseListenRows(text, 'IPv4').map((r) => r.port);
const repeat = (state: string, n: number) => Array<string>(n).fill(state);

describe('the early-stop reader on kernel-like tables', () => {
  test('LISTEN rows followed by established ones: every LISTEN row, read stops within a page', () => {
    const states = [...repeat('0A', 5), ...repeat('01', 2000)];
    const full = table(states);
    const { read, served } = kernelLike(full);
    const text = readListeningSection(read);
    expect(listenPorts(text)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(served()).toBeLessThanOrEqual(PAGE);
    expect(served()).toBeLessThan(full.length / 50);
  });

  test('a listening section longer than many pages is read whole, then reading stops', () => {
    const states = [...repeat('0A', 300), ...repeat('01', 2000), ...repeat('06', 10)];
    const full = table(states);
    const { read, served } = kernelLike(full);
    const text = readListeningSection(read);
    expect(listenPorts(text)).toHaveLength(300);
    expect(listenPorts(text).at(-1)).toBe(1299);
    expect(served()).toBeGreaterThan(300 * 150);
    expect(served()).toBeLessThan(300 * 150 + 2 * PAGE);
  });

  test('SYN_RECV rows next to their listener (kernels before 4.4) do not end the section', () => {
    const states = ['0A', '03', '03', ...repeat('0A', 40), ...repeat('01', 500)];
    const text = readListeningSection(kernelLike(table(states)).read);
    expect(listenPorts(text)).toHaveLength(41);
  });

  test('only LISTEN rows (no established section): the whole table', () => {
    const full = table(repeat('0A', 100));
    const { read, served } = kernelLike(full);
    expect(listenPorts(readListeningSection(read))).toHaveLength(100);
    expect(served()).toBe(full.length);
  });

  test('an empty table (header only) and an empty file', () => {
    expect(listenPorts(readListeningSection(kernelLike(table([])).read))).toEqual([]);
    expect(readListeningSection(kernelLike('').read)).toBe('');
  });

  test('a LISTEN row after an established one: the order is broken, the whole table is read', () => {
    // The out-of-order row is in the first page; more LISTEN rows hide pages later.
    const states = ['0A', '01', '0A', ...repeat('01', 500), '0A', ...repeat('01', 500), '0A'];
    const full = table(states);
    const { read, served } = kernelLike(full);
    const text = readListeningSection(read);
    expect(served()).toBe(full.length);
    expect(listenPorts(text)).toEqual([1000, 1002, 1503, 2004]);
  });

  test('rows cut anywhere by the reads are judged whole, never by their fragments', () => {
    const states = [...repeat('0A', 60), ...repeat('01', 300)];
    for (const cut of [4000, 4095, 4096]) {
      const text = readListeningSection(kernelLike(table(states), cut).read);
      expect(listenPorts(text)).toHaveLength(60);
    }
  });
});

describe('nextSection', () => {
  const lines = (states: string[]) => table(states).split('\n');
  test.each([
    [['0A', '0A'], 'listening'],
    [['0A', '03', '0A'], 'listening'],
    [['0A', '01', '06'], 'past-listening'],
    [['06'], 'past-listening'],
    [['0A', '01', '0A'], 'out-of-order'],
    [['01', '03'], 'out-of-order'],
  ])('%j → %s', (states, section) => {
    expect(nextSection('listening', lines(states))).toBe(section);
  });

  test('a section already past listening stays past it, and a LISTEN row then breaks the order', () => {
    expect(nextSection('past-listening', lines(['01']))).toBe('past-listening');
    expect(nextSection('past-listening', lines(['0A']))).toBe('out-of-order');
  });
});

describe('the real tables', () => {
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
  });

  async function listen(host: string): Promise<number> {
    const server = net.createServer((socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, host, done));
    return (server.address() as net.AddressInfo).port;
  }

  /** `count` established loopback connections to the port: rows after the listening section. */
  async function connect(port: number, host: string, count: number): Promise<void> {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((done, fail) => {
            const socket = net.connect(port, host, () => done());
            socket.once('error', fail);
            sockets.push(socket);
          }),
      ),
    );
  }

  function wholeTable(path: string): string {
    return readFileSync(path, 'latin1');
  }

  function earlyRead(path: string): string {
    const fd = openSync(path, 'r');
    try {
      return readListeningSection((buffer) => readSync(fd, buffer, 0, buffer.length, null));
    } finally {
      closeSync(fd);
    }
  }

  test('listeners in both families are found among 300 established connections, read early', async () => {
    const v4 = await listen('127.0.0.1');
    const v6 = await listen('::1');
    await connect(v4, '127.0.0.1', 150);
    await connect(v6, '::1', 150);

    const rows = readListenRows();
    expect(rows.filter((r) => r.port === v4)).toEqual([
      expect.objectContaining({ address: '127.0.0.1', family: 'IPv4' }),
    ]);
    expect(rows.filter((r) => r.port === v6)).toEqual([
      expect.objectContaining({ address: '::1', family: 'IPv6' }),
    ]);
    expect(readListenRows(v4).map((r) => r.family)).toEqual(['IPv4']);

    for (const path of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const whole = wholeTable(path);
      // This kernel keeps the order the reader relies on: no LISTEN row after an established one.
      expect(nextSection('listening', whole.split('\n'))).toBe('past-listening');
      // 300 established rows are far more than a page: the early read stops well before them.
      const early = earlyRead(path);
      expect(early.length).toBeLessThan(whole.length);
      expect(whole.startsWith(early.slice(0, early.indexOf('\n')))).toBe(true);
    }
  });

  test('a listener that closes is gone from the next read', async () => {
    const port = await listen('127.0.0.1');
    expect(readListenRows(port)).toHaveLength(1);
    await new Promise((done) => servers.pop()!.close(done));
    expect(readListenRows(port)).toEqual([]);
  });
});

test('one port asked for: only its LISTEN rows', () => {
  const text = table(['0A', '0A', '0A', '01']);
  expect(parseListenRows(text, 'IPv4', 1001).map((r) => [r.port, r.inode])).toEqual([
    [1001, '5001'],
  ]);
  expect(parseListenRows(text, 'IPv4', 1003)).toEqual([]);
});
