/**
 * The all-or-nothing plan of stopHolders on a scripted Platform: mixed trees (another user's
 * workers, descendants, unreadable sockets, this program) are refused as a whole and nothing is
 * signalled; a plan of our own processes signals each once and reads the port back. The fake
 * platform's stopProcesses records each signal and ends the fake processes: no real process is
 * signalled.
 * Real processes: __tests__/integration/kill-all-or-nothing.int.test.ts.
 */
import { fakePlatform } from '../helpers/fake-platform.js';
import type { ListenerSocket, Platform, ProcessInfo } from '../../src/platform/types.js';
import {
  planStopHolders,
  refusalAdvice,
  refusalLines,
  refusalSummary,
  stopHolders,
} from '../../src/process/stop-holders.js';

const ME = process.getuid!();
const OTHER = ME === 65534 ? 1000 : 65534;
const PORT = 8080;
const STARTED = '2026-12-01T10:00:00.000Z';
/** Far above any pid_max: a real process never has these pids. */
const BASE = 10_000_000;

function proc(pid: number, ppid: number, more: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    ppid,
    name: `proc${pid}`,
    command: `server ${pid}`,
    startedAt: STARTED,
    uid: ME,
    pgid: ppid,
    state: 'running',
    ...more,
  };
}

function socket(processes: ProcessInfo[], more: Partial<ListenerSocket> = {}): ListenerSocket {
  return {
    address: '127.0.0.1',
    port: PORT,
    family: 'IPv4',
    socketId: String(processes[0]?.pid ?? 1),
    processes,
    ...more,
  };
}

interface Fake extends Platform {
  /** Signals sent, as `target signal` (a negative target is a process group). */
  signals: string[];
}

/**
 * A Platform over `procs` whose stopProcesses ends processes, except that those in
 * `ignoreTerm` survive SIGTERM. A socket is listed while one of its holders lives (always when it
 * has none).
 */
function fake(procs: ProcessInfo[], sockets: ListenerSocket[], ignoreTerm: number[] = []): Fake {
  const alive = new Map(procs.map((p) => [p.pid, p]));
  const signals: string[] = [];
  const send = (target: number, sig: string) => {
    signals.push(`${target} ${sig}`);
    const hit =
      target < 0 ? [...alive.values()].filter((p) => p.pgid === -target) : [alive.get(target)];
    for (const p of hit)
      if (p && !(sig === 'SIGTERM' && ignoreTerm.includes(p.pid))) alive.delete(p.pid);
  };
  return {
    signals,
    ...fakePlatform({
      listListeners: async () =>
        sockets.filter(
          (s) => s.processes.length === 0 || s.processes.some((p) => alive.has(p.pid)),
        ),
      getProcess: async (pid) => alive.get(pid) ?? null,
      listProcesses: async () => [...alive.values()],
      stopProcesses: async ({ signal, pids, groups }) => {
        for (const target of [...groups.map((g) => -g), ...pids]) send(target, signal);
      },
    }),
  };
}

/** nginx as root with `user nobody`: the master is ours, both workers another user's. */
function nginxLike() {
  const master = proc(BASE + 1, 1, { pgid: BASE + 1, command: 'nginx: master process' });
  const workers = [BASE + 2, BASE + 3].map((pid) =>
    proc(pid, master.pid, { pgid: master.pid, uid: OTHER, command: 'nginx: worker process' }),
  );
  return { master, workers, sockets: [socket([master, ...workers])] };
}

