/** macOS parsers on fixtures as lsof and ps print them: `-F0` with NULs, plain `-F`, BSD ps rows. */
import { readFileSync } from 'node:fs';
import { knownSystemHolder } from '../../src/platform/darwin/known-holders.js';
import { lsofArgs, parseLsofFields, readLsofFields } from '../../src/platform/darwin/lsof.js';
import { NETSTAT_ARGS, parseNetstatListeners } from '../../src/platform/darwin/netstat.js';
import { parsePsNames, parsePsRows, psArgs } from '../../src/platform/darwin/ps.js';
import type { ProcessInfo } from '../../src/platform/types.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/darwin/${name}`, import.meta.url), 'utf8');

describe('lsof -F field output', () => {
  test('asks for exactly the fields it reads, NUL-separated, TCP listeners on the port only', () => {
    expect(lsofArgs(5000)).toEqual(['-nP', '-iTCP:5000', '-sTCP:LISTEN', '+c0', '-F0pRcftdnT']);
  });

  test('-F0 fixtures really are NUL-terminated fields', () => {
    expect(fixture('lsof-shared-socket.F0.txt')).toContain('p4100\0R4099\0cpython3\0\n');
  });

  test('a socket shared by two processes appears once per pid with the same d', () => {
    expect(parseLsofFields(fixture('lsof-shared-socket.F0.txt'))).toEqual([
      {
        pid: 4100,
        ppid: 4099,
        command: 'python3',
        fd: '5',
        family: 'IPv4',
        device: '0x8c1f2a7b9d3e4f01',
        address: '0.0.0.0',
        port: 8000,
      },
      {
        pid: 4101,
        ppid: 4100,
        command: 'python3',
        fd: '5',
        family: 'IPv4',
        device: '0x8c1f2a7b9d3e4f01',
        address: '0.0.0.0',
        port: 8000,
      },
    ]);
  });

  test('*:P is 0.0.0.0 for an IPv4 socket and :: for an IPv6 one: only t tells them apart', () => {
    const entries = parseLsofFields(fixture('lsof-airplay-both-families.F0.txt'));
    expect(entries.map((e) => [e.family, e.address, e.port, e.device])).toEqual([
      ['IPv4', '0.0.0.0', 5000, '0x2d5e8a1c44f07b13'],
      ['IPv6', '::', 5000, '0x2d5e8a1c3a6f9e2b'],
    ]);
  });

  test('newline-separated -F output reads the same, brackets stripped from IPv6 names', () => {
    const entries = parseLsofFields(fixture('lsof-loopback.F.txt'));
    expect(entries.map((e) => [e.pid, e.command, e.family, e.address, e.port])).toEqual([
      [733, 'Python', 'IPv4', '127.0.0.1', 5000],
      [733, 'Python', 'IPv6', '::1', 5000],
    ]);
  });

  test('the real BetterTouchTool capture (with its source line) reads as two sockets of one pid', () => {
    const entries = parseLsofFields(fixture('lsof-bettertouchtool-root.F0.txt'));
    expect(entries.map((e) => [e.pid, e.command, e.family, e.address, e.port, e.device])).toEqual([
      [34548, 'BetterTouchTool', 'IPv4', '0.0.0.0', 62981, '0xa42a1d0ade5d3585'],
      [34548, 'BetterTouchTool', 'IPv6', '::', 62981, '0xa42a1d0ad67f7a5d'],
    ]);
  });

  test('a socket before any process (never printed by real lsof) still has no pid, never a guessed one', () => {
    const [hidden] = parseLsofFields('f7\0tIPv4\0d0x51aa03e2c8b17d40\0n*:9000\0TST=LISTEN\0\n');
    expect(hidden).toMatchObject({ pid: null, ppid: null, command: '', address: '0.0.0.0' });
  });

  test('a listening socket without a numeric port or without a name is a skipped row; other states are not', () => {
    const output =
      'p9\0cx\0\nf1\0tIPv4\0n*:http\0TST=LISTEN\0\nf2\0tIPv6\0TST=LISTEN\0\n' +
      'f3\0tIPv4\0nbad->127.0.0.1:1\0TST=ESTABLISHED\0\nf4\0tIPv4\0n*:5000\0\n';
    const { entries, skipped } = readLsofFields(output);
    expect(entries.map((e) => e.fd)).toEqual(['4']);
    expect(skipped).toEqual([
      {
        source: 'lsof',
        text: 'p9 cx f1 tIPv4 n*:http TST=LISTEN',
        reason: 'the name has no numeric address and port',
      },
      {
        source: 'lsof',
        text: 'p9 cx f2 tIPv6 TST=LISTEN',
        reason: 'the socket has no name (n field)',
      },
    ]);
  });

  test('ports are numbers, so 3000 and 30001 stay distinct', () => {
    const ports = parseLsofFields(fixture('lsof-port-prefix.F0.txt')).map((e) => e.port);
    expect(ports).toEqual([3000, 30001, 30001]);
  });

  test('a connection keeps its local side; a non-LISTEN state is dropped; no output is no entries', () => {
    const output =
      'p9\0cx\0\nf1\0tIPv4\0n127.0.0.1:5000->127.0.0.1:6000\0TST=ESTABLISHED\0\nf2\0tIPv4\0n*:5000\0\n';
    expect(parseLsofFields(output).map((e) => [e.fd, e.address])).toEqual([['2', '0.0.0.0']]);
    expect(parseLsofFields('')).toEqual([]);
  });
});

