/**
 * The Windows platform end to end on recorded output, through an injected runner that plays a
 * machine: which of pwsh, powershell.exe, netstat and tasklist exist, and what they print.
 */
import { readFileSync } from 'node:fs';
import type { CommandResult, RunCommand } from '../../src/platform/run-command.js';
import { createWindowsPlatform } from '../../src/platform/windows/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

/** stdout with exit 0, a full result, a tool that is not installed, or one that hangs past its time-out. */
type Answer = string | CommandResult | 'missing' | 'hang';
interface PowerShellAnswers {
  listeners?: Answer;
  processes?: Answer;
}
interface Machine {
  pwsh?: PowerShellAnswers | 'missing';
  powershell?: PowerShellAnswers | 'missing';
  netstat?: Answer;
  tasklist?: Answer;
}

const failed = (stderr: string): CommandResult => ({ stdout: '', stderr, code: 1 });

function windowsMachine(machine: Machine) {
  const calls: {
    file: string;
    args: readonly string[];
    script?: string;
    timeoutMs?: number;
  }[] = [];
  const answer = (file: string, value: Answer | undefined): CommandResult => {
    if (value === undefined || value === 'missing') {
      throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    }
    if (value === 'hang') throw new Error(`${file} did not finish within 8 s and was stopped`);
    return typeof value === 'string' ? { stdout: value, stderr: '', code: 0 } : value;
  };
  const run: RunCommand = async (file, args, opts) => {
    const encoded = args[args.indexOf('-EncodedCommand') + 1];
    const script =
      encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf16le');
    calls.push({ file, args, script, timeoutMs: opts?.timeoutMs });
    if (file === 'pwsh' || file === 'powershell.exe') {
      const shell = file === 'pwsh' ? machine.pwsh : machine.powershell;
      if (shell === undefined || shell === 'missing') return answer(file, 'missing');
      return answer(
        file,
        script?.includes('Get-NetTCPConnection') ? shell.listeners : shell.processes,
      );
    }
    return answer(
      file,
      file === 'netstat' ? machine.netstat : file === 'tasklist' ? machine.tasklist : undefined,
    );
  };
  return { platform: createWindowsPlatform(run), calls };
}

describe('listListeners through PowerShell', () => {
  test('three Flask servers on 0.0.0.0:5000 are three sockets, each with its process, in one pwsh run', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: { listeners: fixture('pwsh-listeners-flask.json') },
    });
    const sockets = await platform.listListeners(5000);
    expect(
      sockets.map((s) => [s.socketId, s.address, s.family, s.processes.map((p) => p.pid)]),
    ).toEqual([
      ['win:4412:0.0.0.0:5000', '0.0.0.0', 'IPv4', [4412]],
      ['win:5230:0.0.0.0:5000', '0.0.0.0', 'IPv4', [5230]],
      ['win:6156:0.0.0.0:5000', '0.0.0.0', 'IPv4', [6156]],
    ]);
    expect(sockets[2]?.processes[0]).toMatchObject({
      name: 'python.exe',
      command:
        'C:\\Users\\dev\\My Project\\.venv\\Scripts\\python.exe "C:\\Users\\dev\\My Project\\app.py" --name "new build"',
      startedAt: '2026-11-29T08:14:03.551Z',
      state: 'running',
    });
    expect(sockets.every((s) => s.ownerUnknown === undefined)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args.slice(0, 3)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-EncodedCommand',
    ]);
    expect(calls[0]?.script).toContain('-LocalPort 5000 ');
  });

  test('no pwsh: Windows PowerShell 5.1; its dual-stack 0.0.0.0 + :: rows of one pid count once', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: 'missing',
      powershell: { listeners: fixture('ps51-listeners-dual-stack.json') },
    });
    const sockets = await platform.listListeners(5665);
    expect(sockets).toEqual([
      {
        socketId: 'win:8692:5665:wildcard',
        address: '::',
        port: 5665,
        family: 'IPv6',
        processes: [
          expect.objectContaining({
            pid: 8692,
            name: 'node.exe',
            startedAt: '2026-11-29T09:31:40.000Z',
          }),
        ],
      },
    ]);
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'powershell.exe']);
  });

  test('an owning pid that no longer exists is reported as exited, owner unknown', async () => {
    const { platform } = windowsMachine({
      pwsh: { listeners: fixture('pwsh-listeners-dead-creator.json') },
    });
    const [socket] = await platform.listListeners(5000);
    expect(socket?.processes).toEqual([
      { pid: 7340, ppid: null, name: '', command: '', startedAt: null, state: 'exited' },
    ]);
    expect(socket?.ownerUnknown).toMatch(
      /^pid 7340, which Windows names as the socket's owner, has exited/,
    );
  });

  test('no listener is an empty list', async () => {
    const { platform } = windowsMachine({
      pwsh: { listeners: '{\r\n  "Listeners": [],\r\n  "Processes": []\r\n}\r\n' },
    });
    await expect(platform.listListeners(5000)).resolves.toEqual([]);
  });
});

