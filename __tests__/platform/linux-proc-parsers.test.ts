/** The pure /proc parsers on fixtures: addresses in both byte orders, LISTEN rows only, stat names. */
import { readFileSync } from 'node:fs';
import { decodeIPv4, decodeIPv6, parseListenRows } from '../../src/platform/linux/proc-net-tcp.js';
import {
  parseBootTime,
  parseCmdline,
  parseStat,
  parseStatusUid,
  parseUptime,
} from '../../src/platform/linux/proc-stat.js';
import { assembleListeners, ownerUnknownReason } from '../../src/platform/linux/listeners.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

describe('address decoding', () => {
  test.each([
    ['00000000', '0.0.0.0'],
    ['0100007F', '127.0.0.1'],
    ['0A01A8C0', '192.168.1.10'],
  ])('IPv4 %s (little-endian host) is %s', (hex, address) => {
    expect(decodeIPv4(hex, true)).toBe(address);
  });

  test('IPv4 on a big-endian host is printed in network order', () => {
    expect(decodeIPv4('7F000001', false)).toBe('127.0.0.1');
  });

  test.each([
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000001000000', '::1'],
    ['0000000000000000FFFF00000100007F', '::ffff:127.0.0.1'],
    ['B80D0120000000000000000001000000', '2001:db8::1'],
    ['000080FE00000000FF000002FE030201', 'fe80::200:ff:102:3fe'],
  ])('IPv6 %s (four little-endian words) is %s', (hex, address) => {
    expect(decodeIPv6(hex, true)).toBe(address);
  });

  test.each([
    ['20010DB8000000000001000000000001', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['20010DB8000000010001000100010001', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['00010000000000000000000000000000', '1::'],
  ])('IPv6 %s (big-endian host) is %s in RFC 5952 form', (hex, address) => {
    expect(decodeIPv6(hex, false)).toBe(address);
  });
});

describe('parseListenRows', () => {
  test('IPv4: only LISTEN rows, header and malformed rows skipped without throwing', () => {
    expect(parseListenRows(fixture('proc-net-tcp.txt'), 'IPv4')).toEqual([
      { address: '0.0.0.0', port: 5000, family: 'IPv4', inode: '41001' },
      { address: '127.0.0.1', port: 5000, family: 'IPv4', inode: '41002' },
      { address: '127.0.0.1', port: 8080, family: 'IPv4', inode: '41003' },
      { address: '192.168.1.10', port: 80, family: 'IPv4', inode: '41007' },
    ]);
  });

  test('IPv6: only LISTEN rows, truncated rows skipped', () => {
    const rows = parseListenRows(fixture('proc-net-tcp6.txt'), 'IPv6');
    expect(rows.map((r) => [r.address, r.port, r.inode])).toEqual([
      ['::', 5000, '52001'],
      ['::1', 5000, '52002'],
      ['::ffff:127.0.0.1', 5000, '52003'],
      ['2001:db8::1', 80, '52004'],
      ['fe80::200:ff:102:3fe', 8080, '52005'],
      ['::1', 5000, '52007'],
    ]);
    expect(rows.every((r) => r.family === 'IPv6')).toBe(true);
  });

  test('empty or nonsense text gives no rows', () => {
    expect(parseListenRows('', 'IPv4')).toEqual([]);
    expect(parseListenRows('\n\n  0: zz 0A\n', 'IPv6')).toEqual([]);
  });
});

describe('parseStat', () => {
  test('a name with spaces and parentheses is split at the last ")"', () => {
    expect(parseStat(fixture('stat-weird-name.txt'))).toEqual({
      pid: 4242,
      name: 'my (weird) name',
      state: 'S',
      ppid: 1,
      pgrp: 4242,
      startTicks: 29933,
    });
  });

  test('a zombie keeps its state letter', () => {
    expect(parseStat(fixture('stat-zombie.txt'))).toMatchObject({
      pid: 777,
      state: 'Z',
      ppid: 776,
      startTicks: 150000,
    });
  });

  test('a name with ") S 1 2" inside cannot shift the fields', () => {
    const text = '99 (evil) S 1 2 3) R 55 99 99 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0';
    expect(parseStat(text)).toMatchObject({
      name: 'evil) S 1 2 3',
      state: 'R',
      ppid: 55,
      pgrp: 99,
      startTicks: 777,
    });
  });

  test.each(['', '12 (x', '12 (x) S 1', 'abc (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5'])(
    'malformed %j is null',
    (text) => {
      expect(parseStat(text)).toBeNull();
    },
  );
});

describe('other /proc files', () => {
  test('cmdline: NUL-separated, trailing NUL padding dropped', () => {
    expect(parseCmdline('python3\0-m\0flask\0run\0')).toBe('python3 -m flask run');
    expect(parseCmdline('gunicorn: master [app]\0\0\0\0')).toBe('gunicorn: master [app]');
    expect(parseCmdline('')).toBe('');
  });

  test('status: the real uid', () => {
    expect(parseStatusUid(fixture('status.txt'))).toBe(65534);
    expect(parseStatusUid('Name:\tx\n')).toBeUndefined();
  });

  test('btime and uptime', () => {
    expect(parseBootTime(fixture('proc-stat.txt'))).toBe(1700000000);
    expect(parseBootTime('cpu 1 2 3\n')).toBeNull();
    expect(parseUptime('351735.47 1409285.06\n')).toBe(351735.47);
    expect(parseUptime('12 5\n')).toBe(12);
    expect(parseUptime('')).toBeNull();
  });
});

describe('assembleListeners', () => {
  const rows = [
    { address: '0.0.0.0', port: 5000, family: 'IPv4' as const, inode: '41001' },
    { address: '::', port: 5000, family: 'IPv6' as const, inode: '52001' },
  ];
  const proc = (pid: number) => ({ pid, ppid: 1, name: 'x', command: 'x', startedAt: null });

  test('every holder of an inode is reported; a holder that exited meanwhile is dropped', () => {
    const sockets = assembleListeners(
      rows,
      { holders: new Map([['41001', [10, 11, 12]]]), deniedPids: [] },
      (pid) => (pid === 12 ? null : proc(pid)),
    );
    expect(sockets[0]).toEqual({
      address: '0.0.0.0',
      port: 5000,
      family: 'IPv4',
      socketId: '41001',
      processes: [proc(10), proc(11)],
    });
  });

  test('a socket nobody visible holds is kept, with the reason', () => {
    const [, hidden] = assembleListeners(
      rows,
      { holders: new Map(), deniedPids: [1, 2, 3, 4, 5, 6, 7] },
      proc,
    );
    expect(hidden!.processes).toEqual([]);
    expect(hidden!.ownerUnknown).toBe(
      'no readable process holds socket inode 52001 (permission denied for pids 1, 2, 3, 4, 5 and 2 more)',
    );
    expect(ownerUnknownReason('9', [])).toMatch(
      /^no process visible here holds socket inode 9 \(another PID namespace/,
    );
  });
});
