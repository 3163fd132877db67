/**
 * `bytecode-cache` on a real project tree: `__pycache__` folders and stray `.pyc`/`.pyo` files
 * are removed; `.git`, `node_modules` and a virtual environment (a folder holding pyvenv.cfg)
 * are left untouched.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../helpers/procs.js';
import {
  PY,
  checkAndCleanUpAfterEach,
  item,
  itemStatuses,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

const REMOVED = [
  'app/__pycache__/views.cpython-311.pyc',
  'app/models/__pycache__/user.cpython-311.pyc',
  'stray.pyc',
  'app/old.pyo',
];
const KEPT = [
  'app/views.py',
  'app/models/user.py',
  '.git/objects/__pycache__/x.cpython-311.pyc',
  '.git/hooks/hook.pyc',
  'node_modules/pkg/__pycache__/tool.cpython-311.pyc',
  'venv/pyvenv.cfg',
  'venv/lib/python3.11/site-packages/__pycache__/six.cpython-311.pyc',
  'venv/lib/python3.11/site-packages/flask/app.pyc',
  // A venv below the top level is recognised too.
  'tools/.venv/pyvenv.cfg',
  'tools/.venv/lib/__pycache__/x.cpython-311.pyc',
];

test('removes __pycache__ and stray bytecode, keeps .git, node_modules and virtual environments', async () => {
  const project = await tempDir();
  for (const file of [...REMOVED, ...KEPT]) {
    await mkdir(path.dirname(path.join(project, file)), { recursive: true });
    await writeFile(path.join(project, file), '');
  }
  const port = await freePort();

  const { code, report } = await runCheck([
    `--start=${PY} -m http.server ${port} --bind 127.0.0.1`,
    `--cwd=${project}`,
    `--port=${port}`,
    '--ready-timeout=30s',
  ]);

  expect(itemStatuses(report)['bytecode-cache']).toBe('pass');
  expect(item(report, 'bytecode-cache').summary).toBe(
    'removed 2 __pycache__ folder(s) and 2 stray .pyc/.pyo file(s)',
  );
  for (const file of REMOVED)
    expect([file, existsSync(path.join(project, file))]).toEqual([file, false]);
  expect(existsSync(path.join(project, 'app/__pycache__'))).toBe(false);
  for (const file of KEPT)
    expect([file, existsSync(path.join(project, file))]).toEqual([file, true]);
  expect(code).toBe(0);
});

test('a folder without Python: skipped; --no-clear-bytecode: skipped and nothing removed', async () => {
  const port = await freePort();
  const empty = await tempDir();
  const withoutPython = await runCheck([
    `--start=${PY} -m http.server ${port} --bind 127.0.0.1`,
    `--cwd=${empty}`,
    `--port=${port}`,
  ]);
  expect(item(withoutPython.report, 'bytecode-cache')).toMatchObject({
    status: 'skip',
    summary: 'no Python source under the working directory',
  });

  const project = await tempDir();
  await mkdir(path.join(project, '__pycache__'));
  await writeFile(path.join(project, '__pycache__/a.cpython-311.pyc'), '');
  const disabled = await runCheck([
    `--start=${PY} -m http.server ${port} --bind 127.0.0.1`,
    `--cwd=${project}`,
    `--port=${port}`,
    '--no-clear-bytecode',
  ]);
  expect(item(disabled.report, 'bytecode-cache')).toMatchObject({
    status: 'skip',
    summary: 'disabled (clear-bytecode: false)',
  });
  expect(existsSync(path.join(project, '__pycache__/a.cpython-311.pyc'))).toBe(true);
});
