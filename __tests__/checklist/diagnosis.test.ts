/**
 * The diagnosis of failing listener items, on fixed sockets: one phrase per listener (a master
 * and its workers are one server), no stale-server advice in attach mode, no empty names, and a
 * daemonize hint that names the flags that really daemonize.
 */
import { fakePlatform } from '../helpers/fake-platform.js';
import { runEnvironment, serviceConfig } from '../helpers/service-config.js';
import {
  describeListeners,
  diagnoseHolders,
  diagnoseSurvivors,
} from '../../src/checklist/diagnosis.js';
import { ServiceRun } from '../../src/checklist/service-run.js';
import type { Family, ListenerSocket, Platform, ProcessInfo } from '../../src/platform/types.js';

const RUN_START = new Date('2025-06-01T12:00:00.000Z');
const TWO_HOURS_BEFORE = '2025-06-01T10:00:00.000Z';
const GUNICORN = '/usr/bin/python3 /usr/bin/gunicorn -w 2 -b 0.0.0.0:5000 app:app';

function proc(pid: number, ppid: number, command: string, extra: Partial<ProcessInfo> = {}) {
  return {
    pid,
    ppid,
    name: command.split(' ')[0]!.split('/').pop()!,
    command,
    startedAt: TWO_HOURS_BEFORE,
    ...extra,
  } satisfies ProcessInfo;
}

let nextId = 1;
function socket(address: string, family: Family, processes: ProcessInfo[]): ListenerSocket {
  return { address, port: 5000, family, socketId: String(nextId++), processes };
}

const master = proc(100, 1, GUNICORN);
const workers = [proc(101, 100, GUNICORN), proc(102, 100, GUNICORN)];

/** A ServiceRun on port 5000 started at RUN_START; `ours` are pids of the backend's tree. */
function service(opts: { attach?: boolean; ours?: ProcessInfo[]; known?: ProcessInfo[] } = {}) {
  const known = new Map((opts.known ?? []).map((p) => [p.pid, p]));
  const platform: Platform = fakePlatform({
    listListeners: () => Promise.resolve([]),
    getProcess: (pid) => Promise.resolve(known.get(pid) ?? null),
    listProcesses: () => Promise.resolve([...known.values()]),
  });
  const config = serviceConfig({
    start: opts.attach ? '' : 'gunicorn app:app',
    attach: opts.attach ?? false,
  });
  const env = runEnvironment(platform, { reportDir: '/nonexistent', startedAtWall: RUN_START });
  const run = new ServiceRun(config, env);
  for (const p of opts.ours ?? []) run.adopt(p, 'tree');
  return run;
}

const count = (text: string | undefined, what: string) => (text ?? '').split(what).length - 1;

describe('describeListeners: one phrase per listener', () => {
  test('a gunicorn master and its workers on 0.0.0.0 and [::] are one server', () => {
    const all = [master, ...workers];
    expect(describeListeners([socket('0.0.0.0', 'IPv4', all), socket('::', 'IPv6', all)])).toEqual([
      `pid 100 (${GUNICORN}) and 2 workers on 0.0.0.0:5000 and [::]:5000`,
    ]);
  });

  test('two servers are two phrases; an unreadable socket says why', () => {
    const other = proc(200, 1, 'python3 old.py');
    const hidden: ListenerSocket = {
      ...socket('::', 'IPv6', []),
      ownerUnknown: 'no readable process holds socket inode 52001 (permission denied for pids 1)',
    };
    expect(
      describeListeners([
        socket('0.0.0.0', 'IPv4', [master]),
        socket('0.0.0.0', 'IPv4', [other]),
        hidden,
      ]),
    ).toEqual([
      `pid 100 (${GUNICORN}) on 0.0.0.0:5000`,
      'pid 200 (python3 old.py) on 0.0.0.0:5000',
      '[::]:5000: owner unknown (no readable process holds socket inode 52001 (permission denied for pids 1))',
    ]);
  });

  test('a named holder not known for sure (a pid only netstat named) keeps the owner-unknown reason', () => {
    const named: ListenerSocket = {
      ...socket('::', 'IPv6', [proc(88, 1, '/usr/sbin/httpd -D FOREGROUND')]),
      ownerUnknown:
        "netstat lists this listener but lsof could not attribute it: lsof, not run as root (running as uid 501), leaves out other users' processes, so the view of the port's holders is partial",
    };
    expect(describeListeners([named])).toEqual([
      "pid 88 (/usr/sbin/httpd -D FOREGROUND) on [::]:5000, owner unknown (netstat lists this listener but lsof could not attribute it: lsof, not run as root (running as uid 501), leaves out other users' processes, so the view of the port's holders is partial)",
    ]);
  });

  test('a holder whose name and command are unreadable is never an empty name', () => {
    const blank = proc(7, 1, '', { name: '' });
    expect(describeListeners([socket('127.0.0.1', 'IPv4', [blank])])).toEqual([
      'pid 7 (name unreadable) on 127.0.0.1:5000',
    ]);
  });
});

