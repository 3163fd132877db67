/**
 * How the Windows platform stops processes: taskkill /F through the injected command runner (a
 * recorder here), each pid alone or a root with its tree (/T); a taskkill that fails is left to
 * the liveness read, as a signal to a gone process is on POSIX.
 */
import type { CommandResult, RunCommand } from '../../src/platform/run-command.js';
import { windowsStopping } from '../../src/platform/windows/stop.js';

function recorder(
  answer: () => Promise<CommandResult> = async () => ({ stdout: '', stderr: '', code: 0 }),
) {
  const calls: string[] = [];
  const run: RunCommand = async (file, args) => {
    calls.push([file, ...args].join(' '));
    return answer();
  };
  return { calls, stopping: windowsStopping(run) };
}

test('each pid alone: one taskkill /F naming every pid, whatever the signal', async () => {
  const { calls, stopping } = recorder();
  await stopping.stopProcesses({ signal: 'SIGTERM', pids: [41, 42], groups: [] });
  expect(calls).toEqual(['taskkill /PID 41 /PID 42 /F']);
  expect(stopping.stopMethod).toBe('taskkill');
});

test('a root with its tree: taskkill /PID root /T /F, the other pids left to /T', async () => {
  const { calls, stopping } = recorder();
  await stopping.stopProcesses({ signal: 'SIGKILL', pids: [41, 42], groups: [], tree: 41 });
  expect(calls).toEqual(['taskkill /PID 41 /T /F']);
});

test('nothing to stop runs nothing; a taskkill that cannot run does not throw', async () => {
  const { calls, stopping } = recorder(() => Promise.reject(new Error('spawn taskkill ENOENT')));
  await stopping.stopProcesses({ signal: 'SIGKILL', pids: [], groups: [] });
  expect(calls).toEqual([]);
  await expect(
    stopping.stopProcesses({ signal: 'SIGKILL', pids: [7], groups: [] }),
  ).resolves.toBeUndefined();
  expect(calls).toEqual(['taskkill /PID 7 /F']);
});

test('the backend is not detached on Windows (no process groups; a console window otherwise)', () => {
  expect(recorder().stopping.spawnOptions).toEqual({ detached: false });
});
