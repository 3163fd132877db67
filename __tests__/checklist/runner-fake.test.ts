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
  system.spawns({ pid: 7 }).at(300, () => system.bind(7, PORT));

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
