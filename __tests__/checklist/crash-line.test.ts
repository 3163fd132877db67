/**
 * The crash line is read from real crashes (python3 and node run here) and from log shapes
 * servers print around them (gunicorn's worker boot failure, a chained traceback).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findCrashLine } from '../../src/checklist/crash-line.js';
import { PYTHON } from '../helpers/procs.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'slc-crash-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `cmd file` prints (stdout then stderr) when it runs `source`, as log lines. */
function crashLog(cmd: string, file: string, source: string): string[] {
  writeFileSync(path.join(dir, file), source);
  const run = spawnSync(cmd, [file], { cwd: dir, encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  return `${run.stdout}${run.stderr}`.split('\n');
}

test('a real Python traceback: its exception line, not a source line or caret', () => {
  const log = crashLog(
    PYTHON,
    'app.py',
    'import json\nprint("loading settings")\ndef load():\n    with open("config/settings.json") as f:\n        return json.load(f)\nload()\n',
  );
  expect(findCrashLine(log)).toBe(
    "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
  );
});

test('a real chained Python traceback: the exception finally raised', () => {
  const log = crashLog(
    PYTHON,
    'chained.py',
    'try:\n    {}["DATABASE_URL"]\nexcept KeyError as e:\n    raise RuntimeError("DATABASE_URL is not set") from e\n',
  );
  expect(log.some((l) => l.startsWith('KeyError'))).toBe(true);
  expect(findCrashLine(log)).toBe('RuntimeError: DATABASE_URL is not set');
});

test('a real Node uncaught error: the error line above its stack', () => {
  const log = crashLog(
    process.execPath,
    'server.cjs',
    'console.log("starting");\nrequire("fs").readFileSync("config/settings.json");\n',
  );
  expect(findCrashLine(log)).toBe(
    "Error: ENOENT: no such file or directory, open 'config/settings.json'",
  );
});

test('a real Node error of another class, thrown from a module', () => {
  const log = crashLog(process.execPath, 'bad.mjs', 'null.listen(3000);\n');
  expect(findCrashLine(log)).toMatch(/^TypeError: Cannot read properties of null/);
});

test('a dotted exception name that does not end in Error (Django) is still the line', () => {
  const log = [
    'Watching for file changes with StatReloader',
    'Traceback (most recent call last):',
    '  File "/app/manage.py", line 22, in <module>',
    '    main()',
    'django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty.',
  ];
  expect(findCrashLine(log)).toBe(
    'django.core.exceptions.ImproperlyConfigured: SECRET_KEY must not be empty.',
  );
});

test("gunicorn's worker boot failure: the traceback's exception, not gunicorn's own lines after it", () => {
  const log = [
    '[2026-01-05 10:00:00 +0000] [4402] [INFO] Booting worker with pid: 4402',
    '[2026-01-05 10:00:00 +0000] [4402] [ERROR] Exception in worker process',
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/gunicorn/arbiter.py", line 609, in spawn_worker',
    '    worker.init_process()',
    "ModuleNotFoundError: No module named 'app'",
    '[2026-01-05 10:00:00 +0000] [4402] [INFO] Worker exiting (pid: 4402)',
    '[2026-01-05 10:00:00 +0000] [4401] [ERROR] Reason: Worker failed to boot.',
  ];
  expect(findCrashLine(log)).toBe("ModuleNotFoundError: No module named 'app'");
});

test('no traceback: the last generic error line', () => {
  const log = [
    'nginx: [emerg] unknown directive "lisen" in /etc/nginx/nginx.conf:12',
    'starting',
    'Error: listen EADDRINUSE: address already in use :::3000',
    'bye',
  ];
  expect(findCrashLine(log)).toBe('Error: listen EADDRINUSE: address already in use :::3000');
  expect(findCrashLine(['fatal: not a git repository'])).toBe('fatal: not a git repository');
});

test('a log that names no error has no crash line', () => {
  expect(findCrashLine(['loading settings', 'bye'])).toBeUndefined();
  expect(findCrashLine([])).toBeUndefined();
  // "error" inside a word or without a colon is not an error line.
  expect(findCrashLine(['no errors found', 'mirror: ok'])).toBeUndefined();
});
