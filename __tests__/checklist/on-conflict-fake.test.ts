/**
 * `on-conflict: kill` on a scripted FakeSystem (jest's fake clock; no real process): the stale
 * holder is stopped through the platform (SIGTERM, SIGKILL after stop-timeout), the run then
 * starts; a plan with anything that may not be stopped signals nothing and starts nothing.
 * Real processes: __tests__/integration/kill-all-or-nothing.int.test.ts.
 */
import { jest } from '@jest/globals';
import { FakeSystem } from '../helpers/fake-platform.js';
import { fakeService, itemOf, runOnFake, useFakeClock } from '../helpers/fake-run.js';

const PORT = 5000;
const OTHER_UID = process.getuid!() === 65534 ? 1000 : 65534;
const STALE = '2026-01-01T00:00:00.000Z';
let system: FakeSystem;
beforeEach(() => {
  useFakeClock();
  system = new FakeSystem();
  system.spawns({ pid: 7, then: [[100, () => system.bind(7, PORT)]] });
});
afterEach(() => jest.useRealTimers());

const killing = (stopTimeoutMs = 3000) =>
  fakeService({ port: PORT, onConflict: 'kill', stopTimeoutMs });

test('a stale holder that exits on SIGTERM is stopped, then the backend starts', async () => {
  system.process({ pid: 9, command: 'python3 old.py', startedAt: STALE }).bind(9, PORT);

  const { result } = await runOnFake(system, [killing()]);

  expect(itemOf(result, 'port-free')).toMatchObject({
    status: 'warn',
    summary: 'port 5000 was held; stopped 1 process(es) (on-conflict: kill)',
    details: ['stopped pid 9 (python3 old.py)'],
  });
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM -9', 'SIGTERM -7']);
  expect(itemOf(result, 'ready').status).toBe('pass');
  expect(result.result).toBe('pass');
});

test('a stale holder that ignores SIGTERM gets SIGKILL once stop-timeout has passed', async () => {
  system.process({ pid: 9, command: 'stuck', startedAt: STALE, ignoresTerm: true });
  system.bind(9, PORT);

  const { result } = await runOnFake(system, [killing(3000)]);

  expect(itemOf(result, 'port-free').details).toEqual([
    'killed pid 9 (stuck) (still running 3 s after SIGTERM)',
  ]);
  const [term, kill] = system.sent;
  expect([term!.text, kill!.text]).toEqual(['SIGTERM -9', 'SIGKILL -9']);
  expect(kill!.atMs - term!.atMs).toBeGreaterThanOrEqual(3000);
  expect(itemOf(result, 'backend-start').status).toBe('pass');
});

test("another user's holder: nothing is signalled, nothing started, the rest skips", async () => {
  system.process({ pid: 9, command: 'nginx', uid: OTHER_UID, startedAt: STALE }).bind(9, PORT);

  const { result } = await runOnFake(system, [killing()]);

  const portFree = itemOf(result, 'port-free');
  expect(portFree).toMatchObject({
    status: 'fail',
    summary: 'on-conflict: kill stopped nothing: 1 of 1 holder of port 5000 may not be stopped',
  });
  expect(portFree.diagnosis).toMatch(/^Nothing was signalled: /);
  expect(system.sent).toEqual([]);
  expect(system.spawned).toEqual([]);
  expect(itemOf(result, 'ready').summary).toBe(
    'skipped: port 5000 is held by processes that may not be stopped; nothing was stopped or started',
  );
});

test("our holder with another user's worker: the whole tree is refused, our own process too", async () => {
  system.process({ pid: 9, command: 'nginx: master', startedAt: STALE });
  system.process({ pid: 10, ppid: 9, command: 'nginx: worker', uid: OTHER_UID, startedAt: STALE });
  system.bind([9, 10], PORT);

  const { result } = await runOnFake(system, [killing()]);

  expect(itemOf(result, 'port-free').summary).toBe(
    'on-conflict: kill stopped nothing: 1 of 2 holders of port 5000 may not be stopped',
  );
  expect(system.sent).toEqual([]);
  expect(system.isRunning(9)).toBe(true);
});

test('a socket whose owner cannot be read refuses the plan', async () => {
  system.bindUnknown(PORT, 'permission denied reading the holders');

  const { result } = await runOnFake(system, [killing()]);

  expect(itemOf(result, 'port-free')).toMatchObject({
    status: 'fail',
    summary:
      'on-conflict: kill stopped nothing: the owner of 1 of 1 socket on port 5000 could not be read',
    details: [
      'the owner of socket 0.0.0.0:5000 could not be read (permission denied reading the holders)',
    ],
  });
  expect(system.sent).toEqual([]);
});

test('a holder that survives SIGKILL: the port is still held, nothing is started', async () => {
  system.process({
    pid: 9,
    command: 'stuck',
    startedAt: STALE,
    ignoresTerm: true,
    survivesKill: true,
  });
  system.bind(9, PORT);

  const { result } = await runOnFake(system, [killing(1000)]);

  expect(itemOf(result, 'port-free')).toMatchObject({
    status: 'fail',
    summary: 'port 5000 is still held after on-conflict: kill: pid 9 (stuck)',
    details: ['still running after SIGKILL: pid 9 (stuck)'],
  });
  expect(system.spawned).toEqual([]);
});
