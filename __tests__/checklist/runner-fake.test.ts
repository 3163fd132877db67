/**
 * The runner and its items on a scripted FakeSystem (jest's fake clock; no real process): the
 * happy path, skip propagation, and what teardown sends. Real processes prove the same paths in
 * __tests__/integration/*.int.test.ts.
 */
import { jest } from '@jest/globals';
import { FakeSystem } from '../helpers/fake-platform.js';
import { fakeService, itemOf, runOnFake, statuses, useFakeClock } from '../helpers/fake-run.js';

const PORT = 5000;
let system: FakeSystem;
beforeEach(() => {
  useFakeClock();
  system = new FakeSystem();
});
afterEach(() => jest.useRealTimers());

test('a backend that binds at t=300 ms: every item passes, teardown SIGTERMs its group once', async () => {
  system.spawns({ pid: 7, then: [[300, () => system.bind(7, PORT)]] });

  const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

  expect(statuses(result)).toEqual([
    'port-free pass',
    'bytecode-cache skip',
    'backend-start pass',
    'ready pass',
    'single-listener pass',
    'listener-owner pass',
    'logs pass',
    'health skip',
    'teardown pass',
  ]);
  expect(result.result).toBe('pass');
  expect(system.spawned[0]).toMatchObject({ command: 'python3 app.py', detached: true });
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM -7']);
  expect(itemOf(result, 'teardown').summary).toMatch(
    /^stopped 1 process\(es\) with SIGTERM in \d+ ms; port 5000 is free$/,
  );
  expect(result.services[0]!.backendPid).toBe(7);
  expect(result.services[0]!.timeline.map((e) => e.event)).toEqual(
    expect.arrayContaining(['ready', 'listener 0.0.0.0:5000 (pid 7) appeared', 'teardown']),
  );
});

test('the backend exits at t=50 before binding: ready fails, the rest skips with its reason but logs, teardown still runs', async () => {
  system.spawns({ pid: 7, exitsAfter: 50, exitCode: 3 });

  const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

  expect(itemOf(result, 'ready')).toMatchObject({
    status: 'fail',
    summary: 'backend exited before it was ready (exit code 3)',
  });
  const skipped = ['single-listener', 'listener-owner', 'health'].map((id) => itemOf(result, id));
  expect(skipped.map((i) => [i.status, i.summary])).toEqual(
    skipped.map(() => ['skip', 'skipped: the backend exited before it was ready']),
  );
  // The log is still judged: a crash's traceback would fail it.
  expect(itemOf(result, 'logs')).toMatchObject({ status: 'pass' });
  expect(itemOf(result, 'teardown')).toMatchObject({
    status: 'pass',
    summary:
      'nothing left to stop: the backend had already exited (exit code 3); port 5000 is free',
  });
  expect(system.sent).toEqual([]);
  expect(result.result).toBe('fail');
});

test('the port is held (on-conflict: fail): nothing is started, every later item skips', async () => {
  system.process({ pid: 9, command: 'python3 old.py', startedAt: '2026-01-01T00:00:00.000Z' });
  system.bind(9, PORT);

  const { result } = await runOnFake(system, [fakeService({ port: PORT, onConflict: 'fail' })]);

  expect(itemOf(result, 'port-free')).toMatchObject({
    status: 'fail',
    summary: 'port 5000 is already held: pid 9 (python3 old.py)',
  });
  const reason =
    'skipped: port 5000 was held before start (on-conflict: fail); nothing was started';
  expect(result.services[0]!.items.slice(1, -1).map((i) => i.summary)).toEqual(
    Array(7).fill(reason),
  );
  expect(itemOf(result, 'teardown')).toMatchObject({
    status: 'skip',
    summary: 'nothing was started',
  });
  expect(system.spawned).toEqual([]);
  expect(system.isRunning(9)).toBe(true);
});

test('the start command cannot be spawned: backend-start fails, ready and the rest skip', async () => {
  const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

  expect(itemOf(result, 'backend-start')).toMatchObject({
    status: 'fail',
    summary: 'could not start `python3 app.py`: spawn /bin/sh ENOENT',
  });
  expect(itemOf(result, 'ready').summary).toBe('skipped: the backend could not be started');
  expect(itemOf(result, 'teardown').summary).toBe('nothing was started');
});

test('the listener goes away before single-listener looks: it fails saying nothing listens any more', async () => {
  let socket = '';
  system.spawns({ pid: 7, then: [[100, () => (socket = system.bind(7, PORT))]] });

  const { result } = await runOnFake(system, [fakeService({ port: PORT })], {
    hooks: { itemStarted: (_s, id) => id === 'single-listener' && system.close(socket) },
  });

  expect(itemOf(result, 'single-listener')).toMatchObject({
    status: 'fail',
    summary: 'nothing listens on port 5000 any more',
  });
  expect(result.services[0]!.timeline.map((e) => e.event)).toEqual(
    expect.arrayContaining([
      'listener 0.0.0.0:5000 (pid 7) appeared',
      'listener 0.0.0.0:5000 (pid 7) closed',
    ]),
  );
});