test("another user's workers under our master: refused whole, nothing signalled", async () => {
  const { master, workers, sockets } = nginxLike();
  const platform = fake([master, ...workers], sockets);

  const outcome = await stopHolders(platform, sockets, { graceMs: 50 });

  expect(platform.signals).toEqual([]);
  expect(outcome).toMatchObject({ signalled: false, free: false, stopped: [], killed: [] });
  expect(outcome.held).toEqual(sockets);
  expect(outcome.plan.members.map((m) => [m.proc.pid, m.role])).toEqual([
    [master.pid, 'holder'],
    [workers[0]!.pid, 'holder'],
    [workers[1]!.pid, 'holder'],
  ]);
  expect(refusalSummary(outcome.plan)).toBe(`2 of 3 holders of port ${PORT} may not be stopped`);
  expect(refusalLines(outcome.plan)).toEqual(
    workers.map(
      (w) =>
        `pid ${w.pid} (nginx: worker process) belongs to uid ${OTHER}, not to us (uid ${ME}): another user's processes are never stopped`,
    ),
  );
  const advice = refusalAdvice(outcome.plan);
  expect(advice).toContain(
    `as their owner (uid ${OTHER}) or as root (\`sudo kill ${master.pid}\`)`,
  );
  expect(advice).not.toMatch(/on-conflict|--kill/);
});

test("another user's descendant that holds nothing still refuses the whole plan", async () => {
  const holder = proc(BASE + 10, 1, { pgid: BASE + 10 });
  const child = proc(BASE + 11, holder.pid, { pgid: BASE + 10, uid: OTHER, command: 'helper' });
  const other = proc(BASE + 20, 1, { pgid: BASE + 20 }); // a second, permitted holder
  const sockets = [socket([holder]), socket([other], { address: '::1', family: 'IPv6' })];
  const platform = fake([holder, child, other], sockets);

  const outcome = await stopHolders(platform, sockets, { graceMs: 50 });

  expect(platform.signals).toEqual([]);
  expect(outcome.signalled).toBe(false);
  expect(outcome.plan.members.find((m) => m.proc.pid === child.pid)).toMatchObject({
    role: 'descendant',
    of: holder.pid,
  });
  expect(refusalSummary(outcome.plan)).toBe(
    `1 of 1 other process in the trees of port ${PORT}'s holders may not be stopped`,
  );
  expect(refusalLines(outcome.plan)).toEqual([
    `pid ${child.pid} (helper), a descendant of holder pid ${holder.pid}, belongs to uid ${OTHER}, not to us (uid ${ME}): another user's processes are never stopped`,
  ]);
});

test("a group member outside the holder's tree is planned (the group signal reaches it) and checked", async () => {
  const holder = proc(BASE + 30, 1, { pgid: BASE + 30 });
  const orphan = proc(BASE + 31, 1, { pgid: BASE + 30, uid: undefined, command: 'orphan' });
  const sockets = [socket([holder])];
  const platform = fake([holder, orphan], sockets);

  const plan = await planStopHolders(platform, sockets);

  expect(plan.members.map((m) => [m.proc.pid, m.role, m.of])).toEqual([
    [holder.pid, 'holder', holder.pid],
    [orphan.pid, 'group', holder.pid],
  ]);
  expect(plan.groups).toEqual([holder.pid]);
  expect(refusalLines(plan)).toEqual([
    `the owner of pid ${orphan.pid} (orphan), in the process group of holder pid ${holder.pid}, could not be read: only our own user's processes are stopped`,
  ]);
  expect(refusalAdvice(plan)).toMatch(/owner cannot be read.*sudo single-listener-check listeners/);
});

test('a socket whose owner cannot be read refuses the plan, even for our own other holder', async () => {
  const ours = proc(BASE + 40, 1, { pgid: BASE + 40 });
  const unknown = socket([], {
    address: '0.0.0.0',
    socketId: '999',
    ownerUnknown: 'permission denied reading /proc/77/fd',
  });
  const sockets = [socket([ours]), unknown];
  const platform = fake([ours], sockets);

  const outcome = await stopHolders(platform, sockets, { graceMs: 50 });

  expect(platform.signals).toEqual([]);
  expect(outcome.signalled).toBe(false);
  expect(refusalSummary(outcome.plan)).toBe(
    `the owner of 1 of 2 sockets on port ${PORT} could not be read`,
  );
  expect(refusalLines(outcome.plan)).toEqual([
    `the owner of socket 0.0.0.0:${PORT} could not be read (permission denied reading /proc/77/fd)`,
  ]);
});

