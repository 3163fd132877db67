/**
 * Windows parsers on fixtures as the tools print them: PowerShell JSON from pwsh and Windows
 * PowerShell 5.1, English and German netstat (CP850, CRLF), tasklist CSV; and socket identity.
 */
import { readFileSync } from 'node:fs';
import {
  NETSTAT_ARGS,
  parseNetstatListeners,
  parseNetstatTable,
} from '../../src/platform/windows/netstat.js';
import {
  parseListenerReport,
  parsePowerShellDate,
  parseWin32ProcessJson,
} from '../../src/platform/windows/powershell-json.js';
import {
  encodeCommand,
  listenersScript,
  processesScript,
} from '../../src/platform/windows/powershell.js';
import { parseTasklistCsv } from '../../src/platform/windows/tasklist.js';
import { identifySockets } from '../../src/platform/windows/tcp-rows.js';

/** Decoded as the runner decodes tool output: UTF-8, whatever code page the tool used. */
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

describe('PowerShell JSON', () => {
  test('pwsh: three Flask servers on 0.0.0.0:5000, command lines with spaces and quotes, ISO dates', () => {
    const report = parseListenerReport(fixture('pwsh-listeners-flask.json'));
    expect(report?.listeners).toEqual([
      { address: '0.0.0.0', port: 5000, pid: 4412 },
      { address: '0.0.0.0', port: 5000, pid: 5230 },
      { address: '0.0.0.0', port: 5000, pid: 6156 },
    ]);
    expect(report?.processes[2]).toEqual({
      pid: 6156,
      ppid: 6020,
      name: 'python.exe',
      command:
        'C:\\Users\\dev\\My Project\\.venv\\Scripts\\python.exe "C:\\Users\\dev\\My Project\\app.py" --name "new build"',
      startedAt: '2026-11-29T08:14:03.551Z',
      state: 'running',
    });
    expect(report?.processes[0]?.command).toBe(
      '"C:\\Program Files\\Python312\\python.exe" -m flask run --host=0.0.0.0',
    );
  });

  test('Windows PowerShell 5.1: its layout, \\u0027 escapes and \\/Date(ms)\\/ dates', () => {
    const report = parseListenerReport(fixture('ps51-listeners-dual-stack.json'));
    expect(report?.listeners).toEqual([
      { address: '::', port: 5665, pid: 8692 },
      { address: '0.0.0.0', port: 5665, pid: 8692 },
    ]);
    expect(report?.processes).toEqual([
      {
        pid: 8692,
        ppid: 784,
        name: 'node.exe',
        command: `node -e "require('http').createServer().listen(5665)"`,
        startedAt: '2026-11-29T09:31:40.000Z',
        state: 'running',
      },
    ]);
  });

  test('a single object not wrapped in an array, with a null CommandLine', () => {
    expect(parseWin32ProcessJson(fixture('ps51-process-single.json'))).toEqual([
      {
        pid: 4,
        ppid: 0,
        name: 'System',
        command: '',
        startedAt: '2026-11-20T07:02:09.000Z',
        state: 'running',
      },
    ]);
  });

  test('the dead creator: a listener whose owning pid has no Win32_Process row', () => {
    const report = parseListenerReport(fixture('pwsh-listeners-dead-creator.json'));
    expect(report).toEqual({
      listeners: [{ address: '0.0.0.0', port: 5000, pid: 7340 }],
      unowned: [],
      skipped: [],
      processes: [],
    });
  });

  test('every process, System Idle Process included, a missing date is null', () => {
    const all = parseWin32ProcessJson(fixture('pwsh-processes.json')) ?? [];
    expect(all.map((p) => [p.pid, p.ppid, p.name, p.startedAt])).toEqual([
      [0, 0, 'System Idle Process', null],
      [4, 0, 'System', '2026-11-20T07:02:09.500Z'],
      [7412, 7340, 'python.exe', '2026-11-29T08:20:11.004Z'],
      [6156, 6020, 'python.exe', '2026-11-29T08:14:03.551Z'],
    ]);
  });

  test('empty output is nothing found; text that is not JSON is null (PowerShell broke)', () => {
    expect(parseWin32ProcessJson('')).toEqual([]);
    expect(parseWin32ProcessJson('\r\n')).toEqual([]);
    expect(parseListenerReport('')).toEqual({
      listeners: [],
      unowned: [],
      skipped: [],
      processes: [],
    });
    expect(parseWin32ProcessJson('Get-CimInstance : Access denied')).toBeNull();
    expect(parseListenerReport('[1, 2]')).toBeNull();
    expect(parseListenerReport('"text"')).toBeNull();
  });

  test('a row without a usable OwningProcess is unowned, never dropped; a row without a port is skipped', () => {
    const report = parseListenerReport(
      JSON.stringify({
        Listeners: [
          { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
          { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: null },
          { LocalAddress: '::', LocalPort: 5000 },
          { LocalAddress: '::', LocalPort: 'x' },
        ],
        Processes: [],
      }),
    );
    expect(report?.listeners).toEqual([{ address: '0.0.0.0', port: 5000, pid: 4412 }]);
    expect(report?.unowned).toEqual([
      { address: '0.0.0.0', port: 5000 },
      { address: '::', port: 5000 },
    ]);
    expect(report?.skipped).toEqual([
      {
        source: 'Get-NetTCPConnection',
        text: '{"LocalAddress":"::","LocalPort":"x"}',
        reason: 'no local address and port',
      },
    ]);
  });

  test('{"value": […], "Count": n} wrappers are unwrapped, for rows and processes', () => {
    const report = parseListenerReport(
      JSON.stringify({
        Listeners: {
          value: [
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
            { LocalAddress: '::', LocalPort: 5000, OwningProcess: 4412 },
          ],
          Count: 2,
        },
        Processes: { value: [{ ProcessId: 4412, Name: 'python.exe' }], Count: 1 },
      }),
    );
    expect(report?.listeners.map((r) => r.address)).toEqual(['0.0.0.0', '::']);
    expect(report?.processes.map((p) => p.name)).toEqual(['python.exe']);
    expect(report?.skipped).toEqual([]);
    expect(
      parseWin32ProcessJson(JSON.stringify({ value: [{ ProcessId: 4 }], Count: 1 }))?.map(
        (p) => p.pid,
      ),
    ).toEqual([4]);
  });

  test('an object without Listeners, or Listeners that is not rows, is an answer in an unexpected shape', () => {
    expect(parseListenerReport('{"Connections": []}')?.skipped).toEqual([
      expect.objectContaining({ reason: 'the answer has no Listeners list' }),
    ]);
    expect(parseListenerReport('{"Listeners": "5000"}')?.skipped).toEqual([
      expect.objectContaining({ reason: 'Listeners is not a list of rows', text: '"5000"' }),
    ]);
  });

  test.each([
    ['2026-11-29T10:17:43.1234567+01:00', '2026-11-29T09:17:43.123Z'],
    ['2026-11-29T10:17:43Z', '2026-11-29T10:17:43.000Z'],
    ['/Date(1795947463000)/', '2026-11-29T10:17:43.000Z'],
    ['\\/Date(1795947463000)\\/', '2026-11-29T10:17:43.000Z'],
    ['/Date(1795947463000+0100)/', '2026-11-29T10:17:43.000Z'],
  ])('date %s is %s', (text, iso) => {
    expect(parsePowerShellDate(text)).toBe(iso);
  });

  test.each([
    [null],
    [''],
    ['1'],
    ['Friday, 29 November 2026 10:17:43'],
    ['/Date(99999999999999999)/'],
    [1795947463000],
  ])('date %p is unknown', (value) => {
    expect(parsePowerShellDate(value)).toBeNull();
  });
});

describe('PowerShell scripts', () => {
  test('-EncodedCommand is base64 of the script in UTF-16LE', () => {
    expect(encodeCommand('Get-Date')).toBe('RwBlAHQALQBEAGEAdABlAA==');
  });

  test('the listener script wraps rows in @(), formats dates as ISO and silences "no match"', () => {
    const script = listenersScript(5000);
    expect(script).toContain(
      '@(Get-NetTCPConnection -State Listen -LocalPort 5000 -ErrorAction SilentlyContinue',
    );
    expect(script).toContain("$_.CreationDate.ToString('o')");
    expect(script).toContain('ConvertTo-Json -Depth 4 -InputObject');
  });

  test('the process script filters by pid, or takes every process', () => {
    expect(processesScript([4, 6156])).toContain(
      'Get-CimInstance Win32_Process -Filter "ProcessId=4 OR ProcessId=6156"',
    );
    expect(processesScript(null)).toContain('@(Get-CimInstance Win32_Process | ForEach-Object');
  });
});

describe('netstat -ano', () => {
  test('reads every protocol, since -p TCP alone leaves out the IPv6 table', () => {
    expect(NETSTAT_ARGS).toEqual(['-ano']);
  });

  test('English: LISTENING rows only, IPv6 in brackets, connections, TIME_WAIT and UDP skipped', () => {
    expect(parseNetstatListeners(fixture('netstat-en.txt'))).toEqual([
      { address: '0.0.0.0', port: 135, pid: 1004 },
      { address: '0.0.0.0', port: 5000, pid: 6156 },
      { address: '127.0.0.1', port: 30001, pid: 7020 },
      { address: '::', port: 135, pid: 1004 },
      { address: '::', port: 5000, pid: 6156 },
      { address: '::', port: 5665, pid: 8692 },
      { address: '::1', port: 3000, pid: 5120 },
    ]);
  });

  test('German (ABHÖREN in CP850, German headers, CRLF): read by column, not by the word', () => {
    const text = fixture('netstat-de.txt');
    expect(text).not.toContain('ABHÖREN'); // CP850 bytes decoded as UTF-8, as the runner does
    expect(parseNetstatListeners(text)).toEqual([
      { address: '0.0.0.0', port: 5000, pid: 4412 },
      { address: '0.0.0.0', port: 5000, pid: 5230 },
      { address: '0.0.0.0', port: 5000, pid: 6156 },
      { address: '::', port: 5665, pid: 8692 },
    ]);
  });

  test('a state of two words (Italian IN ASCOLTO) still reads', () => {
    const italian =
      '  Proto  Indirizzo locale       Indirizzo esterno      Stato           PID\r\n' +
      '  TCP    0.0.0.0:8080           0.0.0.0:0              IN ASCOLTO      2044\r\n';
    expect(parseNetstatListeners(italian)).toEqual([{ address: '0.0.0.0', port: 8080, pid: 2044 }]);
  });
});

describe('netstat as people posted it (see fixtures/windows/README.md)', () => {
  test('Chinese netstat -na without -o: every listener is kept, as a row without a pid', () => {
    const table = parseNetstatTable(fixture('netstat-na-zh-no-pid.txt'));
    expect(table.rows).toEqual([]);
    expect(table.skipped).toEqual([]);
    expect(table.unowned).toHaveLength(18);
    expect(table.unowned).toContainEqual({ address: '10.0.100.191', port: 139 });
    expect(table.unowned).not.toContainEqual(expect.objectContaining({ port: 49408 }));
  });

  test('a Vite server on 0.0.0.0 and [::] is one dual-stack socket; the connection is left out', () => {
    const rows = parseNetstatListeners(fixture('netstat-findstr-vite.txt'));
    expect(rows).toEqual([
      { address: '::1', port: 3302, pid: 12556 },
      { address: '0.0.0.0', port: 5173, pid: 30096 },
      { address: '::', port: 5173, pid: 30096 },
    ]);
    expect(identifySockets(rows.filter((r) => r.port === 5173)).map((s) => s.socketId)).toEqual([
      'win:30096:5173:wildcard',
    ]);
  });

  test('the Chinese header line is not a row', () => {
    expect(parseNetstatTable(fixture('netstat-findstr-zh.txt'))).toEqual({
      rows: [{ address: '0.0.0.0', port: 8080, pid: 940 }],
      unowned: [],
      skipped: [],
    });
  });

  test('localised states and headers (Japanese, French, Spanish, Polish, Russian; rows written here) read by column', () => {
    const rows = [
      '  TCP         127.0.0.1:8123         0.0.0.0:0              受信待ち        4242',
      "  TCP    127.0.0.1:8124         0.0.0.0:0              À L'ÉCOUTE      4243",
      '  TCP    0.0.0.0:8125           0.0.0.0:0              ESCUCHANDO      4244',
      '  TCP    0.0.0.0:8126           0.0.0.0:0              NASŁUCHIWANIE   4245',
      '  Имя    Локальный адрес        Внешний адрес          Состояние       PID',
      '  TCP    [::]:8127              [::]:0                 LISTENING       4246',
    ].join('\r\n');
    expect(parseNetstatListeners(rows)).toEqual([
      { address: '127.0.0.1', port: 8123, pid: 4242 },
      { address: '127.0.0.1', port: 8124, pid: 4243 },
      { address: '0.0.0.0', port: 8125, pid: 4244 },
      { address: '0.0.0.0', port: 8126, pid: 4245 },
      { address: '::', port: 8127, pid: 4246 },
    ]);
    expect(parseNetstatTable(rows).skipped).toEqual([]);
  });
});

describe('netstat rows that do not fit', () => {
  test('a TCP row cut short or garbled is counted as skipped; a listening row without a pid is unowned', () => {
    const text = [
      '  Proto  Local Address          Foreign Address        State           PID',
      '  TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       4412',
      '  TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING',
      '  TCP    0.0.0.0:50',
      '  TCP    0.0.0.0               0.0.0.0:0              LISTENING       9',
      '  TCP    127.0.0.1:5000         127.0.0.1:61234        ESTABLISHED     4412',
      '  UDP    0.0.0.0:5353           *:*                                    2244',
    ].join('\r\n');
    const table = parseNetstatTable(text);
    expect(table.rows).toEqual([{ address: '0.0.0.0', port: 5000, pid: 4412 }]);
    expect(table.unowned).toEqual([{ address: '0.0.0.0', port: 5000 }]);
    expect(table.skipped).toEqual([
      {
        source: 'netstat',
        text: 'TCP    0.0.0.0:50',
        reason: 'the local address and port cannot be read',
      },
      {
        source: 'netstat',
        text: 'TCP    0.0.0.0               0.0.0.0:0              LISTENING       9',
        reason: 'the local address and port cannot be read',
      },
    ]);
  });

  test('every row of the recorded captures reads: nothing skipped', () => {
    for (const name of [
      'netstat-en.txt',
      'netstat-de.txt',
      'netstat-na-zh-no-pid.txt',
      'netstat-findstr-vite.txt',
      'netstat-findstr-zh.txt',
    ]) {
      expect(parseNetstatTable(fixture(name)).skipped).toEqual([]);
    }
  });
});

describe('tasklist /FO CSV /NH', () => {
  test('names and pids, quoted commas and doubled quotes kept', () => {
    expect(parseTasklistCsv(fixture('tasklist.csv')).map((p) => [p.pid, p.name])).toEqual([
      [0, 'System Idle Process'],
      [4, 'System'],
      [4412, 'python.exe'],
      [6156, 'python.exe'],
      [8692, 'My "Quoted" Tool.exe'],
    ]);
  });

  test('the "no tasks" message is no rows', () => {
    expect(
      parseTasklistCsv('INFO: No tasks are running which match the specified criteria.\r\n'),
    ).toEqual([]);
  });
});

describe('socket identity', () => {
  test('one pid on 0.0.0.0 and :: of a port is one dual-stack socket', () => {
    expect(
      identifySockets(
        parseNetstatListeners(fixture('netstat-en.txt')).filter((r) => r.port === 5000),
      ),
    ).toEqual([
      { socketId: 'win:6156:5000:wildcard', address: '::', port: 5000, family: 'IPv6', pid: 6156 },
    ]);
  });

  test('three pids on 0.0.0.0 are three sockets; loopback rows stay their own', () => {
    const rows = [
      { address: '0.0.0.0', port: 5000, pid: 4412 },
      { address: '0.0.0.0', port: 5000, pid: 5230 },
      { address: '::', port: 5000, pid: 5230 },
      { address: '::1', port: 5000, pid: 5230 },
      { address: '0.0.0.0', port: 5000, pid: 6156 },
    ];
    expect(identifySockets(rows).map((s) => [s.socketId, s.family])).toEqual([
      ['win:5230:5000:wildcard', 'IPv6'],
      ['win:4412:0.0.0.0:5000', 'IPv4'],
      ['win:5230:[::1]:5000', 'IPv6'],
      ['win:6156:0.0.0.0:5000', 'IPv4'],
    ]);
  });

  test('two :: rows of different pids do not pair with one 0.0.0.0; repeated rows get distinct ids', () => {
    const rows = [
      { address: '0.0.0.0', port: 80, pid: 1 },
      { address: '::', port: 80, pid: 2 },
      { address: '127.0.0.1', port: 80, pid: 3 },
      { address: '127.0.0.1', port: 80, pid: 3 },
    ];
    expect(identifySockets(rows).map((s) => s.socketId)).toEqual([
      'win:1:0.0.0.0:80',
      'win:2:[::]:80',
      'win:3:127.0.0.1:80',
      'win:3:127.0.0.1:80#2',
    ]);
  });
});
