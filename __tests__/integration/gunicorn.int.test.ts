/**
 * gunicorn: `-w 2` is one socket shared by three processes and passes; two `--reuse-port`
 * servers on one port (one an old build without the route) are caught twice — two sockets for
 * `single-listener`, and answers that disagree for the endpoint (flapping).
 *
 * gunicorn forks its workers up to 100 ms apart, after the socket is bound; a post_worker_init
 * hook (apps/gunicorn_ready.py) drops a file per booted worker and the run waits on those files,
 * so the listener table read after readiness holds every process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { currentPlatform } from '../../src/platform/index.js';
import { freePort, spawnTracked, until } from '../helpers/procs.js';
import {
  APPS,
  INT_APPS,
  checkAndCleanUpAfterEach,
  isRunning,
  item,
  itemStatuses,
  listenerPids,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

const GUNICORN = `/usr/bin/python3 -m gunicorn -c ${path.join(INT_APPS, 'gunicorn_ready.py')}`;

test('gunicorn -w 2: one socket held by three pids, every item passes', async () => {
  const port = await freePort();
  const ready = await tempDir();
  const { code, report } = await runCheck([
    `--start=${GUNICORN} -w 2 -b 127.0.0.1:${port} wsgi_app:app`,
    `--cwd=${APPS}`,
    `--port=${port}`,
    `--env=READY_DIR=${ready}`,
    `--wait-on=file:${ready}/worker-2`,
    '--health=/api/health',
    '--endpoint=GET /api/items 200 json',
    '--endpoint=GET /api/local-llm/status 200 json',
    '--ready-timeout=30s',
  ]);

  expect(Object.values(itemStatuses(report)).every((s) => s === 'pass')).toBe(true);
  expect(code).toBe(0);
  const single = item(report, 'single-listener');
  expect(single.listeners).toHaveLength(1);
  expect(listenerPids(single)).toHaveLength(3);
  // The listener table of report.json: one socket, master + two workers.
  const table = report!.services[0]!.listeners;
  expect(table).toHaveLength(1);
  expect(table[0]!.processes).toHaveLength(3);
  expect(table[0]!.processes.every((p) => p.command.includes('gunicorn'))).toBe(true);
  expect(item(report, 'listener-owner').summary).toMatch(
    /^all 3 holder\(s\) belong to the backend's tree/,
  );
});

test('two gunicorn --reuse-port servers, one without the route: two sockets, and the endpoint flaps', async () => {
  const port = await freePort();
  const ready = await tempDir();
  const bind = `--reuse-port -b 127.0.0.1:${port} wsgi_app:app`;
  const { code, report } = await runCheck([
    `--start=READY_DIR=${ready}/new ${GUNICORN} ${bind} & OLD=1 READY_DIR=${ready}/old ${GUNICORN} ${bind} & wait`,
    `--cwd=${APPS}`,
    `--port=${port}`,
    `--wait-on=file:${ready}/new/worker-1`,
    `--wait-on=file:${ready}/old/worker-1`,
    '--health=/api/health',
    '--endpoint=GET /api/local-llm/status 200 json',
    '--probes=20',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  expect(itemStatuses(report)).toEqual({
    'port-free': 'pass',
    'bytecode-cache': 'pass',
    'backend-start': 'pass',
    ready: 'pass',
    'single-listener': 'fail',
    // Both servers are ours: the owner check passes, the count does not.
    'listener-owner': 'pass',
    logs: 'pass',
    health: 'pass',
    'endpoint:GET /api/local-llm/status': 'fail',
    teardown: 'pass',
  });

  const single = item(report, 'single-listener');
  expect(single.summary).toMatch(
    /^2 listener\(s\) on port \d+ \(2 socket\(s\), pids [\d, ]+\) at \+\d+\.\d\d s; expected at most 1$/,
  );
  expect(new Set(single.listeners!.map((s) => s.socketId)).size).toBe(2);
  expect(single.diagnosis).toMatch(/SO_REUSEPORT/);
  expect(single.diagnosis).toMatch(/intermittent 404/);

  const endpoint = item(report, 'endpoint:GET /api/local-llm/status');
  expect(endpoint.summary).toMatch(/^flapping: /);
  const statuses = endpoint.probes!.map((p) => p.status);
  expect(statuses).toHaveLength(20);
  expect(statuses).toContain(200);
  expect(statuses).toContain(404);
  expect(endpoint.summary).toMatch(/ — 2 servers listened on the port meanwhile$/);
  expect(endpoint.diagnosis).toMatch(/the kernel spreads connections between them/);
});

test('a stale --reuse-port server and ours with on-conflict ignore: two listeners, a stranger owns one, the endpoint flaps', async () => {
  const port = await freePort();
  const ready = await tempDir();
  const stale = await spawnTracked(
    '/bin/sh',
    ['-c', `exec ${GUNICORN} --reuse-port -b 127.0.0.1:${port} wsgi_app:app`],
    { cwd: APPS, env: { ...process.env, OLD: '1', READY_DIR: `${ready}/old` } },
  );
  await until(() => existsSync(`${ready}/old/worker-1`), 30_000);
  const stalePids = (await currentPlatform().listListeners(port)).flatMap((s) =>
    s.processes.map((p) => p.pid),
  );
  expect(stalePids).toContain(stale.pid);

  const { code, report } = await runCheck([
    `--start=${GUNICORN} --reuse-port -b 127.0.0.1:${port} wsgi_app:app`,
    `--cwd=${APPS}`,
    `--port=${port}`,
    `--env=READY_DIR=${ready}/new`,
    `--wait-on=file:${ready}/new/worker-1`,
    '--health=/api/health',
    '--endpoint=GET /api/local-llm/status 200 json',
    '--probes=20',
    '--on-conflict=ignore',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  expect(itemStatuses(report)).toMatchObject({
    'port-free': 'warn',
    ready: 'pass',
    'single-listener': 'fail',
    'listener-owner': 'fail',
    'endpoint:GET /api/local-llm/status': 'fail',
    teardown: 'warn',
  });
  const owner = item(report, 'listener-owner');
  expect(owner.summary).toMatch(/^2 holder\(s\) outside the run \(backend pid \d+\): /);
  for (const pid of stalePids) expect(owner.summary).toContain(`pid ${pid} (`);
  expect(owner.diagnosis).toMatch(/is a stale server from an earlier run/);
  expect(owner.diagnosis).toMatch(/SO_REUSEPORT/);
  // Our own master and worker are never taken for the stale server.
  const ours = listenerPids(item(report, 'single-listener')).filter((p) => !stalePids.includes(p));
  expect(ours).toHaveLength(2);
  for (const pid of ours) expect(owner.diagnosis).not.toContain(`pid ${pid} (`);
  expect(item(report, 'endpoint:GET /api/local-llm/status').summary).toMatch(/^flapping: /);
  // Ours is stopped; the stale server is not ours to stop.
  expect(item(report, 'teardown').summary).toMatch(
    /which held it before the run \(on-conflict: ignore\)$/,
  );
  expect(await isRunning(stale.pid)).toBe(true);
});