describe('netstat -anv -p tcp (the cross-check when not root)', () => {
  test('asks for every TCP socket, numeric, with the pid columns', () => {
    expect(NETSTAT_ARGS).toEqual(['-anv', '-p', 'tcp']);
  });

  test('older releases: pid after rhiwat shiwat; tcp46 is a dual-stack IPv6 socket', () => {
    expect(parseNetstatListeners(fixture('netstat-anv-mojave.txt'), 62981)).toEqual({
      listeners: [
        {
          proto: 'tcp46',
          family: 'IPv6',
          address: '::',
          port: 62981,
          pid: 34548,
          process: null,
          gencnt: null,
        },
      ],
      skipped: [],
    });
  });

  test('macOS 12-14: gencnt read as the socket serial', () => {
    const { listeners } = parseNetstatListeners(fixture('netstat-anv-sonoma.txt'), 80);
    expect(listeners).toEqual([
      {
        proto: 'tcp4',
        family: 'IPv4',
        address: '0.0.0.0',
        port: 80,
        pid: 10521,
        process: null,
        gencnt: '000000000000965d',
      },
    ]);
  });

  test('macOS 15: rxbytes and txbytes before the pid, so rhiwat (131072) is never read as the pid', () => {
    const { listeners } = parseNetstatListeners(fixture('netstat-anv-sequoia.txt'), 443);
    expect(listeners.map((l) => [l.address, l.pid, l.gencnt])).toEqual([
      ['0.0.0.0', 10521, '000000000000965c'],
    ]);
  });

  test('macOS 26: process:pid, the name holding a space; ESTABLISHED rows on the port are not listeners', () => {
    const text = fixture('netstat-anv-tahoe.txt');
    expect(
      parseNetstatListeners(text, 8000).listeners.map((l) => [
        l.proto,
        l.address,
        l.process,
        l.pid,
        l.gencnt,
      ]),
    ).toEqual([
      ['tcp46', '::', 'Autodesk Fusion', 22712, '000000000025c600'],
      ['tcp4', '127.0.0.1', 'Python', 700, '000000000025c601'],
    ]);
    expect(parseNetstatListeners(text, 49515).listeners).toEqual([]);
  });

  test('IPv6 addresses split at the last dot, scope dropped; a LISTEN row without a numeric port is skipped', () => {
    const header =
      'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat  shiwat    pid   epid state  options';
    const rows = [
      'tcp6       0      0  ::1.5000               *.*                    LISTEN       131072  131072    733      0 00100 00000006',
      'tcp6       0      0  fe80::1%lo0.5000       *.*                    LISTEN       131072  131072      -      0 00100 00000006',
      'tcp4       0      0  127.0.0.1.http         *.*                    LISTEN       131072  131072    734      0 00100 00000006',
    ];
    const read = parseNetstatListeners([header, ...rows].join('\n'), 5000);
    expect(read.listeners.map((l) => [l.address, l.pid])).toEqual([
      ['::1', 733],
      ['fe80::1', null],
    ]);
    expect(read.skipped).toEqual([
      { source: 'netstat', text: rows[2]!.trim(), reason: 'the local address has no numeric port' },
    ]);
  });

  test('without a header the pid is unknown (null), never a guessed column', () => {
    const row =
      'tcp46      0      0  *.8081                 *.*                    LISTEN      131072 131072  88305      0';
    expect(parseNetstatListeners(row, 8081).listeners.map((l) => l.pid)).toEqual([null]);
  });
});

