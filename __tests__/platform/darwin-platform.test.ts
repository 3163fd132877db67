/**
 * The macOS platform end to end: recorded lsof/ps output through an injected runner, then the
 * real lsof and ps of this machine (Linux lsof prints the same `-F` fields; procps ps takes the
 * same `-o` keywords) against real servers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDarwinPlatform, darwinPlatform } from '../../src/platform/darwin/index.js';
import { knownSystemHolder } from '../../src/platform/darwin/known-holders.js';
import type { CommandResult, RunCommand, RunOptions } from '../../src/platform/run-command.js';
import {
  cleanupProcesses,
  freePort,
  GUNICORN,
  spawnPython,
  spawnTracked,
  until,
} from '../helpers/procs.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/darwin/${name}`, import.meta.url), 'utf8');

interface Recorded {
  lsof: CommandResult | Error;
  /** `ps … command=` output, and `ps … comm=` output. */
  psDetails?: string;
  psNames?: string;
}

/** Answers lsof and the two ps calls from recorded output, and keeps every call made. */
function recordedTools(recorded: Recorded) {
  const calls: { file: string; args: readonly string[]; opts?: RunOptions }[] = [];
  const run: RunCommand = async (file, args, opts) => {
    calls.push({ file, args, opts });
    if (file === 'lsof') {
      if (recorded.lsof instanceof Error) throw recorded.lsof;
      return recorded.lsof;
    }
    if (file === 'ps') {
      const stdout = args.some((a) => a.includes('comm=')) ? recorded.psNames : recorded.psDetails;
      return { stdout: stdout ?? '', stderr: '', code: stdout ? 0 : 1 };
    }
    throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
  };
  return { platform: createDarwinPlatform(run), calls };
}

const lsofPrinted = (name: string): CommandResult => ({
  stdout: fixture(name),
  stderr: '',
  code: 0,
});
const localIso = (...parts: [number, number, number, number, number, number]) =>
  new Date(...parts).toISOString();