test('this program holding the port is refused', async () => {
  const self = proc(process.pid, process.ppid, { uid: ME, command: 'node slc' });
  const sockets = [socket([self])];
  const platform = fake([self], sockets);

  const outcome = await stopHolders(platform, sockets, { graceMs: 50 });

  expect(platform.signals).toEqual([]);
  expect(refusalLines(outcome.plan)).toEqual([
    `pid ${process.pid} (node slc) is single-listener-check itself`,
  ]);
  expect(refusalAdvice(outcome.plan)).toMatch(/single-listener-check itself/);
});

test('all ours: each group signalled once, members outside it one by one, the port read back free', async () => {
  const master = proc(BASE + 50, 1, { pgid: BASE + 50 });
  const workers = [BASE + 51, BASE + 52].map((pid) => proc(pid, master.pid, { pgid: master.pid }));
  // A descendant that left the group (setsid): signalled by pid.
  const detached = proc(BASE + 53, master.pid, { pgid: BASE + 53 });
  // A second server with SO_REUSEPORT, in its parent's group: signalled by pid.
  const second = proc(BASE + 60, BASE + 99, { pgid: BASE + 99 });
  const sockets = [socket([master, ...workers]), socket([second])];
  const platform = fake([master, ...workers, detached, second], sockets);

  const outcome = await stopHolders(platform, sockets, { graceMs: 200 });

  expect(outcome.plan.refused).toEqual([]);
  expect(platform.signals.sort()).toEqual(
    [`-${master.pid} SIGTERM`, `${detached.pid} SIGTERM`, `${second.pid} SIGTERM`].sort(),
  );
  expect(outcome.stopped.map((p) => p.pid).sort()).toEqual(
    [master, ...workers, detached, second].map((p) => p.pid).sort(),
  );
  expect(outcome).toMatchObject({
    signalled: true,
    killed: [],
    survivors: [],
    held: [],
    free: true,
  });
});

test('a holder that ignores SIGTERM is killed and listed as killed, not stopped', async () => {
  const stubborn = proc(BASE + 70, 1, { pgid: BASE + 70 });
  const sockets = [socket([stubborn])];
  const platform = fake([stubborn], sockets, [stubborn.pid]);

  const outcome = await stopHolders(platform, sockets, { graceMs: 60 });

  expect(platform.signals).toEqual([`-${stubborn.pid} SIGTERM`, `-${stubborn.pid} SIGKILL`]);
  expect(outcome.stopped).toEqual([]);
  expect(outcome.killed.map((p) => p.pid)).toEqual([stubborn.pid]);
  expect(outcome.free).toBe(true);
});

test('the port is not called free when another socket holds it after the stop', async () => {
  const ours = proc(BASE + 80, 1, { pgid: BASE + 80 });
  const sockets = [socket([ours])];
  const platform = fake([ours], sockets);
  const newcomer = socket([proc(BASE + 81, 1)], { socketId: 'new' });
  platform.listListeners = async () => [newcomer]; // e.g. a supervisor restarted the server

  const outcome = await stopHolders(platform, sockets, { graceMs: 50, portTimeoutMs: 100 });

  expect(outcome.stopped.map((p) => p.pid)).toEqual([ours.pid]);
  expect(outcome).toMatchObject({ signalled: true, free: false, held: [newcomer] });
});

test('a holder whose pid now names another process is left out of the plan and not signalled', async () => {
  const listed = proc(BASE + 90, 1, { pgid: BASE + 90 });
  const reused = { ...listed, startedAt: '2026-12-01T11:00:00.000Z', uid: OTHER };
  const sockets = [socket([listed])];
  const platform = fake([reused], sockets);

  const plan = await planStopHolders(platform, sockets);

  expect(plan.members).toEqual([]);
  expect(plan.refused).toEqual([]);
});
