/**
 * IPv4 and IPv6 on one port: one process holding `0.0.0.0` and a v6-only `[::]` is one listener,
 * and so is nginx on `127.0.0.1` + `[::1]` with its workers; the same two sockets held by two
 * processes are two — the `localhost` → `::1` split.
 */
import { NGINX, nginxArgs, writeNginxConfig } from '../helpers/real-listeners.js';
import { freePort } from '../helpers/procs.js';
import { INT_APPS, PY, checkAndCleanUpAfterEach, item, runCheck, tempDir } from './run-helpers.js';

checkAndCleanUpAfterEach();

/** Ready once both families accept connections, so the listener table holds every socket. */
const run = async (start: string, port: number) =>
  runCheck([
    `--start=${start}`,
    `--cwd=${INT_APPS}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    `--wait-on=tcp:127.0.0.1:${port}`,
    `--wait-on=tcp:[::1]:${port}`,
  ]);

test('one process on 0.0.0.0 and a v6-only [::]: one listener, single-listener passes', async () => {
  const port = await freePort();
  const { code, report } = await run(`${PY} families.py`, port);
  const single = item(report, 'single-listener');
  expect(single.status).toBe('pass');
  expect(single.listeners?.map((s) => `${s.family} ${s.address}`).sort()).toEqual([
    'IPv4 0.0.0.0',
    'IPv6 ::',
  ]);
  expect(new Set(single.listeners?.flatMap((s) => s.processes.map((p) => p.pid))).size).toBe(1);
  expect(single.summary).toMatch(/^1 listener\(s\) on port \d+ \(2 socket\(s\), pids \d+\)$/);
  expect(code).toBe(0);
});

test('0.0.0.0 and [::] held by two processes: two listeners, diagnosed as the localhost split', async () => {
  const port = await freePort();
  const start = `FAMILIES=v4 ${PY} families.py & FAMILIES=v6 ${PY} families.py & wait`;
  const { code, report } = await run(start, port);
  const single = item(report, 'single-listener');
  expect(single.status).toBe('fail');
  expect(single.summary).toMatch(/^2 listener\(s\) on port \d+ \(2 socket\(s\), pids /);
  expect(single.diagnosis).toContain('`localhost` reaches `::1` first in Node 17+');
  expect(item(report, 'teardown').status).toBe('pass');
  expect(code).toBe(1);
});

test('nginx with listen 127.0.0.1 and listen [::1], master + 2 workers: one listener, single-listener passes', async () => {
  const port = await freePort();
  const conf = writeNginxConfig(await tempDir('slc-nginx-'), port, ['127.0.0.1', '[::1]']);
  const { code, report } = await run([NGINX, ...nginxArgs(conf)].join(' '), port);
  const single = item(report, 'single-listener');
  expect(single.listeners?.map((s) => `${s.family} ${s.address}`).sort()).toEqual([
    'IPv4 127.0.0.1',
    'IPv6 ::1',
  ]);
  expect(single.summary).toMatch(/^1 listener\(s\) on port \d+ \(2 socket\(s\), pids /);
  expect(single.status).toBe('pass');
  expect(item(report, 'teardown').status).toBe('pass');
  expect(code).toBe(0);
});
