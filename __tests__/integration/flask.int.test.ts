/**
 * The checklist against a real Flask app (Debian's python3-flask): all green, also under the
 * Werkzeug reloader (two processes, one socket); a health path answering a 404 HTML page and an
 * endpoint answering 500 fail with what they got.
 */
import { DEFAULT_FORBID_LOG } from '../../src/config/types.js';
import { freePort } from '../helpers/procs.js';
import {
  APPS,
  PY,
  checkAndCleanUpAfterEach,
  checklistIds,
  item,
  itemStatuses,
  listenerPids,
  runCheck,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

const ENDPOINTS = ['GET /api/items', 'GET /api/local-llm/status'];

async function flaskRun(env: string[], extra: string[] = []) {
  const port = await freePort();
  const run = await runCheck([
    `--start=${PY} flask_app.py`,
    `--cwd=${APPS}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    ...env.map((e) => `--env=${e}`),
    '--health=/api/health',
    '--endpoint=GET /api/items 200 json',
    '--endpoint=GET /api/local-llm/status 200 json',
    '--expect-log=route registered: /api/local-llm/status',
    '--ready-timeout=30s',
    ...extra,
  ]);
  return { port, ...run };
}

test('a Flask app with health and two endpoints: every item passes', async () => {
  const { code, report, port } = await flaskRun([]);

  const statuses = itemStatuses(report);
  expect(Object.keys(statuses)).toEqual(checklistIds(ENDPOINTS));
  // bytecode-cache passes (the folder holds Python source); nothing else may be skipped.
  expect(Object.values(statuses).every((s) => s === 'pass')).toBe(true);
  expect(code).toBe(0);
  expect(report!.result).toBe('pass');
  expect(item(report, 'ready').summary).toMatch(
    new RegExp(`^listening on 127\\.0\\.0\\.1:${port} after \\d+ ms$`),
  );
  expect(item(report, 'single-listener').summary).toMatch(
    /^1 listener\(s\) on port \d+ \(1 socket\(s\), pids \d+\)$/,
  );
  expect(item(report, 'logs').summary).toBe(
    `all 1 expected pattern(s) found, none of ${DEFAULT_FORBID_LOG.length} forbidden pattern(s) matched`,
  );
  expect(item(report, 'endpoint:GET /api/items').summary).toMatch(/^3\/3 probes 200/);
  expect(item(report, 'teardown').summary).toMatch(/with SIGTERM .*port \d+ is free$/);
});

test('the same app under the Werkzeug reloader: one socket held by two pids, every item passes', async () => {
  const { code, report } = await flaskRun(['RELOADER=1']);

  const statuses = itemStatuses(report);
  expect(Object.values(statuses).every((s) => s === 'pass')).toBe(true);
  expect(code).toBe(0);
  const single = item(report, 'single-listener');
  expect(single.listeners).toHaveLength(1);
  expect(listenerPids(single)).toHaveLength(2);
  expect(single.summary).toMatch(/^1 listener\(s\) on port \d+ \(1 socket\(s\), pids \d+, \d+\)$/);
  expect(item(report, 'listener-owner').summary).toMatch(
    /^all 2 holder\(s\) belong to the backend's tree/,
  );
});

test('health answering a 404 HTML page fails saying so; the endpoints still pass', async () => {
  const { code, report } = await flaskRun(['HEALTH_HTML=1']);

  expect(code).toBe(1);
  // Readiness only needs an HTTP answer from the health URL: the health item judges it.
  expect(itemStatuses(report)).toMatchObject({
    ready: 'pass',
    health: 'fail',
    'endpoint:GET /api/items': 'pass',
  });
  expect(item(report, 'health').summary).toBe(
    'GET /api/health answered 404 with an HTML page (text/html; charset=utf-8), not JSON: the route is missing on the server that answered',
  );
});

test('an endpoint answering 500 fails with the status', async () => {
  const { code, report } = await flaskRun(['BROKEN=1']);

  expect(code).toBe(1);
  expect(itemStatuses(report)).toMatchObject({
    health: 'pass',
    'endpoint:GET /api/items': 'fail',
    'endpoint:GET /api/local-llm/status': 'pass',
    teardown: 'pass',
  });
  const broken = item(report, 'endpoint:GET /api/items');
  const failure = 'status: expected 200, got 500 (body "{\\"error\\":\\"boom\\"}")';
  expect(broken.summary).toBe(`3/3 probes failed: ${failure}`);
  expect(broken.probes?.map((p) => [p.status, p.failures])).toEqual([
    [500, [failure]],
    [500, [failure]],
    [500, [failure]],
  ]);
});
