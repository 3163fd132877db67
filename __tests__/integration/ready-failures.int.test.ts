/**
 * Readiness that cannot succeed: a backend that exits before listening fails `ready` at once with
 * its exit code and log tail; one that never listens fails at the timeout with a clear report.
 * Either way `logs` still judges what the backend wrote.
 */
import { freePort } from '../helpers/procs.js';
import { checkAndCleanUpAfterEach, item, itemStatuses, runCheck, tempDir } from './run-helpers.js';

checkAndCleanUpAfterEach();

/** Skipped once ready fails; `logs` still judges what the backend wrote. */
const AFTER_READY = ['single-listener', 'listener-owner', 'health', 'endpoint:GET /api/items'];

async function failingRun(start: string, extra: string[] = []) {
  const port = await freePort();
  const run = await runCheck([
    `--start=${start}`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    '--health=/api/health',
    '--endpoint=GET /api/items',
    ...extra,
  ]);
  return { port, ...run };
}

test('a backend that exits with code 3 before listening: ready fails fast with the code and the log tail', async () => {
  const { code, report, port } = await failingRun(
    // The exit comes while ready is already polling, not before its first look.
    `echo 'loading settings'; sleep 0.3; echo 'error: DATABASE_URL is not set' >&2; exit 3`,
    ['--ready-timeout=60s'],
  );

  expect(code).toBe(1);
  const ready = item(report, 'ready');
  console.log(
    `fail-fast: ready failed after ${ready.durationMs} ms (item durationMs; the backend exits ~300 ms in)`,
  );
  expect(ready.status).toBe('fail');
  expect(ready.summary).toBe('backend exited before it was ready (exit code 3)');
  expect(ready.details).toEqual([
    'last log lines:',
    'loading settings',
    'error: DATABASE_URL is not set',
  ]);
  // Not the 60 s timeout: generous bound only, the machine is shared.
  expect(ready.durationMs).toBeLessThan(5000);
  const statuses = itemStatuses(report);
  for (const id of AFTER_READY) expect(statuses[id]).toBe('skip');
  expect(item(report, 'health').summary).toBe('skipped: the backend exited before it was ready');
  expect(statuses.logs).toBe('pass'); // nothing forbidden in what it printed
  expect(item(report, 'teardown')).toMatchObject({
    status: 'pass',
    summary: `nothing left to stop: the backend had already exited (exit code 3); port ${port} is free`,
  });
});

test('a backend that never listens: ready times out saying what it waited for', async () => {
  const { code, report, port } = await failingRun(`echo 'warming up'; exec sleep 30`, [
    '--ready-timeout=1s',
  ]);

  expect(code).toBe(1);
  const ready = item(report, 'ready');
  expect(ready.status).toBe('fail');
  expect(ready.summary).toBe(`not ready after 1 s: still waiting for a listener on port ${port}`);
  expect(ready.details).toEqual([
    `nothing listens on port ${port}`,
    'last log lines:',
    'warming up',
  ]);
  const statuses = itemStatuses(report);
  for (const id of AFTER_READY) expect(statuses[id]).toBe('skip');
  expect(item(report, 'health').summary).toBe('skipped: the backend never became ready');
  expect(statuses.logs).toBe('pass');
  expect(item(report, 'teardown').summary).toMatch(
    new RegExp(`^stopped 1 process\\(es\\) with SIGTERM in \\d+ ms; port ${port} is free$`),
  );
});

test('a Python backend that crashes with a traceback before listening: logs fails on it, not skipped; the terminal shows the traceback once', async () => {
  const { code, report, stdout } = await failingRun(
    `/usr/bin/python3 -u -c "open('config/settings.json')"`,
    ['--ready-timeout=60s'],
  );

  expect(code).toBe(1);
  expect(item(report, 'ready').summary).toBe('backend exited before it was ready (exit code 1)');
  const logs = item(report, 'logs');
  expect(logs.status).toBe('fail');
  expect(logs.summary).toBe(
    '/Traceback \\(most recent call last\\)/ matched: Traceback (most recent call last):',
  );
  expect(logs.details).toEqual([]); // not the summary a second time
  const statuses = itemStatuses(report);
  for (const id of AFTER_READY) expect(statuses[id]).toBe('skip');

  // Printed as it came (not a TTY, not GitHub Actions), then pointed to, not repeated: under the
  // item only its exception line (crashLine) comes back, as the first line.
  const lines = stdout.split('\n');
  expect(lines.filter((l) => l.includes('in <module>'))).toHaveLength(1); // the traceback's frames
  expect(lines.filter((l) => l.includes('FileNotFoundError'))).toEqual([
    "backend │ FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
    "      FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
  ]);
  expect(lines).toContain('      last log lines: printed above as they came (backend │ …)');
  expect(lines).toContain('  failed: Backend ready, Backend logs');
});
