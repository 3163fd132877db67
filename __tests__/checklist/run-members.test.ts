/**
 * Which processes belong to the run (ServiceRun.belongs), on a scripted platform: the spawned
 * tree first, then the run's marker on the process or an ancestor, then — by timing — our own
 * user's process with an overwritten environment that started after the backend while its start
 * command ran. Everything else is a stranger.
 */
import { ServiceRun } from '../../src/checklist/service-run.js';
import type { MarkerState, ProcessInfo } from '../../src/platform/types.js';
import { fakePlatform } from '../helpers/fake-platform.js';
import { runEnvironment, serviceConfig } from '../helpers/service-config.js';

const UID = process.getuid!();
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, seconds)).toISOString();
const proc = (pid: number, ppid: number, startS: number, extra: Partial<ProcessInfo> = {}) =>
  ({
    pid,
    ppid,
    name: `p${pid}`,
    command: `p${pid}`,
    startedAt: at(startS),
    uid: UID,
    ...extra,
  }) satisfies ProcessInfo;

/** The backend (pid 100) started at 10 s and exited at 12 s; `env` gives each pid's marker state. */
function run(procs: ProcessInfo[], env: Record<number, MarkerState>) {
  const backend = proc(100, 50, 10);
  const platform = fakePlatform({
    listListeners: async () => [],
    listProcesses: async () => [backend, ...procs],
    markerState: async (pid) => env[pid] ?? 'unmarked',
  });
  const service = new ServiceRun(serviceConfig(), runEnvironment(platform));
  service.backendProcess = backend;
  service.adopt(backend, 'tree');
  service.backend = { exit: { code: 0, signal: null, atMs: Date.parse(at(12)) } } as never;
  return service;
}

test('a descendant of the backend is in the tree, even though it also carries the marker', async () => {
  const child = proc(101, 100, 11);
  expect(await run([child], { 101: 'marked' }).belongs(child)).toBe('tree');
});

test('a process reparented to init that carries the marker (gunicorn --daemon, setsid -f) is ours by marker', async () => {
  const daemon = proc(200, 1, 11);
  expect(await run([daemon], { 200: 'marked' }).belongs(daemon)).toBe('marker');
});

test('a child of a marked daemon whose own environment was cleared is ours through its parent', async () => {
  const master = proc(200, 1, 11);
  const worker = proc(201, 200, 11, { uid: 65534 });
  expect(await run([master, worker], { 200: 'marked', 201: 'unmarked' }).belongs(worker)).toBe(
    'marker',
  );
});

test('by timing: our user, environment overwritten (nginx title), started after the backend and before its start command exited', async () => {
  const master = proc(200, 1, 11);
  const worker = proc(201, 200, 11, { uid: 65534 });
  const service = run([master, worker], { 200: 'unreadable', 201: 'unreadable' });
  // The worker (another user) is reached through its master, which is ours by timing.
  expect(await service.belongs(worker)).toBe('timing');
  expect(service.ruleOf(master)).toBe('timing');
  expect(service.describeMember(master)).toMatch(/ours by timing/);
});

test('not by timing: a readable environment without the marker, another user, started before the backend, or after the start command exited', async () => {
  const cases: Array<[ProcessInfo, MarkerState]> = [
    [proc(300, 1, 11), 'unmarked'], // another run's server, or anything with a readable env
    [proc(301, 1, 11, { uid: UID + 1 }), 'unreadable'], // another user's
    [proc(302, 1, 5), 'unreadable'], // started before our backend: a stale server
    [proc(303, 1, 20), 'unreadable'], // started long after the start command exited
  ];
  for (const [stranger, state] of cases) {
    expect(await run([stranger], { [stranger.pid]: state }).belongs(stranger)).toBeNull();
  }
});

test('a reused pid is not taken for a member: same pid, later start time', async () => {
  const service = run([], {});
  const reused = proc(100, 1, 30, { uid: UID + 1 });
  expect(await service.belongs(reused)).toBeNull();
});

test('liveMembers: a marked child forked after the process table was read is the tree, not daemonized', async () => {
  // The reloader's child: absent from the process table read first, found by its marker next.
  const backend = proc(100, 50, 10);
  const child = proc(101, 100, 11);
  const platform = fakePlatform({
    listListeners: async () => [],
    listProcesses: async () => [backend],
    getProcess: async (pid) => [backend, child].find((p) => p.pid === pid) ?? null,
    findMarked: async () => [backend, child],
    markerState: async () => 'marked',
  });
  const service = new ServiceRun(serviceConfig(), runEnvironment(platform));
  service.backendProcess = backend;
  service.adopt(backend, 'tree');

  expect((await service.liveMembers()).map((p) => p.pid)).toEqual([100, 101]);
  expect(service.ruleOf(child)).toBe('tree');
});
