/**
 * The run's picture is complete in time and in space: the port is watched from the backend's
 * start to the end of teardown (a second server that binds late fails single-listener, one
 * flaky server is not "two servers"), and every process the run started is found by its marker
 * wherever it went (a start command that backgrounds or daemonizes its server), stopped at
 * teardown, and "port free" is said only when read back.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentPlatform } from '../../src/platform/index.js';
import { NGINX, nginxArgs, writeNginxConfig } from '../helpers/real-listeners.js';
import { freePort, trackPid } from '../helpers/procs.js';
import {
  APPS,
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

/** `${APP} PORT STATUS`: a SO_REUSEPORT server answering every GET with STATUS. */
const APP = `${PY} ${path.join(APPS, 'http-reuseport-server.py')}`;
const GUNICORN = '/usr/bin/gunicorn';

/** After the run: nothing listens on the port and no process carries the run's marker. */
async function expectNothingLeft(port: number, marker: string | null | undefined) {
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  expect(marker).toMatch(/^SINGLE_LISTENER_CHECK_RUN=[0-9a-f-]{36}$/);
  expect(await currentPlatform().findMarked(marker!)).toEqual([]);
}

test('a second server that binds after single-listener passed (during the checks) fails it, named, with when it appeared', async () => {
  const port = await freePort();
  const dir = await tempDir();
  // The first server, on its first health request, lets the start command go on to exec a
  // second server on the same port (SO_REUSEPORT), without the route: the seed's late binder.
  const start = `GO_FILE=${dir}/go HEALTH_DELAY_S=1 ${APP} ${port} 200 & while [ ! -e ${dir}/go ]; do sleep 0.05; done; exec ${APP} ${port} 404`;
  const { code, report, summary } = await runCheck([
    `--start=${start}`,
    `--cwd=${dir}`,
    `--port=${port}`,
    // Ready on the TCP connect, so the health item (after single-listener) sends the first request.
    `--wait-on=tcp:127.0.0.1:${port}`,
    '--health=/api/health',
    '--endpoint=GET /api/route',
    '--probes=20',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  expect(itemStatuses(report)).toMatchObject({
    ready: 'pass',
    'single-listener': 'fail',
    'listener-owner': 'pass',
    health: 'pass',
    'endpoint:GET /api/route': 'fail',
    teardown: 'pass',
  });
  const single = item(report, 'single-listener');
  expect(single.summary).toMatch(
    new RegExp(
      `^2 listener\\(s\\) on port ${port} \\(2 socket\\(s\\), pids \\d+, \\d+\\) at \\+\\d+\\.\\d\\d s; expected at most 1 \\(after this check first passed\\)$`,
    ),
  );
  expect(single.details).toHaveLength(2);
  for (const line of single.details)
    expect(line).toMatch(
      // (the command line may be cut short: its length depends on where the repository is)
      /^pid \d+ \(\/usr\/bin\/python3 -u .*\) on 127\.0\.0\.1:\d+ \(ours, appeared at \+/,
    );
  expect(single.diagnosis).toMatch(/SO_REUSEPORT/);
  const endpoint = item(report, 'endpoint:GET /api/route');
  expect(endpoint.summary).toMatch(/^flapping: .* — 2 servers listened on the port meanwhile$/);
  expect(new Set(endpoint.probes!.map((p) => p.status))).toEqual(new Set([200, 404]));
  const appeared = report!.services[0]!.timeline.filter((e) => e.event.endsWith(' appeared'));
  expect(appeared).toHaveLength(2);
  expect(summary).toContain('after this check first passed');
  await expectNothingLeft(port, report!.services[0]!.marker);
});

test.each([
  [
    'backgrounded with &',
    (port: number) => `${PY} -m http.server ${port} --bind 127.0.0.1 &`,
    'tmp',
  ],
  [
    'setsid -f (a new session, reparented to init)',
    (port: number) => `setsid -f ${PY} -m http.server ${port} --bind 127.0.0.1`,
    'tmp',
  ],
  [
    'gunicorn --daemon',
    (port: number) => `${GUNICORN} --daemon -b 127.0.0.1:${port} wsgi_app:app`,
    'apps',
  ],
])(
  'a start command that exits 0 before ready, its server %s: ready waits on it, ownership by marker, teardown stops it and reads the port back free',
  async (_name, command, where) => {
    const port = await freePort();
    const cwd = where === 'apps' ? APPS : await tempDir();
    const { code, report } = await runCheck([
      `--start=${command(port)}`,
      `--cwd=${cwd}`,
      `--port=${port}`,
      '--no-clear-bytecode',
      '--ready-timeout=30s',
    ]);

    expect(itemStatuses(report)).toMatchObject({
      ready: 'pass',
      'single-listener': 'pass',
      'listener-owner': 'pass',
      teardown: 'pass',
    });
    expect(code).toBe(0);
    const ready = item(report, 'ready');
    expect(ready.summary).toMatch(/left its server running: daemonized\)$/);
    expect(ready.details.some((d) => d.startsWith('daemonized: pid '))).toBe(true);
    expect(item(report, 'listener-owner').summary).toMatch(
      /found by the run marker \(daemonized\)/,
    );
    const teardown = item(report, 'teardown');
    expect(teardown.summary).toMatch(
      new RegExp(`^stopped \\d+ process\\(es\\) .*; port ${port} is free$`),
    );
    expect(teardown.details).toContainEqual(
      expect.stringMatching(
        /^stopped outside the process group: pid \d+ .*found by the run marker/,
      ),
    );
    await expectNothingLeft(port, report!.services[0]!.marker);
  },
);

test('a start command that fails after backgrounding a process: ready fails with its exit code, and teardown still stops what it left', async () => {
  const port = await freePort();
  const { code, report } = await runCheck([
    `--start=${PY} -c "import time; time.sleep(60)" & exit 3`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  expect(item(report, 'ready').summary).toBe('backend exited before it was ready (exit code 3)');
  const teardown = item(report, 'teardown');
  expect(teardown.status).toBe('pass');
  expect(teardown.summary).toMatch(
    /^stopped 1 process\(es\) with SIGTERM in \d+ ms; port \d+ is free$/,
  );
  await expectNothingLeft(port, report!.services[0]!.marker);
});

test('one server that answers 200 and 500 in turn: flapping, named as one inconsistent server, not two', async () => {
  const port = await freePort();
  const { code, report } = await runCheck([
    `--start=exec ${APP} ${port} 200`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    '--env=FLAKY=1',
    '--endpoint=GET /api/route',
    '--probes=4',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  expect(item(report, 'single-listener').status).toBe('pass');
  const endpoint = item(report, 'endpoint:GET /api/route');
  expect(endpoint.probes!.map((p) => p.status)).toEqual([200, 500, 200, 500]);
  expect(endpoint.summary).toBe(
    'flapping: probes answered 200, 500, 200, 500 — this one server answers inconsistently',
  );
  expect(endpoint.diagnosis).toMatch(/single listener during the probes/);
  expect(endpoint.diagnosis).not.toMatch(/two servers are answering|servers listened/);
});

test('a backend that listens on another port: the readiness timeout says where it does listen', async () => {
  const [port, other] = [await freePort(), await freePort()];
  const { code, report } = await runCheck([
    `--start=exec ${PY} -m http.server ${other} --bind 127.0.0.1`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    '--ready-timeout=2s',
  ]);

  expect(code).toBe(1);
  const ready = item(report, 'ready');
  expect(ready.summary).toBe(
    `not ready after 2 s: still waiting for a listener on port ${port}; the backend listens on 127.0.0.1:${other}, not on port ${port}`,
  );
  expect(ready.diagnosis).toContain(`Your backend listens on ${other}, not on ${port}`);
  expect(item(report, 'teardown').status).toBe('pass');
});

test('nginx daemonizing (its title overwrites the environment, so no marker is readable): ours by timing, stopped at teardown with its nobody workers', async () => {
  const port = await freePort();
  const dir = await tempDir();
  const conf = writeNginxConfig(dir, port, ['127.0.0.1'], { user: 'nobody' });
  // nginx as installed: it daemonizes.
  writeFileSync(conf, readFileSync(conf, 'utf8').replace('daemon off;', 'daemon on;'));
  try {
    const { code, report } = await runCheck([
      `--start=${NGINX} ${nginxArgs(conf).join(' ')}`,
      `--cwd=${dir}`,
      `--port=${port}`,
      '--no-clear-bytecode',
      '--ready-timeout=30s',
    ]);

    expect(itemStatuses(report)).toMatchObject({
      ready: 'pass',
      'single-listener': 'pass',
      'listener-owner': 'pass',
      teardown: 'pass',
    });
    expect(code).toBe(0);
    // Ready may see the socket while nginx's first process still holds it: no daemonized note.
    const owner = item(report, 'listener-owner');
    // The daemon master is ours by timing once reparented to init, or by the tree when the watch
    // saw it while nginx's first process (the backend) was still its parent — a slow machine.
    expect(owner.summary).toMatch(
      /^all \d+ holder\(s\) (belong to the run .*\d+ by timing|belong to the backend's tree)/,
    );
    expect(item(report, 'teardown').summary).toMatch(new RegExp(`port ${port} is free$`));
    expect(await currentPlatform().listListeners(port)).toEqual([]);
  } finally {
    const pidFile = path.join(dir, 'nginx.pid');
    if (existsSync(pidFile)) {
      const master = Number(readFileSync(pidFile, 'utf8'));
      if (master > 1) trackPid(master);
    }
  }
});
