/**
 * Teardown liveness on Windows (issue 14, item 3): each read starts a PowerShell, so waitGone
 * asks for every pid in one call per poll instead of one call per pid. A fake runner that plays
 * Win32_Process (and takes a few milliseconds per PowerShell call, as a stand-in for PowerShell's
 * start) counts the calls; nothing here measures time.
 */
import type { RunCommand } from '../../src/platform/run-command.js';
import type { Platform, ProcessInfo } from '../../src/platform/types.js';
import { createWindowsPlatform } from '../../src/platform/windows/index.js';
import { stillAlive, waitGone } from '../../src/process/stop.js';

const STARTED = '2026-11-29T08:14:03.551Z';
const proc = (pid: number, startedAt = STARTED): ProcessInfo => ({
  pid,
  ppid: 1,
  name: 'python.exe',
  command: 'python -m http.server 5000',
  startedAt,
  state: 'running',
});

/**
 * A machine whose processes exit after a number of Win32_Process reads (`livesFor`: pid → reads
 * that still see it); every PowerShell call waits `delayMs`, and the calls in flight are tracked.
 */
function dyingMachine(livesFor: Map<number, number>, delayMs = 2) {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0, pidsPerCall: [] as number[][] };
  const seen = new Map<number, number>();
  const run: RunCommand = async (file, args) => {
    if (file !== 'pwsh') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const script = Buffer.from(args.at(-1) ?? '', 'base64').toString('utf16le');
    const pids = [...script.matchAll(/ProcessId=(\d+)/g)].map((m) => Number(m[1]));
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    stats.pidsPerCall.push(pids);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    stats.inFlight -= 1;
    const alive = pids.filter((pid) => {
      const reads = (seen.get(pid) ?? 0) + 1;
      seen.set(pid, reads);
      return reads <= (livesFor.get(pid) ?? 0);
    });
    const rows = alive.map((pid) => ({
      ProcessId: pid,
      ParentProcessId: 1,
      Name: 'python.exe',
      CommandLine: 'python -m http.server 5000',
      CreationDate: STARTED,
    }));
    return { stdout: JSON.stringify(rows), stderr: '', code: 0 };
  };
  return { platform: createWindowsPlatform(run), stats };
}

/** The platform as teardown saw it before: no batch read, the 20 ms default poll. */
const perPid = (platform: Platform): Platform => ({
  ...platform,
  getProcesses: undefined,
  livenessPollMs: undefined,
});

describe('Windows liveness polling', () => {
  test('one PowerShell per poll for all pids, never two at once; the gone drop out of the next call', async () => {
    const { platform, stats } = dyingMachine(
      new Map([
        [4412, 1],
        [5230, 2],
        [6156, 3],
      ]),
    );
    const left = await waitGone(platform, [proc(4412), proc(5230), proc(6156)], 60_000);
    expect(left).toEqual([]);
    // Each poll asks only for the processes the last one still saw.
    expect(stats.pidsPerCall).toEqual([
      [4412, 5230, 6156],
      [4412, 5230, 6156],
      [5230, 6156],
      [6156],
    ]);
    expect(stats.calls).toBe(4);
    expect(stats.maxInFlight).toBe(1);
    expect(platform.livenessPollMs).toBeGreaterThanOrEqual(200);
  });

  test('the per-pid path it replaces starts one PowerShell per pid per poll, all at once', async () => {
    const { platform, stats } = dyingMachine(
      new Map([
        [4412, 1],
        [5230, 2],
        [6156, 3],
      ]),
    );
    await waitGone(perPid(platform), [proc(4412), proc(5230), proc(6156)], 60_000);
    expect(stats.calls).toBe(9);
    expect(stats.maxInFlight).toBe(3);
  });

  test('a pid reused by another process (other start time) is not alive', async () => {
    const { platform } = dyingMachine(new Map([[4412, 99]]));
    await expect(
      stillAlive(platform, [proc(4412, '2026-11-29T07:00:00.000Z'), proc(5230)]),
    ).resolves.toEqual([]);
    await expect(stillAlive(platform, [proc(4412)])).resolves.toEqual([proc(4412)]);
  });
});
