/**
 * Teardown, interrupts and the port watch on a scripted FakeSystem (jest's fake clock; no real
 * process): the order across services, SIGKILL after stop-timeout, a survivor, an interrupt's
 * capped grace and a second signal's SIGKILL, and a listener that binds after the checks passed.
 * Real processes: __tests__/integration/{teardown,interrupt}.int.test.ts.
 */
import { jest } from '@jest/globals';
import { FakeSystem } from '../helpers/fake-platform.js';
import { fakeService, itemOf, runOnFake, useFakeClock } from '../helpers/fake-run.js';

let system: FakeSystem;
beforeEach(() => {
  useFakeClock();
  system = new FakeSystem();
});
afterEach(() => jest.useRealTimers());

/** The next spawn: `pid` binds `port` 100 ms after it starts. */
function backend(pid: number, port: number, more: Parameters<FakeSystem['spawns']>[0] = { pid }) {
  system.spawns({
    ...more,
    pid,
    then: [[100, () => system.bind(pid, port)], ...(more.then ?? [])],
  });
}

test('services start in the listed order and are torn down in reverse', async () => {
  backend(7, 5000);
  backend(8, 5001);
  const started: string[] = [];

  const { result, finished } = await runOnFake(
    system,
    [fakeService({ name: 'api', port: 5000 }), fakeService({ name: 'web', port: 5001 })],
    { hooks: { serviceStarted: (name) => started.push(name) } },
  );

  expect(started).toEqual(['api', 'web']);
  expect(system.spawned.map((s) => s.env)).toEqual([
    { SINGLE_LISTENER_CHECK_RUN: expect.any(String) },
    { SINGLE_LISTENER_CHECK_RUN: expect.any(String) },
  ]);
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM -8', 'SIGTERM -7']);
  expect(finished.filter((f) => f.includes(' teardown '))).toEqual([
    'web teardown pass',
    'api teardown pass',
  ]);
  expect(result.result).toBe('pass');
});

test('a backend that ignores SIGTERM gets SIGKILL after stop-timeout', async () => {
  backend(7, 5000, { pid: 7, ignoresTerm: true });

  const { result } = await runOnFake(system, [fakeService({ port: 5000, stopTimeoutMs: 2000 })]);

  const [term, kill] = system.sent;
  expect([term!.text, kill!.text]).toEqual(['SIGTERM -7', 'SIGKILL -7']);
  expect(kill!.atMs - term!.atMs).toBeGreaterThanOrEqual(2000);
  const teardown = itemOf(result, 'teardown');
  expect(teardown.summary).toMatch(
    /^stopped 1 process\(es\) with SIGKILL after 2 s for 1 process\(es\) that ignored SIGTERM in \d+ ms; port 5000 is free$/,
  );
  expect(teardown.details).toContain('needed SIGKILL: pid 7 (/bin/sh -c python3 app.py)');
});

test('a backend that survives SIGKILL fails teardown, named with its parent chain', async () => {
  backend(7, 5000, { pid: 7, ignoresTerm: true, survivesKill: true });

  const { result } = await runOnFake(system, [fakeService({ port: 5000, stopTimeoutMs: 500 })]);

  const teardown = itemOf(result, 'teardown');
  expect(teardown.status).toBe('fail');
  expect(teardown.summary).toBe(
    'port 5000 is still held after teardown by pid 7 (/bin/sh -c python3 app.py)',
  );
  expect(teardown.details).toEqual(['survived: pid 7 (/bin/sh -c python3 app.py)']);
  expect(teardown.diagnosis).toMatch(/survived teardown; parent chain: 7 ← 1/);
});

test('an interrupt while waiting for readiness: the rest skips, teardown runs, the report is written first', async () => {
  backend(7, 5000);
  const aborter = new AbortController();

  const { result, partials } = await runOnFake(system, [fakeService({ port: 5000 })], {
    signal: aborter.signal,
    hooks: { itemStarted: (_s, id) => id === 'ready' && aborter.abort('SIGINT') },
  });

  expect(itemOf(result, 'ready')).toMatchObject({ status: 'skip' });
  expect(itemOf(result, 'logs').summary).toBe('skipped: interrupted (SIGINT)');
  expect(result).toMatchObject({ result: 'fail', interrupted: 'SIGINT' });
  expect(system.sent.map((s) => s.text)).toEqual(['SIGTERM -7']);
  expect(itemOf(result, 'teardown').status).toBe('pass');
  expect(partials).toHaveLength(1);
  expect(itemOf(partials[0]!, 'teardown').summary).toMatch(
    /^pending: .*the backend \(pid 7\) may still be running$/,
  );
});

test('after an interrupt the SIGTERM grace is capped at 5 s, and a second signal sends SIGKILL at once', async () => {
  backend(7, 5000, { pid: 7, ignoresTerm: true });
  const aborter = new AbortController();
  const escalate = new AbortController();
  const hooks = {
    itemStarted: (_s: string, id: string) => {
      if (id === 'logs') aborter.abort('SIGINT');
      // The second signal, 1 s into teardown.
      if (id === 'teardown') system.at(system.now() + 1000, () => escalate.abort());
    },
  };

  await runOnFake(system, [fakeService({ port: 5000, stopTimeoutMs: 60_000 })], {
    signal: aborter.signal,
    escalate: escalate.signal,
    hooks,
  });

  const [term, kill] = system.sent;
  expect([term!.text, kill!.text]).toEqual(['SIGTERM -7', 'SIGKILL -7']);
  expect(kill!.atMs - term!.atMs).toBeGreaterThanOrEqual(1000);
  expect(kill!.atMs - term!.atMs).toBeLessThan(5000);
});

test('a listener that binds during teardown is seen: single-listener and listener-owner fail on review', async () => {
  backend(7, 5000, { pid: 7, termDelayMs: 500 });
  system.process({ pid: 12, command: 'node other.js' });
  const hooks = {
    itemStarted: (_s: string, id: string) => {
      if (id === 'teardown') system.at(system.now() + 100, () => system.bind(12, 5000));
    },
  };

  const { result, finished } = await runOnFake(system, [fakeService({ port: 5000 })], { hooks });

  expect(finished).toEqual(
    expect.arrayContaining([
      'backend single-listener pass',
      'backend single-listener fail',
      'backend listener-owner fail',
    ]),
  );
  expect(itemOf(result, 'single-listener').summary).toMatch(
    /^2 listener\(s\) on port 5000 .* expected at most 1 \(after this check first passed\)$/,
  );
  expect(itemOf(result, 'listener-owner').summary).toBe(
    '1 holder(s) outside the run (backend pid 7): pid 12 (node other.js) (seen after this check first passed)',
  );
  expect(itemOf(result, 'teardown').summary).toBe(
    'port 5000 is still held after teardown by pid 12 (node other.js)',
  );
  expect(system.isRunning(12)).toBe(true);
});