describe('diagnoseHolders', () => {
  test('a stale gunicorn master and its workers: one paragraph, the master named once, workers counted', () => {
    const all = [master, ...workers];
    const text = diagnoseHolders([socket('0.0.0.0', 'IPv4', all)], service());
    expect(count(text, 'is a stale server')).toBe(1);
    expect(text).toContain(`pid 100 (${GUNICORN}) and 2 workers on 0.0.0.0:5000, started `);
    expect(text).not.toContain('pid 101');
    expect(text).not.toContain('pid 102');
    expect(text).toContain('`on-conflict: kill`');
  });

  test('one stale server per listener, distinct pids counted once whatever the sockets', () => {
    const all = [master, ...workers];
    const other = proc(300, 1, 'python3 main.py');
    const text = diagnoseHolders(
      [
        socket('0.0.0.0', 'IPv4', all),
        socket('::', 'IPv6', all),
        socket('127.0.0.1', 'IPv4', [other]),
      ],
      service(),
    );
    expect(count(text, 'is a stale server')).toBe(2);
    expect(count(text, 'pid 100 (')).toBe(1);
    expect(text).toContain('and 2 workers on 0.0.0.0:5000 and [::]:5000');
    expect(text).toContain('pid 300 (python3 main.py) on 127.0.0.1:5000');
  });

  test('our own server is never stale', () => {
    const ours = proc(400, 1, 'python3 app.py', { startedAt: '2025-06-01T11:59:00.000Z' });
    const stale = proc(300, 1, 'python3 main.py');
    const text = diagnoseHolders(
      [socket('0.0.0.0', 'IPv4', [ours]), socket('0.0.0.0', 'IPv4', [stale])],
      service({ ours: [ours] }),
    );
    expect(count(text, 'is a stale server')).toBe(1);
    expect(text).not.toContain('pid 400');
  });

  test('attach mode: the attached server is never called stale, and on-conflict kill is never advised', () => {
    const other = proc(300, 1, 'python3 main.py');
    const one = diagnoseHolders(
      [socket('0.0.0.0', 'IPv4', [master, ...workers])],
      service({ attach: true }),
    );
    expect(one).toBeUndefined();
    const two = diagnoseHolders(
      [socket('0.0.0.0', 'IPv4', [master, ...workers]), socket('::', 'IPv6', [other])],
      service({ attach: true }),
    );
    expect(two).not.toMatch(/stale/);
    expect(two).not.toMatch(/on-conflict/);
    expect(two).not.toMatch(/--kill/);
    expect(two).toContain(
      `2 servers listen on port 5000: pid 100 (${GUNICORN}) and 2 workers on 0.0.0.0:5000; pid 300 (python3 main.py) on [::]:5000. In attach mode`,
    );
    // The measured facts still apply.
    expect(two).toContain('`localhost` reaches `::1` first');
  });

  test('same-address sockets of one server are no SO_REUSEPORT warning; of two servers they are', () => {
    const ours = [proc(500, 1, 'nginx: master process'), proc(501, 500, 'nginx: worker process')];
    const oneServer = [
      socket('0.0.0.0', 'IPv4', [ours[0]!, ours[1]!]),
      socket('0.0.0.0', 'IPv4', [ours[0]!]),
    ];
    expect(diagnoseHolders(oneServer, service({ ours }))).toBeUndefined();
    const twoServers = [
      socket('0.0.0.0', 'IPv4', [ours[0]!]),
      socket('0.0.0.0', 'IPv4', [proc(600, 1, 'python3 old.py')]),
    ];
    expect(diagnoseHolders(twoServers, service({ ours }))).toMatch(
      /SO_REUSEPORT.*intermittent 404/,
    );
  });

  test('127.0.0.1 + [::1] of one process is no localhost split; held by two processes it is', () => {
    const ours = [proc(700, 1, 'nginx: master process')];
    const one = [socket('127.0.0.1', 'IPv4', ours), socket('::1', 'IPv6', ours)];
    expect(diagnoseHolders(one, service({ ours }))).toBeUndefined();
    const split = [
      socket('127.0.0.1', 'IPv4', ours),
      socket('::1', 'IPv6', [proc(701, 1, 'node old.js')]),
    ];
    expect(diagnoseHolders(split, service({ ours }))).toMatch(/`localhost` reaches `::1` first/);
  });
});

describe('diagnoseSurvivors', () => {
  test('a daemonized master and worker: one sentence, the hint names flags that daemonize', async () => {
    const daemon = proc(800, 1, 'gunicorn --daemon app:app');
    const worker = proc(801, 800, 'gunicorn --daemon app:app');
    const init = proc(1, 0, '/sbin/init', { ppid: null });
    const text = await diagnoseSurvivors(service({ known: [init] }), [daemon, worker]);
    expect(count(text, 'survived teardown')).toBe(1);
    expect(text).toMatch(
      /^pid 800 \(gunicorn --daemon app:app\) and 1 worker survived teardown; parent chain: 800 ← 1 \(init\)\./,
    );
    expect(text).toContain('gunicorn `--daemon`/`-D`');
    expect(text).toContain('`setsid`');
    expect(text).toContain('`python -m http.server &`');
    // lighttpd's -D keeps it in the foreground: it is no daemonize flag.
    expect(text).not.toMatch(/lighttpd/);
    expect(text).not.toMatch(/e\.g\. `-D`/);
  });

  test('no survivors, no diagnosis', async () => {
    expect(await diagnoseSurvivors(service(), [])).toBeUndefined();
  });
});
