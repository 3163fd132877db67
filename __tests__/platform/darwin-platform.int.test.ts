/**
 * The macOS platform end to end: recorded lsof/netstat/ps output through an injected runner (as
 * root, and as a normal user whose lsof leaves other users' processes out), then the real lsof
 * and ps of this machine (Linux lsof prints the same `-F` fields; procps ps takes the
 * same `-o` keywords) against real servers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDarwinPlatform } from '../../src/platform/darwin/index.js';
import { knownSystemHolder } from '../../src/platform/darwin/known-holders.js';
import {
  runCommand,
  type CommandResult,
  type RunCommand,
  type RunOptions,
} from '../../src/platform/run-command.js';
import { skippedRowsOf, type Platform } from '../../src/platform/types.js';
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
  /** One answer for every lsof call, or one per call in order (the last repeats). */
  lsof: CommandResult | Error | (CommandResult | Error)[];
  /** `netstat -anv -p tcp`; absent: netstat is not found. */
  netstat?: CommandResult | Error;
  /** `ps … command=` output, and `ps … comm=` output. */
  psDetails?: string;
  psNames?: string;
  /** The uid the platform runs as: root unless a test says otherwise. */
  uid?: number;
}

const missing = (file: string) =>
  Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });

/** Answers lsof, netstat and the two ps calls from recorded output, and keeps every call made. */
function recordedTools(recorded: Recorded) {
  const calls: { file: string; args: readonly string[]; opts?: RunOptions }[] = [];
  const answer = (result: CommandResult | Error | undefined, file: string) => {
    if (result === undefined) throw missing(file);
    if (result instanceof Error) throw result;
    return result;
  };
  let lsofCalls = 0;
  const run: RunCommand = async (file, args, opts) => {
    calls.push({ file, args, opts });
    if (file === 'lsof') {
      const answers = [recorded.lsof].flat();
      return answer(answers[Math.min(lsofCalls++, answers.length - 1)], file);
    }
    if (file === 'netstat') return answer(recorded.netstat, file);
    if (file === 'ps') {
      const stdout = args.some((a) => a.includes('comm=')) ? recorded.psNames : recorded.psDetails;
      return { stdout: stdout ?? '', stderr: '', code: stdout ? 0 : 1 };
    }
    throw missing(file);
  };
  return { platform: createDarwinPlatform(run, { uid: recorded.uid ?? 0 }), calls };
}

/** The ids the watch's cheap read gives once it has taken an inventory of the port. */
async function watchedIds(platform: Platform, port: number): Promise<string[]> {
  await platform.listSocketIds(port); // the watch starts: an inventory is due
  await platform.listListeners(port);
  return platform.listSocketIds(port);
}