describe('listListeners from recorded lsof and ps output', () => {
  test('a socket shared by gunicorn master and worker counts once, with both pids and their details', async () => {
    const { platform, calls } = recordedTools({
      lsof: lsofPrinted('lsof-shared-socket.F0.txt'),
      psDetails: fixture('ps-shared-socket.txt'),
      psNames: fixture('ps-shared-socket-comm.txt'),
    });
    const sockets = await platform.listListeners(8000);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatchObject({
      socketId: '0x8c1f2a7b9d3e4f01',
      address: '0.0.0.0',
      port: 8000,
      family: 'IPv4',
    });
    expect(sockets[0]?.ownerUnknown).toBeUndefined();
    expect(sockets[0]?.processes.map((p) => [p.pid, p.ppid, p.name, p.startedAt])).toEqual([
      [4100, 4099, 'python3', localIso(2026, 10, 9, 8, 5, 1)],
      [4101, 4100, 'python3', localIso(2026, 10, 9, 8, 5, 2)],
    ]);
    expect(sockets[0]?.processes[0]?.command).toContain(
      '/Users/dev/My Project/.venv/bin/gunicorn --workers 1',
    );

    expect(calls[0]).toMatchObject({
      file: 'lsof',
      args: ['-nP', '-iTCP:8000', '-sTCP:LISTEN', '+c0', '-F0pRcftdnT'],
    });
    const psCalls = calls.filter((c) => c.file === 'ps');
    expect(psCalls).toHaveLength(2);
    for (const call of psCalls) {
      expect(call.args.slice(-2)).toEqual(['-p', '4100,4101']);
      expect(call.opts?.env?.LC_ALL).toBe('C');
    }
  });

  test('AirPlay Receiver: IPv4 and IPv6 *:5000 are two sockets, and the holder is named', async () => {
    const { platform } = recordedTools({
      lsof: lsofPrinted('lsof-airplay-both-families.F0.txt'),
      psDetails: fixture('ps-airplay.txt'),
      psNames: fixture('ps-airplay-comm.txt'),
    });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.family, s.address, s.processes.map((p) => p.pid)])).toEqual([
      ['IPv4', '0.0.0.0', [512]],
      ['IPv6', '::', [512]],
    ]);
    const holder = sockets[0]?.processes[0];
    expect(holder && knownSystemHolder(holder, 5000)).toMatch(
      /^ControlCenter is macOS's AirPlay Receiver/,
    );
  });

  test('exit 1 with no output means no listener: an empty list, and no ps run', async () => {
    const { platform, calls } = recordedTools({ lsof: { stdout: '', stderr: '', code: 1 } });
    await expect(platform.listListeners(5000)).resolves.toEqual([]);
    expect(calls.map((c) => c.file)).toEqual(['lsof']);
  });

  test('lsof missing is a clear error, not "no listener"', async () => {
    const missing = Object.assign(new Error('spawn lsof ENOENT'), { code: 'ENOENT' });
    const { platform } = recordedTools({ lsof: missing });
    await expect(platform.listListeners(5000)).rejects.toThrow(
      /^lsof not found: it is needed to read listeners on macOS \(/,
    );
  });

  test('any other lsof failure is an error with its message', async () => {
    const { platform } = recordedTools({
      lsof: { stdout: '', stderr: 'lsof: status error on /dev', code: 2 },
    });
    await expect(platform.listListeners(5000)).rejects.toThrow(
      /exit 2\): lsof: status error on \/dev/,
    );
  });

  test('a socket lsof printed without its process is kept, marked owner unknown', async () => {
    const { platform } = recordedTools({
      lsof: lsofPrinted('lsof-unknown-owner.F0.txt'),
      psDetails:
        '  700   690   690   501 Sun Nov 29 09:50:00 2026     /usr/local/bin/python3 -m http.server 9000 --bind ::1\n',
      psNames: '  700 /usr/local/bin/python3\n',
    });
    const [hidden, ours] = await platform.listListeners(9000);
    expect(hidden).toMatchObject({
      address: '0.0.0.0',
      processes: [],
      ownerUnknown: expect.stringMatching(/another user/),
    });
    expect(ours).toMatchObject({
      address: '::1',
      family: 'IPv6',
      processes: [{ pid: 700, name: 'python3' }],
    });
    expect(ours?.ownerUnknown).toBeUndefined();
  });

  test('port 3000 does not match 30001', async () => {
    const { platform, calls } = recordedTools({
      lsof: lsofPrinted('lsof-port-prefix.F0.txt'),
      psDetails: '  901   880   901   501 Sun Nov 29 09:31:41 2026     node server.js\n',
      psNames: '  901 node\n',
    });
    const sockets = await platform.listListeners(3000);
    expect(sockets.map((s) => [s.port, s.processes.map((p) => p.pid)])).toEqual([[3000, [901]]]);
    expect(calls.find((c) => c.file === 'ps')?.args.at(-1)).toBe('901');
  });

  test('a pid gone from ps by the time it runs keeps lsof name and parent, without a start time', async () => {
    const onlyMaster = fixture('ps-shared-socket.txt').split('\n')[0] ?? '';
    const { platform } = recordedTools({
      lsof: lsofPrinted('lsof-shared-socket.F0.txt'),
      psDetails: onlyMaster,
    });
    const [socket] = await platform.listListeners(8000);
    expect(socket?.processes.map((p) => p.pid)).toEqual([4100, 4101]);
    expect(socket?.processes[1]).toEqual({
      pid: 4101,
      ppid: 4100,
      name: 'python3',
      command: '',
      startedAt: null,
    });
  });

  test('newline-separated output (plain -F) reads the same', async () => {
    const { platform } = recordedTools({ lsof: lsofPrinted('lsof-loopback.F.txt') });
    const sockets = await platform.listListeners(5000);
    expect(sockets.map((s) => [s.socketId, s.address, s.processes[0]?.name])).toEqual([
      ['0x6b0c27d91f20e8a5', '127.0.0.1', 'Python'],
      ['0x6b0c27d91e77c3f1', '::1', 'Python'],
    ]);
  });
});