describe('ps', () => {
  test('details with the command line last; names from comm alone after the pid', () => {
    expect(psArgs([4100, 4101], 'details')).toEqual([
      '-ww',
      '-o',
      'pid=,ppid=,pgid=,uid=,lstart=,command=',
      '-p',
      '4100,4101',
    ]);
    expect(psArgs('all', 'names')).toEqual(['-A', '-ww', '-o', 'pid=,comm=']);
  });

  // The last millisecond of ps's second: the latest the process can have started.
  const localIso = (...parts: [number, number, number, number, number, number]) =>
    new Date(...parts, 999).toISOString();

  test('command lines keep their spaces and quotes; lstart (day padded with a space) becomes ISO', () => {
    const names = parsePsNames(fixture('ps-shared-socket-comm.txt'));
    const [master, worker] = parsePsRows(fixture('ps-shared-socket.txt'), names);
    expect(master).toEqual({
      pid: 4100,
      ppid: 4099,
      pgid: 4100,
      uid: 501,
      name: 'python3',
      command:
        '/Users/dev/My Project/.venv/bin/python3 /Users/dev/My Project/.venv/bin/gunicorn --workers 1 --bind 0.0.0.0:8000 --access-logformat "%(h)s %(r)s" app:app',
      startedAt: localIso(2026, 10, 9, 8, 5, 1),
    });
    expect(worker).toMatchObject({
      pid: 4101,
      ppid: 4100,
      startedAt: localIso(2026, 10, 9, 8, 5, 2),
    });
  });

  test('every row of ps -A, named by the executable even when its path has spaces', () => {
    const rows = parsePsRows(fixture('ps-all.txt'), parsePsNames(fixture('ps-all-comm.txt')));
    expect(rows.map((p) => [p.pid, p.ppid, p.name])).toEqual([
      [1, 0, 'launchd'],
      [512, 1, 'ControlCenter'],
      [733, 701, 'Python'],
      [901, 880, 'node'],
      [1207, 1, 'Google Chrome'],
      [1310, 1309, '(sshd)'],
    ]);
    expect(rows[3]?.command).toBe(
      `node -e require('http').createServer((q, s) => s.end('"ok"')).listen(3000)`,
    );
    expect(rows[4]?.command).toBe(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome --type=renderer',
    );
    expect(rows[0]?.startedAt).toBe(localIso(2026, 10, 20, 7, 2, 9));
  });

  test('without a comm row (the process exited in between) the name is the first word of the command', () => {
    const rows = parsePsRows(fixture('ps-all.txt'));
    expect(rows.find((p) => p.pid === 733)?.name).toBe('Python');
    // The command line cannot say where a path with spaces ends: only comm can.
    expect(rows.find((p) => p.pid === 1207)?.name).toBe('Google');
  });

  test('rows without the five lstart tokens or with an impossible date are skipped or dateless', () => {
    const output = [
      'PID PPID PGID UID STARTED COMMAND',
      '  42     1    42   0 Sun Nov 29 10:17 2026 no-seconds',
      '  43     1    43   0 Sun Feb 31 10:17:43 2026 impossible-date',
      '  44     1    44   0 Sun Nov 29 10:17:43 2026',
    ].join('\n');
    expect(parsePsRows(output).map((p) => [p.pid, p.command, p.startedAt])).toEqual([
      [43, 'impossible-date', null],
      [44, '', localIso(2026, 10, 29, 10, 17, 43)],
    ]);
  });
});

describe('known system holders', () => {
  const controlCenter: ProcessInfo = {
    pid: 512,
    ppid: 1,
    name: 'ControlCenter',
    command: '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter',
    startedAt: null,
  };

  test.each([5000, 7000])(
    'ControlCenter on %i is the AirPlay Receiver, with how to turn it off',
    (port) => {
      expect(knownSystemHolder(controlCenter, port)).toBe(
        "ControlCenter is macOS's AirPlay Receiver, which listens on 5000 and 7000; turn it off in System Settings → General → AirDrop & Handoff, or use another port.",
      );
    },
  );

  test('other ports and other processes are not explained away', () => {
    expect(knownSystemHolder(controlCenter, 5001)).toBeNull();
    expect(knownSystemHolder({ ...controlCenter, name: 'Python' }, 5000)).toBeNull();
  });
});