describe('listListeners falling back to netstat', () => {
  test('PowerShell failing: German netstat read by column, names from tasklist, a pid tasklist lacks exited', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: {
        listeners: failed('Get-NetTCPConnection : not recognized'),
        processes: failed('CIM unavailable'),
      },
      powershell: {
        listeners: failed('Get-NetTCPConnection : not recognized'),
        processes: failed('CIM unavailable'),
      },
      netstat: fixture('netstat-de.txt'),
      tasklist: fixture('tasklist.csv'),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.processes[0]?.name, s.processes[0]?.state])).toEqual([
      ['win:4412:0.0.0.0:5000', 'python.exe', 'running'],
      ['win:5230:0.0.0.0:5000', '', 'exited'],
      ['win:6156:0.0.0.0:5000', 'python.exe', 'running'],
    ]);
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'powershell.exe', 'netstat', 'tasklist']);
    expect(calls[2]?.args).toEqual(['-ano']);
  });

  test('no PowerShell at all: English netstat, one dual-stack socket, connections ignored', async () => {
    const { platform } = windowsMachine({
      netstat: fixture('netstat-en.txt'),
      tasklist: fixture('tasklist.csv'),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets).toEqual([
      {
        socketId: 'win:6156:5000:wildcard',
        address: '::',
        port: 5000,
        family: 'IPv6',
        processes: [
          {
            pid: 6156,
            ppid: null,
            name: 'python.exe',
            command: '',
            startedAt: null,
            state: 'running',
          },
        ],
      },
    ]);
  });

  test('IPv6 rows, and port 3000 never matching 30001', async () => {
    const { platform } = windowsMachine({
      netstat: fixture('netstat-en.txt'),
      tasklist: fixture('tasklist.csv'),
    });
    expect((await platform.listListeners(5665)).map((s) => [s.socketId, s.address])).toEqual([
      ['win:8692:[::]:5665', '::'],
    ]);
    expect((await platform.listListeners(3000)).map((s) => s.address)).toEqual(['::1']);
    expect((await platform.listListeners(30001)).map((s) => s.address)).toEqual(['127.0.0.1']);
  });

  test('PowerShell printing something that is not JSON is treated as failing', async () => {
    const { platform } = windowsMachine({
      pwsh: { listeners: 'WARNING: something odd\r\n' },
      netstat: fixture('netstat-en.txt'),
      tasklist: fixture('tasklist.csv'),
    });
    expect((await platform.listListeners(5000)).map((s) => s.socketId)).toEqual([
      'win:6156:5000:wildcard',
    ]);
  });

  test('no tool to name processes: sockets kept, owners marked unknown', async () => {
    const { platform } = windowsMachine({ netstat: fixture('netstat-en.txt') });
    const [socket] = await platform.listListeners(5000);
    expect(socket?.processes).toEqual([
      { pid: 6156, ppid: null, name: '', command: '', startedAt: null },
    ]);
    expect(socket?.ownerUnknown).toMatch(/could not be looked up/);
  });

  test('neither PowerShell nor netstat is a clear error', async () => {
    const { platform } = windowsMachine({});
    await expect(platform.listListeners(5000)).rejects.toThrow(
      'Neither PowerShell (pwsh, powershell.exe) nor netstat could be run: one is needed to read listeners on Windows',
    );
  });
});

/** A listener report as our script prints it, from rows given as objects. */
const report = (listeners: unknown, processes: unknown[] = []) =>
  JSON.stringify({ Listeners: listeners, Processes: processes }, null, 2);
const python = (pid: number) => ({
  ProcessId: pid,
  ParentProcessId: 1,
  Name: 'python.exe',
  CommandLine: `python -m http.server 5000`,
  CreationDate: '2026-11-29T08:14:03.551Z',
});
const netstatRows = (...rows: string[]) =>
  [
    '',
    'Active Connections',
    '',
    '  Proto  Local Address          Foreign Address        State           PID',
    ...rows.map((row) => `  ${row}`),
  ].join('\r\n');