test('the backend binds another port: ready times out naming the port it listens on', async () => {
  system.spawns({ pid: 7, then: [[100, () => system.bind(7, 9999)]] });

  const { result } = await runOnFake(system, [fakeService({ port: PORT, readyTimeoutMs: 2000 })]);

  const ready = itemOf(result, 'ready');
  expect(ready).toMatchObject({
    status: 'fail',
    summary:
      'not ready after 2 s: still waiting for a listener on port 5000; the backend listens on 0.0.0.0:9999, not on port 5000',
  });
  expect(ready.details).toEqual(
    expect.arrayContaining([
      'nothing listens on port 5000',
      "the backend's pid 7 (/bin/sh -c python3 app.py) listens on 0.0.0.0:9999",
    ]),
  );
  expect(ready.diagnosis).toMatch(/^Your backend listens on 9999, not on 5000/);
  expect(itemOf(result, 'single-listener').summary).toBe('skipped: the backend never became ready');
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM -7']);
});

test('a start command that daemonizes: its marked child is ready, owned by marker, stopped outside the group', async () => {
  system.spawns({
    pid: 7,
    exitsAfter: 50,
    then: [
      [20, () => system.process({ pid: 8, ppid: 7, pgid: 8, command: 'gunicorn --daemon' })],
      [200, () => system.bind(8, PORT)],
    ],
  });

  const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

  expect(itemOf(result, 'ready').summary).toMatch(/and left its server running: daemonized\)$/);
  expect(itemOf(result, 'listener-owner').summary).toBe(
    'all 1 holder(s) belong to the run (backend pid 7): 1 found by the run marker (daemonized)',
  );
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM 8']);
  const teardown = itemOf(result, 'teardown');
  expect(teardown.status).toBe('pass');
  expect(teardown.details).toContain(
    'stopped outside the process group: pid 8 (gunicorn --daemon), found by the run marker in its environment',
  );
});

describe('a busy host: each inventory takes 400 ms (a walk of every open file)', () => {
  beforeEach(() => (system.inventoryMs = 400));

  test("ready is declared from the backend's own open files before the inventory is in; the listener items judge the inventory", async () => {
    system.spawns({ pid: 7, then: [[300, () => system.bind(7, PORT)]] });

    const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

    const timeline = result.services[0]!.timeline;
    const at = (event: string) => timeline.find((e) => e.event === event)!.atMs;
    expect(at('ready')).toBeLessThan(at('listener 0.0.0.0:5000 (pid 7) appeared'));
    const ready = itemOf(result, 'ready');
    expect(ready.summary).toMatch(/^listening on 0\.0\.0\.0:5000 after \d+ ms$/);
    // No listener table under ready: it read the backend's files, not every holder's.
    expect(ready.listeners).toBeUndefined();
    expect(itemOf(result, 'single-listener').status).toBe('pass');
    expect(itemOf(result, 'listener-owner').listeners?.map((s) => s.processes[0]?.pid)).toEqual([
      7,
    ]);
  });

  test('a stranger binding beside the backend: ready passes on the backend socket, single-listener fails naming both', async () => {
    system.process({ pid: 50, command: 'flask run (stale)' });
    system.spawns({
      pid: 7,
      then: [
        [300, () => system.bind(7, PORT)],
        [300, () => system.bind(50, PORT, { address: '127.0.0.1' })],
      ],
    });

    const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

    expect(itemOf(result, 'ready').status).toBe('pass');
    const single = itemOf(result, 'single-listener');
    expect(single.status).toBe('fail');
    expect(single.listeners?.flatMap((s) => s.processes.map((p) => p.pid)).sort()).toEqual([50, 7]);
  });
});

test('a busy host, the server a child of the start command: ready is still declared from the spawned tree before the inventory', async () => {
  system.inventoryMs = 400;
  system.spawns({
    pid: 7,
    then: [
      [20, () => system.process({ pid: 8, ppid: 7, command: 'python3 app.py' })],
      [300, () => system.bind(8, PORT)],
    ],
  });

  const { result } = await runOnFake(system, [fakeService({ port: PORT })]);

  const timeline = result.services[0]!.timeline;
  const at = (event: string) => timeline.find((e) => e.event === event)!.atMs;
  expect(at('ready')).toBeLessThan(at('listener 0.0.0.0:5000 (pid 8) appeared'));
  expect(itemOf(result, 'listener-owner').status).toBe('pass');
});
