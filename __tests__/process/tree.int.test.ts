/** Process trees: a real 3-level tree, and the start-time guard against PID reuse. */
import { execFileSync } from 'node:child_process';
import { cleanupProcesses, spawnTracked, until } from '../helpers/procs.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import {
  descendants,
  findAncestors,
  isSameProcess,
  readProcessTree,
  topmost,
} from '../../src/process/tree.js';

afterEach(cleanupProcesses);

const proc = (pid: number, ppid: number | null, startedAt: string | null): ProcessInfo => ({
  pid,
  ppid,
  name: `p${pid}`,
  command: '',
  startedAt,
});

/** ps, not /proc through our code: the independent view of who is whose child. */
const psChildren = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

test('descendants of a real sh → sh → sleep tree', async () => {
  const outer = await spawnTracked('sh', ['-c', 'sh -c "sleep 300; true" & wait']);
  await until(
    async () => ((await readProcessTree(linuxPlatform, outer.pid))?.descendants.length ?? 0) === 2,
  );
  const tree = (await readProcessTree(linuxPlatform, outer.pid))!;
  expect(tree.root).toMatchObject({ pid: outer.pid, name: 'sh' });
  const [inner, sleep] = tree.descendants;
  expect(inner).toMatchObject({ name: 'sh', ppid: outer.pid });
  expect(sleep).toMatchObject({ name: 'sleep', ppid: inner!.pid });
  expect(psChildren(outer.pid)).toEqual([inner!.pid]);
  expect(psChildren(inner!.pid)).toEqual([sleep!.pid]);
  expect(
    findAncestors(tree.all, sleep!.pid)
      .slice(0, 3)
      .map((p) => p.pid),
  ).toEqual([inner!.pid, outer.pid, process.pid]);
});

test('a tree whose root is gone is null', async () => {
  expect(await readProcessTree(linuxPlatform, 2 ** 22 + 1)).toBeNull();
});

describe('pure tree functions', () => {
  const t0 = '2025-01-01T00:00:00.000Z';
  const t1 = '2025-01-01T00:00:01.000Z';
  const t2 = '2025-01-01T00:00:02.000Z';

  test('a child that started before its parent is not its child (the parent pid was reused)', () => {
    const root = proc(10, 1, t1);
    const all = [root, proc(11, 10, t2), proc(12, 10, t0), proc(13, 11, t2), proc(14, 12, t2)];
    expect(descendants(all, root).map((p) => p.pid)).toEqual([11, 13]);
  });

  test('unknown start times do not break a chain; cycles do not loop', () => {
    const root = proc(10, 1, null);
    expect(
      descendants([root, proc(11, 10, t0), proc(12, 11, null)], root).map((p) => p.pid),
    ).toEqual([11, 12]);
    const a = proc(20, 21, t0);
    expect(descendants([a, proc(21, 20, t0)], a).map((p) => p.pid)).toEqual([21]);
    expect(findAncestors([a, proc(21, 20, t0)], 20).map((p) => p.pid)).toEqual([21, 20]);
  });

  test('isSameProcess: same pid and same start time', () => {
    expect(isSameProcess(proc(5, 1, t0), proc(5, 2, t0))).toBe(true);
    expect(isSameProcess(proc(5, 1, t0), proc(5, 1, t1))).toBe(false);
    expect(isSameProcess(proc(5, 1, t0), proc(6, 1, t0))).toBe(false);
    expect(isSameProcess(proc(5, 1, null), proc(5, 1, t1))).toBe(true);
    // Another program's read of the same start (its own boot-time measurement) is a few ms off.
    expect(isSameProcess(proc(5, 1, t0), proc(5, 1, '2025-01-01T00:00:00.012Z'))).toBe(true);
    expect(isSameProcess(proc(5, 1, t0), proc(5, 1, '2025-01-01T00:00:00.101Z'))).toBe(false);
  });

  test('topmost: the holders whose parent is not another holder', () => {
    const holders = [proc(100, 50, t0), proc(101, 100, t1), proc(102, 100, t1), proc(200, 50, t0)];
    expect(topmost(holders).map((p) => p.pid)).toEqual([100, 200]);
  });
});