describe('PowerShell rows it could not attribute: netstat cross-checks them', () => {
  test('an OwningProcess of null (Server 2012 R2) is named by netstat -ano; the process by Win32_Process', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: {
        listeners: report(
          [
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: null },
          ],
          [python(4412)],
        ),
        processes: JSON.stringify([python(5230)]),
      },
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       4412',
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       5230',
      ),
    });
    const sockets = await platform.listListeners(5000);
    expect(
      sockets.map((s) => [s.socketId, s.processes.map((p) => p.name), s.ownerUnknown]),
    ).toEqual([
      ['win:4412:0.0.0.0:5000', ['python.exe'], undefined],
      ['win:5230:0.0.0.0:5000', ['python.exe'], undefined],
    ]);
    expect(sockets.skipped).toBeUndefined();
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'netstat', 'pwsh']);
    expect(calls[2]?.script).toContain('-Filter "ProcessId=5230"');
  });

  test('OwningProcess missing from every row (the Kansa / docs#1788 report) still finds both servers', async () => {
    const { platform } = windowsMachine({
      pwsh: {
        listeners: report([
          { LocalAddress: '0.0.0.0', LocalPort: 5000 },
          { LocalAddress: '0.0.0.0', LocalPort: 5000 },
        ]),
        processes: JSON.stringify([python(4412), python(5230)]),
      },
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       4412',
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       5230',
      ),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => s.processes.map((p) => p.pid))).toEqual([[4412], [5230]]);
    expect(sockets.every((s) => s.ownerUnknown === undefined)).toBe(true);
  });

  test('a socket no source can name is reported with ownerUnknown and no holder, never dropped', async () => {
    const { platform } = windowsMachine({
      pwsh: {
        listeners: report(
          [
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
            { LocalAddress: '::', LocalPort: 5000, OwningProcess: null },
          ],
          [python(4412)],
        ),
      },
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       4412',
      ),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets).toHaveLength(2);
    expect(sockets[1]).toEqual({
      socketId: 'win:?:[::]:5000',
      address: '::',
      port: 5000,
      family: 'IPv6',
      processes: [],
      ownerUnknown:
        'Get-NetTCPConnection names no owning process for this socket, and netstat -ano does not list it',
    });
  });

  test('a socket neither source attributes counts once, and a pid-less netstat row of a named socket adds none', async () => {
    const { platform } = windowsMachine({
      pwsh: {
        listeners: report(
          [
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
            { LocalAddress: '::', LocalPort: 5000, OwningProcess: null },
          ],
          [python(4412)],
        ),
      },
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING',
        'TCP    [::]:5000              [::]:0                 LISTENING',
      ),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.ownerUnknown])).toEqual([
      ['win:4412:0.0.0.0:5000', undefined],
      [
        'win:?:[::]:5000',
        'neither Get-NetTCPConnection nor netstat -ano names an owning process for this socket',
      ],
    ]);
  });

  test('a pid only netstat names that no tool can look up is "could not be looked up"; the others keep their names', async () => {
    const { platform } = windowsMachine({
      pwsh: {
        listeners: report(
          [
            { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
            { LocalAddress: '::', LocalPort: 5000 },
          ],
          [python(4412)],
        ),
        processes: failed('CIM unavailable'),
      },
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       4412',
        'TCP    [::]:5000              [::]:0                 LISTENING       5230',
      ),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.processes[0]?.name, s.ownerUnknown])).toEqual([
      ['win:4412:0.0.0.0:5000', 'python.exe', undefined],
      ['win:5230:[::]:5000', '', 'pid 5230 could not be looked up (no PowerShell or tasklist)'],
    ]);
  });

  test('netstat unavailable for the cross-check: the unattributed socket says so', async () => {
    const { platform } = windowsMachine({
      pwsh: { listeners: report([{ LocalAddress: '0.0.0.0', LocalPort: 5000 }]) },
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.processes, s.ownerUnknown])).toEqual([
      [
        'win:?:0.0.0.0:5000',
        [],
        'Get-NetTCPConnection names no owning process for this socket, and netstat -ano could not be run to cross-check',
      ],
    ]);
  });

  test('a {value, Count} wrapper is read, not taken for "no listeners"', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: {
        listeners: report(
          {
            value: [
              { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 4412 },
              { LocalAddress: '0.0.0.0', LocalPort: 5000, OwningProcess: 5230 },
            ],
            Count: 2,
          },
          [python(4412), python(5230)],
        ),
      },
    });
    expect((await platform.listListeners(5000)).map((s) => s.socketId)).toEqual([
      'win:4412:0.0.0.0:5000',
      'win:5230:0.0.0.0:5000',
    ]);
    expect(calls.map((c) => c.file)).toEqual(['pwsh']);
  });

  test('JSON in an unexpected shape is cross-checked with netstat; its rows are what is reported', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: { listeners: '{"Connections": 2}', processes: JSON.stringify([python(6156)]) },
      netstat: fixture('netstat-en.txt'),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.processes[0]?.name])).toEqual([
      ['win:6156:5000:wildcard', 'python.exe'],
    ]);
    expect(sockets.skipped).toBeUndefined();
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'netstat', 'pwsh']);
  });

  test('netstat rows that do not fit are counted in `skipped`; rows without a pid are owner unknown', async () => {
    const { platform } = windowsMachine({
      netstat: netstatRows(
        'TCP    0.0.0.0:5000           0.0.0.0:0              LISTENING       6156',
        'TCP    [::]:5000              [::]:0                 LISTENING',
        'TCP    0.0.0.0:5000000        0.0.0.0:0              LISTENING       9',
      ),
      tasklist: fixture('tasklist.csv'),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.ownerUnknown])).toEqual([
      ['win:6156:0.0.0.0:5000', undefined],
      ['win:?:[::]:5000', 'netstat -ano prints no pid for this socket'],
    ]);
    expect(sockets.skipped).toEqual([
      {
        source: 'netstat',
        text: 'TCP    0.0.0.0:5000000        0.0.0.0:0              LISTENING       9',
        reason: 'the local address and port cannot be read',
      },
    ]);
  });
});

