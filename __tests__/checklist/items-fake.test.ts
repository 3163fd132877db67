/**
 * Items on a scripted FakeSystem (jest's fake clock; no real process): the log patterns, attach
 * mode's skips, teardown on a Windows-like platform (taskkill of the tree, no grace), and a
 * system service the platform knows as a holder.
 */
import { jest } from '@jest/globals';
import { darwinPlatform } from '../../src/platform/darwin/index.js';
import { FakeSystem } from '../helpers/fake-platform.js';
import { fakeService, itemOf, runOnFake, statuses, useFakeClock } from '../helpers/fake-run.js';

const PORT = 5000;
beforeEach(() => useFakeClock());
afterEach(() => jest.useRealTimers());

test('logs: an expected line never printed and a Traceback printed both fail the item, named', async () => {
  const system = new FakeSystem();
  system.spawns({
    pid: 7,
    then: [
      [50, () => system.print('Traceback (most recent call last):\n')],
      [100, () => system.bind(7, PORT)],
    ],
  });

  const { result } = await runOnFake(system, [
    fakeService({ port: PORT, expectLog: ['Listening on'] }),
  ]);

  expect(itemOf(result, 'logs')).toMatchObject({
    status: 'fail',
    summary: '/Listening on/ never matched (+1 more)',
  });
  expect(itemOf(result, 'logs').details![1]).toMatch(
    /matched: Traceback \(most recent call last\):$/,
  );
  expect(itemOf(result, 'teardown').status).toBe('pass');
});

test('attach mode: nothing is started or stopped, the server already listening is checked', async () => {
  const system = new FakeSystem();
  system.process({ pid: 12, command: 'node server.js' }).bind(12, PORT);

  const { result } = await runOnFake(system, [
    fakeService({ port: PORT, attach: true, start: '' }),
  ]);

  expect(statuses(result)).toEqual([
    'port-free skip',
    'bytecode-cache skip',
    'backend-start skip',
    'ready pass',
    'single-listener pass',
    'listener-owner skip',
    'logs skip',
    'health skip',
    'teardown skip',
  ]);
  expect(system.spawned).toEqual([]);
  expect(system.sent).toEqual([]);
  expect(system.isRunning(12)).toBe(true);
});

test('Windows-like platform: teardown ends the tree with one taskkill /T, no SIGTERM grace', async () => {
  const system = new FakeSystem('win32');
  system.spawns({
    pid: 7,
    ignoresTerm: true,
    then: [
      [20, () => system.process({ pid: 8, ppid: 7, command: 'python app.py' })],
      [100, () => system.bind(8, PORT)],
    ],
  });

  const { result } = await runOnFake(system, [fakeService({ port: PORT, stopTimeoutMs: 60_000 })]);

  expect(system.spawned[0]!.detached).toBe(false);
  expect(system.sent.map((s) => s.text)).toEqual(['taskkill 7 /T']);
  expect([system.isRunning(7), system.isRunning(8)]).toEqual([false, false]);
  const teardown = itemOf(result, 'teardown');
  expect(teardown.status).toBe('pass');
  expect(teardown.summary).toMatch(
    /^stopped 2 process\(es\) with taskkill in \d+ ms; port 5000 is free$/,
  );
  expect(teardown.details!.join('\n')).not.toMatch(/SIGKILL/);
  expect(result.platform).toBe('win32');
});

test("port-free names a system service the platform knows (macOS's AirPlay Receiver on 5000), and offers no kill for it", async () => {
  const system = new FakeSystem();
  system.process({ pid: 512, name: 'ControlCenter', command: 'ControlCenter' }).bind(512, PORT);
  const darwin = { ...system.platform, name: 'darwin' as const };
  const held = [fakeService({ port: PORT })];

  const onMac = await runOnFake(system, held, {
    platform: { ...darwin, knownHolder: darwinPlatform.knownHolder },
  });
  const elsewhere = await runOnFake(system, held);

  expect(itemOf(onMac.result, 'port-free').diagnosis).toMatch(
    /^ControlCenter is macOS's AirPlay Receiver/,
  );
  expect(itemOf(elsewhere.result, 'port-free').diagnosis ?? '').not.toMatch(/AirPlay/);
  // A kill is no fix for a system service: no command to copy, only the diagnosis.
  expect(itemOf(onMac.result, 'port-free').nextStep).toBeUndefined();
  expect(itemOf(elsewhere.result, 'port-free').nextStep).toBe(
    `npx single-listener-check free --port ${PORT} --kill`,
  );
});
