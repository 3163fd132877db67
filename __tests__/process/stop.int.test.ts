/**
 * Stopping real process trees, and the safety rules of the README's "Kill is all or nothing" (never
 * PID 1, self, ancestors, other users).
 */
import { cleanupProcesses, spawnTracked, until } from '../helpers/procs.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { killRefusal, stopProcessTree } from '../../src/process/stop.js';
import { readProcessTree } from '../../src/process/tree.js';

afterEach(cleanupProcesses);

/** Runs as `nobody` (we are root here): another user's process. */
const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

async function spawnTree(script: string, size: number) {
  const root = await spawnTracked('sh', ['-c', script]);
  await until(
    async () =>
      ((await readProcessTree(linuxPlatform, root.pid))?.descendants.length ?? 0) === size - 1,
  );
  const tree = (await readProcessTree(linuxPlatform, root.pid))!;
  return [tree.root, ...tree.descendants];
}

async function isRunning(p: ProcessInfo): Promise<boolean> {
  const now = await linuxPlatform.getProcess(p.pid);
  return now !== null && now.state === 'running' && now.startedAt === p.startedAt;
}

const pids = (procs: ProcessInfo[]) => procs.map((p) => p.pid).sort();

test('a tree that honours SIGTERM is stopped without SIGKILL', async () => {
  const members = await spawnTree('sh -c "sleep 300; true" & wait', 3);
  const outcome = await stopProcessTree(linuxPlatform, members[0]!.pid, { graceMs: 10_000 });
  expect(pids(outcome.stopped)).toEqual(pids(members));
  expect(outcome).toMatchObject({ killed: [], survivors: [], refused: [] });
});

test('a tree that ignores SIGTERM is SIGKILLed after the grace period, and says so', async () => {
  // `trap "" TERM` sets SIG_IGN, which children inherit across fork and exec.
  const members = await spawnTree('trap "" TERM; sh -c "sleep 300; true" & wait', 3);
  const outcome = await stopProcessTree(linuxPlatform, members[0]!.pid, { graceMs: 300 });
  expect(outcome.stopped).toEqual([]);
  expect(pids(outcome.killed)).toEqual(pids(members));
  expect(outcome.survivors).toEqual([]);
  for (const p of members) expect(await isRunning(p)).toBe(false);
});

test('a child that left the group is still stopped as a descendant', async () => {
  // setsid puts the sleep in a session (and group) of its own: only the tree walk finds it.
  const members = await spawnTree('setsid sleep 300 & wait', 2);
  expect(members[1]!.pgid).not.toBe(members[0]!.pgid);
  const outcome = await stopProcessTree(linuxPlatform, members[0]!.pid, { graceMs: 10_000 });
  expect(pids(outcome.stopped)).toEqual(pids(members));
});

test('known members that outlived their root are still stopped; a stale identity is not', async () => {
  const members = await spawnTree('setsid sleep 300 & wait', 2);
  const [root, orphan] = members as [ProcessInfo, ProcessInfo];
  process.kill(root.pid, 'SIGKILL');
  await until(async () => (await linuxPlatform.getProcess(orphan.pid))?.ppid !== root.pid);
  const stale = { ...orphan, startedAt: '2000-01-01T00:00:00.000Z' };
  const untouched = await stopProcessTree(linuxPlatform, root.pid, {
    graceMs: 100,
    members: [stale],
  });
  expect(untouched.stopped).toEqual([]);
  expect(await isRunning(orphan)).toBe(true);
  const outcome = await stopProcessTree(linuxPlatform, root.pid, { graceMs: 10_000, members });
  expect(pids(outcome.stopped)).toEqual([orphan.pid]);
});

test("another user's root: the whole tree is refused and left running", async () => {
  const holder = await spawnTracked(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), 'sleep', '300']);
  await until(async () => (await linuxPlatform.getProcess(holder.pid))?.uid === 65534);
  const outcome = await stopProcessTree(linuxPlatform, holder.pid, { graceMs: 200 });
  expect(outcome.refused).toHaveLength(1);
  expect(outcome.refused[0]!.proc.pid).toBe(holder.pid);
  expect(outcome.refused[0]!.reason).toMatch(
    /^it belongs to uid 65534, not to us \(uid 0\).*it was left alone$/,
  );
  expect(outcome).toMatchObject({ stopped: [], killed: [], survivors: [] });
  expect(await isRunning(outcome.refused[0]!.proc)).toBe(true);
});

test("another user's descendant is refused; the rest is stopped without the group signal", async () => {
  const members = await spawnTree(`${AS_NOBODY.join(' ')} sleep 300 & wait`, 2);
  await until(async () => (await linuxPlatform.getProcess(members[1]!.pid))?.uid === 65534);
  const outcome = await stopProcessTree(linuxPlatform, members[0]!.pid, { graceMs: 10_000 });
  expect(pids(outcome.stopped)).toEqual([members[0]!.pid]);
  expect(outcome.refused.map((r) => r.proc.pid)).toEqual([members[1]!.pid]);
  expect(outcome.refused[0]!.reason).toMatch(/uid 65534/);
  // Same process group as the stopped root, and still alive: no group signal was sent.
  expect(await linuxPlatform.getProcess(members[1]!.pid)).toMatchObject({
    state: 'running',
    pgid: members[0]!.pid,
  });
});

test('a pid that does not exist: nothing to do', async () => {
  expect(await stopProcessTree(linuxPlatform, 2 ** 22 + 1, { graceMs: 100 })).toEqual({
    stopped: [],
    killed: [],
    survivors: [],
    refused: [],
  });
});

describe('killRefusal', () => {
  const uid = process.getuid!();
  const ancestors = [process.ppid];
  const refusal = async (pid: number) =>
    killRefusal((await linuxPlatform.getProcess(pid))!, process.pid, ancestors, uid);

  test('PID 1', async () => {
    expect(await refusal(1)).toBe('it is PID 1 (init), which is never stopped');
  });

  test('this program itself', async () => {
    expect(await refusal(process.pid)).toBe('it is single-listener-check itself');
  });

  test('an ancestor', async () => {
    expect(await refusal(process.ppid)).toMatch(/^it is an ancestor of single-listener-check/);
  });

  test("another user's process, even though we are root", async () => {
    const other = await spawnTracked(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), 'sleep', '300']);
    await until(async () => (await linuxPlatform.getProcess(other.pid))?.uid === 65534);
    expect(await refusal(other.pid)).toBe(
      `it belongs to uid 65534, not to us (uid ${uid}): another user's processes are never stopped`,
    );
  });

  test('our own child may be stopped; an unreadable owner may not', async () => {
    const child = await spawnTracked('sleep', ['300']);
    const info = (await linuxPlatform.getProcess(child.pid))!;
    expect(killRefusal(info, process.pid, ancestors, uid)).toBeNull();
    const { uid: _uid, ...ownerUnknown } = info;
    expect(killRefusal(ownerUnknown, process.pid, ancestors, uid)).toMatch(
      /owner could not be read/,
    );
  });
});