describe('netstat as people posted it', () => {
  test('netstat without pids (Chinese netstat -na): the listener is reported, owner unknown', async () => {
    const { platform } = windowsMachine({ netstat: fixture('netstat-na-zh-no-pid.txt') });
    const sockets = await platform.listListeners(445);
    expect(sockets).toEqual([
      {
        socketId: 'win:?:0.0.0.0:445',
        address: '0.0.0.0',
        port: 445,
        family: 'IPv4',
        processes: [],
        ownerUnknown: 'netstat -ano prints no pid for this socket',
      },
    ]);
    await expect(platform.listListeners(49408)).resolves.toEqual([]);
  });
});

describe('hung PowerShell', () => {
  test('a shell that timed out is not tried again: the next read goes straight to the next one', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: { listeners: 'hang', processes: 'hang' },
      powershell: { listeners: 'hang', processes: JSON.stringify([python(4412)]) },
      netstat: fixture('netstat-de.txt'),
      tasklist: fixture('tasklist.csv'),
    });
    await platform.listListeners(5000);
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'powershell.exe', 'netstat', 'tasklist']);
    expect(calls.slice(0, 2).map((c) => c.timeoutMs)).toEqual([8000, 8000]);
    calls.length = 0;
    await platform.listListeners(5000);
    await platform.getProcess(4412);
    expect(calls.map((c) => c.file)).toEqual(['netstat', 'tasklist', 'tasklist']);
  });

  test('a missing pwsh is looked for once', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: 'missing',
      powershell: { processes: JSON.stringify([python(4412)]) },
    });
    await platform.getProcess(4412);
    await platform.getProcess(4412);
    expect(calls.map((c) => c.file)).toEqual(['pwsh', 'powershell.exe', 'powershell.exe']);
  });
});

describe('processes', () => {
  test('getProcesses: one PowerShell for every pid, the gone ones left out', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: { processes: JSON.stringify([python(4412), python(6156)]) },
    });
    const running = await platform.getProcesses!([4412, 5230, 6156, -1]);
    expect(running.map((p) => p.pid)).toEqual([4412, 6156]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.script).toContain(
      '-Filter "ProcessId=4412 OR ProcessId=5230 OR ProcessId=6156"',
    );
    await expect(platform.getProcesses!([])).resolves.toEqual([]);
    expect(calls).toHaveLength(1);
  });

  test('getProcess: a single object (not an array) with a null command line', async () => {
    const { platform, calls } = windowsMachine({
      pwsh: { processes: fixture('ps51-process-single.json') },
    });
    await expect(platform.getProcess(4)).resolves.toEqual({
      pid: 4,
      ppid: 0,
      name: 'System',
      command: '',
      startedAt: '2026-11-20T07:02:09.000Z',
      state: 'running',
    });
    expect(calls[0]?.script).toContain('-Filter "ProcessId=4"');
  });

  test('getProcess: empty output is no such process', async () => {
    const { platform } = windowsMachine({ pwsh: { processes: '' } });
    await expect(platform.getProcess(99999)).resolves.toBeNull();
  });

  test('listProcesses: every Win32_Process row, the child of a dead creator included', async () => {
    const { platform } = windowsMachine({ pwsh: { processes: fixture('pwsh-processes.json') } });
    const all = await platform.listProcesses();
    expect(all.find((p) => p.pid === 7412)).toMatchObject({ ppid: 7340, name: 'python.exe' });
    expect(all.some((p) => p.pid === 7340)).toBe(false);
  });

  test('without PowerShell, tasklist; without either, a clear error', async () => {
    const { platform } = windowsMachine({ tasklist: fixture('tasklist.csv') });
    await expect(platform.getProcess(4412)).resolves.toMatchObject({
      pid: 4412,
      name: 'python.exe',
      ppid: null,
    });
    await expect(platform.listProcesses()).resolves.toHaveLength(5);
    const { platform: bare } = windowsMachine({});
    await expect(bare.listProcesses()).rejects.toThrow(
      /^Neither PowerShell \(pwsh, powershell.exe\) nor tasklist could be run/,
    );
  });
});