const lsofPrinted = (name: string): CommandResult => ({
  stdout: fixture(name),
  stderr: '',
  code: 0,
});
// ps gives whole seconds: the start shown is the last millisecond of that second.
const localIso = (...parts: [number, number, number, number, number, number]) =>
  new Date(...parts, 999).toISOString();

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

  test('as root, lsof alone: both of the real BetterTouchTool sockets, no netstat', async () => {
    const { platform, calls } = recordedTools({
      lsof: lsofPrinted('lsof-bettertouchtool-root.F0.txt'),
      psDetails:
        '34548     1 34548   501 Mon Nov 23 09:12:40 2026     /Applications/BetterTouchTool.app/Contents/MacOS/BetterTouchTool\n',
      psNames: '34548 /Applications/BetterTouchTool.app/Contents/MacOS/BetterTouchTool\n',
    });
    const sockets = await platform.listListeners(62981);
    expect(sockets.map((s) => [s.family, s.address, s.processes.map((p) => p.name)])).toEqual([
      ['IPv4', '0.0.0.0', ['BetterTouchTool']],
      ['IPv6', '::', ['BetterTouchTool']],
    ]);
    expect(sockets.every((s) => s.ownerUnknown === undefined)).toBe(true);
    expect(calls.map((c) => c.file)).not.toContain('netstat');
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

describe('not root: lsof cross-checked with netstat -anv -p tcp', () => {
  const NO_MATCH: CommandResult = { stdout: '', stderr: '', code: 1 };
  const netstatPrinted = (name: string): CommandResult => ({
    stdout: fixture(name),
    stderr: '',
    code: 0,
  });
  /** Our Python server on 127.0.0.1:8000, as lsof run by its own user prints it. */
  const OURS: CommandResult = {
    stdout:
      'p700\0R690\0cPython\0\nf3\0tIPv4\0d0x51aa03e2c9e04a88\0n127.0.0.1:8000\0TST=LISTEN\0\n',
    stderr: '',
    code: 0,
  };
  const OURS_PS = {
    psDetails:
      '  700   690   690   501 Sun Nov 29 09:50:00 2026     /usr/local/bin/python3 -m http.server 8000 --bind 127.0.0.1\n',
    psNames: '  700 /usr/local/bin/python3\n',
  };

  test("another user's listener lsof leaves out entirely is reported, owner unknown, with the pid netstat names", async () => {
    const { platform, calls } = recordedTools({
      uid: 502,
      lsof: NO_MATCH,
      netstat: netstatPrinted('netstat-anv-mojave.txt'),
      psDetails:
        '34548     1 34548   501 Mon Nov 23 09:12:40 2026     /Applications/BetterTouchTool.app/Contents/MacOS/BetterTouchTool\n',
      psNames: '34548 /Applications/BetterTouchTool.app/Contents/MacOS/BetterTouchTool\n',
    });
    const sockets = await platform.listListeners(62981);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]).toMatchObject({
      address: '::',
      family: 'IPv6',
      port: 62981,
      socketId: 'netstat:tcp46/::/62981/34548',
      processes: [{ pid: 34548, name: 'BetterTouchTool', uid: 501 }],
    });
    expect(sockets[0]?.ownerUnknown).toBe(
      "netstat lists this listener but lsof could not attribute it: lsof, not run as root (running as uid 502), leaves out other users' processes, so the view of the port's holders is partial; netstat names pid 34548 (BetterTouchTool), the last process to use it. Run as root to see every holder",
    );
    expect(calls.find((c) => c.file === 'netstat')?.args).toEqual(['-anv', '-p', 'tcp']);
    // lsof read again after netstat, in case the socket was bound between the two reads.
    expect(calls.map((c) => c.file)).toEqual(['lsof', 'netstat', 'lsof', 'ps', 'ps']);
    await expect(watchedIds(platform, 62981)).resolves.toEqual(['netstat:tcp46/::/62981/34548']);
  });

  test('our own listener next to a hidden one: two listeners, only the hidden one owner unknown (macOS 26 process:pid)', async () => {
    const { platform } = recordedTools({
      uid: 501,
      lsof: OURS,
      netstat: netstatPrinted('netstat-anv-tahoe.txt'),
      ...OURS_PS,
    });
    const sockets = await platform.listListeners(8000);
    expect(sockets.map((s) => [s.address, s.processes.map((p) => [p.pid, p.name])])).toEqual([
      ['127.0.0.1', [[700, 'python3']]],
      ['::', [[22712, 'Autodesk Fusion']]],
    ]);
    expect(sockets[0]?.ownerUnknown).toBeUndefined();
    expect(sockets[1]?.socketId).toBe('netstat:000000000025c600');
    expect(sockets[1]?.ownerUnknown).toMatch(
      /^netstat lists this listener but lsof could not attribute it: .*partial; netstat names pid 22712 \(Autodesk Fusion\)/,
    );
    await expect(watchedIds(platform, 8000)).resolves.toEqual([
      '0x51aa03e2c9e04a88',
      'netstat:000000000025c600',
    ]);
  });

  test('every netstat row lsof accounts for: nothing added, lsof read once', async () => {
    const tahoeOursOnly = fixture('netstat-anv-tahoe.txt')
      .split('\n')
      .filter((line) => !line.includes('*.8000'))
      .join('\n');
    const { platform, calls } = recordedTools({
      uid: 501,
      lsof: OURS,
      netstat: { stdout: tahoeOursOnly, stderr: '', code: 0 },
      ...OURS_PS,
    });
    const sockets = await platform.listListeners(8000);
    expect(sockets.map((s) => s.socketId)).toEqual(['0x51aa03e2c9e04a88']);
    expect(calls.filter((c) => c.file === 'lsof')).toHaveLength(1);
  });

  test('a socket bound between lsof and netstat is matched by the second lsof read, not reported as hidden', async () => {
    const { platform } = recordedTools({
      uid: 501,
      lsof: [NO_MATCH, OURS],
      netstat: {
        stdout: fixture('netstat-anv-tahoe.txt')
          .split('\n')
          .filter((line) => !line.includes('*.8000'))
          .join('\n'),
        stderr: '',
        code: 0,
      },
      ...OURS_PS,
    });
    const sockets = await platform.listListeners(8000);
    expect(sockets.map((s) => [s.socketId, s.ownerUnknown])).toEqual([
      ['0x51aa03e2c9e04a88', undefined],
    ]);
  });

  test('netstat missing or failing: what lsof saw, and a skipped row saying the view is partial', async () => {
    for (const netstat of [
      undefined,
      {
        stdout: '',
        stderr: 'netstat: sysctl: net.inet.tcp.pcblist_n: Operation not permitted',
        code: 1,
      },
    ]) {
      const { platform } = recordedTools({ uid: 501, lsof: OURS, netstat, ...OURS_PS });
      const sockets = await platform.listListeners(8000);
      expect(sockets.map((s) => s.socketId)).toEqual(['0x51aa03e2c9e04a88']);
      expect(skippedRowsOf(sockets)).toEqual([
        {
          source: 'netstat',
          text: 'netstat -anv -p tcp',
          reason: expect.stringMatching(
            /^netstat (was not found|failed \(exit 1: netstat: sysctl: .*Operation not permitted\)): lsof, not run as root \(running as uid 501\), leaves out other users' processes, so the view of the port's holders is partial, and listeners on port 8000 held by other users could not be looked for/,
          ),
        },
      ]);
    }
  });

  test('an unknown uid counts as not root', async () => {
    const run: RunCommand = async (file) =>
      file === 'netstat'
        ? { stdout: fixture('netstat-anv-sonoma.txt'), stderr: '', code: 0 }
        : { stdout: '', stderr: '', code: 1 };
    const sockets = await createDarwinPlatform(run, { uid: null }).listListeners(443);
    expect(sockets.map((s) => [s.socketId, s.processes.map((p) => p.pid)])).toEqual([
      ['netstat:000000000000965c', [10521]],
    ]);
    expect(sockets[0]?.ownerUnknown).toContain('running as a user that could not be told');
  });

  test('markerState: a process of the injected uid without the marker is unmarked; of another uid, unreadable', async () => {
    const details =
      '  700   690   690   501 Sun Nov 29 09:50:00 2026     /usr/local/bin/python3 -m http.server\n';
    for (const [uid, state] of [
      [501, 'unmarked'],
      [502, 'unreadable'],
    ] as const) {
      const { platform } = recordedTools({ uid, lsof: NO_MATCH, psDetails: details });
      await expect(platform.markerState(700, 'SLC_RUN=abc')).resolves.toBe(state);
    }
  });
});