describe('processes from recorded ps output', () => {
  test('getProcess reads one pid; a pid ps does not list is null', async () => {
    const { platform } = recordedTools({
      lsof: new Error('not used'),
      psDetails: fixture('ps-airplay.txt'),
      psNames: fixture('ps-airplay-comm.txt'),
    });
    await expect(platform.getProcess(512)).resolves.toMatchObject({
      pid: 512,
      ppid: 1,
      name: 'ControlCenter',
    });
    await expect(platform.getProcess(513)).resolves.toBeNull();
    const { platform: empty } = recordedTools({ lsof: new Error('not used') });
    await expect(empty.getProcess(512)).resolves.toBeNull();
  });

  test('listProcesses reads ps -A', async () => {
    const { platform, calls } = recordedTools({
      lsof: new Error('not used'),
      psDetails: fixture('ps-all.txt'),
      psNames: fixture('ps-all-comm.txt'),
    });
    const all = await platform.listProcesses();
    expect(all.map((p) => p.pid)).toEqual([1, 512, 733, 901, 1207, 1310]);
    expect(calls.every((c) => c.args[0] === '-A')).toBe(true);
  });
});

const hasLsof = ['/usr/bin/lsof', '/usr/sbin/lsof'].some((path) => existsSync(path));

(hasLsof ? describe : describe.skip)('the real lsof and ps on this machine', () => {
  afterEach(cleanupProcesses);

  test('a Python server on 127.0.0.1 is one IPv4 socket held by that pid, with its command and start time', async () => {
    const port = await freePort();
    const server = await spawnPython(
      `import socket\ns = socket.socket()\ns.bind(('127.0.0.1', ${port}))\ns.listen()\nprint('READY')\nimport time\ntime.sleep(60)`,
    );
    const sockets = await darwinPlatform.listListeners(port);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatchObject({ address: '127.0.0.1', port, family: 'IPv4' });
    const [holder] = sockets[0]?.processes ?? [];
    expect(holder).toMatchObject({
      pid: server.pid,
      ppid: process.pid,
      name: expect.stringMatching(/^python3/),
    });
    expect(holder?.command).toContain(`s.bind(('127.0.0.1', ${port}))`);
    expect(Math.abs(Date.parse(holder?.startedAt ?? '') - Date.now())).toBeLessThan(10 * 60_000);
  });

  test('gunicorn master and workers share one socket: one entry, every pid', async () => {
    const port = await freePort();
    const apps = fileURLToPath(new URL('../apps', import.meta.url));
    const master = await spawnTracked(
      GUNICORN,
      ['--chdir', apps, '-w', '2', '-b', `127.0.0.1:${port}`, 'wsgi_app:app'],
      {
        readyText: /Booting worker[\s\S]*Booting worker/,
      },
    );
    await until(
      async () => ((await darwinPlatform.listListeners(port))[0]?.processes.length ?? 0) >= 3,
      20_000,
    );
    const sockets = await darwinPlatform.listListeners(port);
    expect(sockets).toHaveLength(1);
    const holders = sockets[0]?.processes ?? [];
    expect(holders.map((p) => p.pid)).toContain(master.pid);
    expect(holders.filter((p) => p.ppid === master.pid)).toHaveLength(2);
  });

  test('a port nobody listens on is an empty list', async () => {
    await expect(darwinPlatform.listListeners(await freePort())).resolves.toEqual([]);
  });

  test('getProcess and listProcesses see this test process', async () => {
    const self = await darwinPlatform.getProcess(process.pid);
    expect(self).toMatchObject({
      pid: process.pid,
      ppid: process.ppid,
      name: expect.stringMatching(/node/),
    });
    expect((await darwinPlatform.listProcesses()).some((p) => p.pid === process.pid)).toBe(true);
  });
});
