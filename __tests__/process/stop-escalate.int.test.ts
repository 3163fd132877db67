/**
 * stopProcessTree's `escalate` signal on a real child that ignores SIGTERM: when it aborts during
 * the SIGTERM grace, SIGKILL follows at once instead of at the end of the grace. And no grace at
 * all means SIGKILL alone.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import { stopProcessTree } from '../../src/process/stop.js';
import { cleanupProcesses, spawnTracked, until } from '../helpers/procs.js';

afterEach(cleanupProcesses);

/** `sh` that ignores SIGTERM (SIG_IGN is inherited by its `sleep`), once it has forked. */
async function spawnStubborn() {
  const root = await spawnTracked('sh', ['-c', 'trap "" TERM; sleep 300 & wait']);
  await until(async () => (await linuxPlatform.listProcesses()).some((p) => p.ppid === root.pid));
  return root;
}

test('escalate aborting during the grace: SIGKILL at once, long before the grace ends', async () => {
  const root = await spawnStubborn();
  const escalate = new AbortController();
  const began = Date.now();
  const stopping = stopProcessTree(linuxPlatform, root.pid, {
    graceMs: 60_000,
    escalate: escalate.signal,
  });
  setTimeout(() => escalate.abort('SIGTERM'), 200);
  const outcome = await stopping;
  // Without escalation this call would take the whole minute.
  expect(Date.now() - began).toBeLessThan(30_000);
  expect(outcome.stopped).toEqual([]);
  expect(outcome.killed.map((p) => p.pid)).toContain(root.pid);
  expect(outcome.killed).toHaveLength(2);
  expect(outcome.survivors).toEqual([]);
  const after = await linuxPlatform.getProcess(root.pid);
  expect(after === null || after.state === 'exited').toBe(true);
});

test('escalate already aborted: SIGTERM, then SIGKILL without waiting', async () => {
  const root = await spawnStubborn();
  const escalate = new AbortController();
  escalate.abort('SIGTERM');
  const began = Date.now();
  const outcome = await stopProcessTree(linuxPlatform, root.pid, {
    graceMs: 60_000,
    escalate: escalate.signal,
  });
  expect(Date.now() - began).toBeLessThan(30_000);
  expect(outcome.killed).toHaveLength(2);
  expect(outcome.survivors).toEqual([]);
});

test('escalate never aborting changes nothing: a process that honours SIGTERM is just stopped', async () => {
  const root = await spawnTracked('sh', ['-c', 'sleep 300 & wait']);
  await until(async () => (await linuxPlatform.listProcesses()).some((p) => p.ppid === root.pid));
  const outcome = await stopProcessTree(linuxPlatform, root.pid, {
    graceMs: 60_000,
    escalate: new AbortController().signal,
  });
  expect(outcome.stopped).toHaveLength(2);
  expect(outcome).toMatchObject({ killed: [], survivors: [] });
});

test('no grace (graceMs 0): SIGKILL at once, so a SIGTERM handler never runs (it cannot fork a daemon)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-no-grace-'));
  try {
    const root = await spawnTracked('sh', [
      '-c',
      `trap "touch ${dir}/got-term; exit 0" TERM; sleep 300 & wait`,
    ]);
    await until(async () => (await linuxPlatform.listProcesses()).some((p) => p.ppid === root.pid));
    const outcome = await stopProcessTree(linuxPlatform, root.pid, { graceMs: 0 });
    expect(outcome.stopped).toEqual([]);
    expect(outcome.killed).toHaveLength(2);
    expect(existsSync(path.join(dir, 'got-term'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