describe('rows lsof printed that cannot be read', () => {
  test('a socket without a numeric port is counted as a skipped row, not dropped', async () => {
    const { platform } = recordedTools({
      lsof: {
        stdout:
          'p901\0R880\0cnode\0\nf21\0tIPv6\0d0x82a93244c5435ea6\0n*:http-alt\0TST=LISTEN\0\nf22\0tIPv4\0d0x82a93244c5437a02\0n127.0.0.1:8080\0TST=LISTEN\0\n',
        stderr: '',
        code: 0,
      },
      psDetails: '  901   880   901   501 Sun Nov 29 09:31:41 2026     node server.js\n',
      psNames: '  901 node\n',
    });
    const sockets = await platform.listListeners(8080);
    expect(sockets.map((s) => s.address)).toEqual(['127.0.0.1']);
    expect(skippedRowsOf(sockets)).toEqual([
      {
        source: 'lsof',
        text: 'p901 cnode f21 tIPv6 d0x82a93244c5435ea6 n*:http-alt TST=LISTEN',
        reason: 'the name has no numeric address and port',
      },
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
  // As root whatever our uid: Linux's netstat is not macOS's, so the cross-check a normal user
  // gets is tested on recorded output above, not here.
  const darwinPlatform = createDarwinPlatform(runCommand, { uid: 0 });

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
