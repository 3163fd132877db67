/** Process phrases: never an empty name; one server's processes named once, the rest counted. */
import { describeHolders, describeProcess } from '../../src/process/describe.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { shownCommand } from '../helpers/shown-command.js';

const proc = (
  pid: number,
  ppid: number | null,
  command: string,
  extra: Partial<ProcessInfo> = {},
) =>
  ({
    pid,
    ppid,
    name: command.split(' ')[0] ?? '',
    command,
    startedAt: null,
    ...extra,
  }) satisfies ProcessInfo;

test.each([
  [proc(1, 0, 'python3 app.py'), 'pid 1 (python3 app.py)'],
  [proc(2, 1, '', { name: 'python3' }), 'pid 2 (python3)'],
  [proc(3, 1, '', { name: '' }), 'pid 3 (name unreadable)'],
  [proc(4, 1, '   ', { name: '' }), 'pid 4 (name unreadable)'],
  [proc(5, 1, '', { name: '', state: 'exited' }), 'pid 5 (name unreadable, exited)'],
  [proc(6, 1, 'node server.js', { state: 'exited' }), 'pid 6 (node server.js, exited)'],
  [proc(7, 1, `python3 ${'x'.repeat(100)}`), `pid 7 (python3 ${'x'.repeat(71)}…)`],
])('describeProcess %#', (p, expected) => {
  expect(describeProcess(p)).toBe(expected);
});

test.each([
  ['a short clone path', '/w/r'],
  ["GitHub's checkout path", '/home/runner/work/single-listener-check/single-listener-check'],
])(
  'shownCommand (what the integration tests match through) names the app under %s, cut or not',
  (_where, clone) => {
    const command = `/usr/bin/python3 -u ${clone}/__tests__/integration/apps/tiny_backend.py`;
    const named = new RegExp(`^pid 8 \\(${shownCommand(command)}\\)$`);
    expect(describeProcess(proc(8, 1, command))).toMatch(named);
    expect(describeProcess(proc(8, 1, `/usr/bin/node ${clone}/server.mjs`))).not.toMatch(named);
  },
);

test('describeHolders: the topmost process named, its descendants counted, each pid once', () => {
  const master = proc(10, 1, 'gunicorn app:app');
  const worker = proc(11, 10, 'gunicorn app:app');
  expect(describeHolders([master, worker, worker, master])).toBe(
    'pid 10 (gunicorn app:app) and 1 worker',
  );
  expect(describeHolders([master, worker, proc(12, 10, 'gunicorn app:app')])).toBe(
    'pid 10 (gunicorn app:app) and 2 workers',
  );
  // A grandchild counts too (the Werkzeug reloader's server forking a helper).
  expect(describeHolders([master, worker, proc(13, 11, 'helper')])).toBe(
    'pid 10 (gunicorn app:app) and 2 workers',
  );
  expect(describeHolders([master, proc(20, 1, 'python3 old.py')])).toBe(
    'pid 10 (gunicorn app:app), pid 20 (python3 old.py)',
  );
  expect(describeHolders([])).toBe('no readable process');
});
