/**
 * The Windows platform end to end on recorded output, through an injected runner that plays a
 * machine: which of pwsh, powershell.exe, netstat and tasklist exist, and what they print.
 */
import { readFileSync } from 'node:fs';
import type { CommandResult, RunCommand } from '../../src/platform/run-command.js';
import { createWindowsPlatform } from '../../src/platform/windows/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/windows/${name}`, import.meta.url), 'utf8');

/** stdout with exit 0, a full result, or a tool that is not installed. */
type Answer = string | CommandResult | 'missing';
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
  const calls: { file: string; args: readonly string[]; script?: string }[] = [];
  const answer = (file: string, value: Answer | undefined): CommandResult => {
    if (value === undefined || value === 'missing') {
      throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    }
    return typeof value === 'string' ? { stdout: value, stderr: '', code: 0 } : value;
  };
  const run: RunCommand = async (file, args) => {
    const encoded = args[args.indexOf('-EncodedCommand') + 1];
    const script =
      encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf16le');
    calls.push({ file, args, script });
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

describe('processes', () => {
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
