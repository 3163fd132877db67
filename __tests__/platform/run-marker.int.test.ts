/**
 * The run's marker in process environments: the pure reading of /proc/<pid>/environ (marked,
 * unmarked, or overwritten by a process title), real processes found by it on Linux, and the
 * macOS `ps -E` rows (shape per BSD ps(1): the environment follows the command line; not
 * captured on a real Mac).
 */
import { environMarkerState } from '../../src/platform/linux/environ.js';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import { parseMarkedPids } from '../../src/platform/darwin/ps.js';
import { cleanupProcesses, spawnTracked } from '../helpers/procs.js';

const MARKER = 'SINGLE_LISTENER_CHECK_RUN=4f1c2d9e-0000-4000-8000-000000000001';

afterEach(cleanupProcesses);

test.each([
  ['the marker among other variables', 'marked', `PATH=/usr/bin\0${MARKER}\0HOME=/root\0`],
  ['the marker first', 'marked', `${MARKER}\0PATH=/usr/bin\0`],
  ['another run’s marker', 'unmarked', `PATH=/usr/bin\0${MARKER.slice(0, -1)}2\0`],
  ['a value that only contains it', 'unmarked', `X=${MARKER}\0`],
  ['an environment cleared but for TZ (nginx workers)', 'unmarked', 'TZ=UTC\0'],
  [
    'a title written over it (nginx master)',
    'unreadable',
    'nginx: master process /usr/sbin/nginx -c /tmp/n.conf\0\0',
  ],
  ['nothing (kernel thread, or a zombie)', 'unreadable', ''],
  ['a read that failed', 'unreadable', null],
])('environ with %s: %s', (_name, state, text) => {
  expect(environMarkerState(text, MARKER)).toBe(state);
});

test('real processes: the marked one is found (and its marker read), the unmarked one is not', async () => {
  const sleeper = ['-c', 'exec sleep 30'];
  const marked = await spawnTracked('/bin/sh', sleeper, {
    env: { ...process.env, SINGLE_LISTENER_CHECK_RUN: MARKER.split('=')[1]! },
  });
  const unmarked = await spawnTracked('/bin/sh', sleeper);

  expect((await linuxPlatform.findMarked(MARKER)).map((p) => p.pid)).toEqual([marked.pid]);
  expect(await linuxPlatform.markerState(marked.pid, MARKER)).toBe('marked');
  expect(await linuxPlatform.markerState(unmarked.pid, MARKER)).toBe('unmarked');
  expect(await linuxPlatform.markerState(2 ** 22 + 1, MARKER)).toBe('unreadable');
});

test('macOS ps -E rows: the pids whose environment holds the marker as a whole word', () => {
  const rows = [
    `  501 /usr/bin/python3 -m http.server 5000 PATH=/usr/bin ${MARKER} HOME=/Users/runner`,
    `  502 gunicorn: master [app] ${MARKER}`,
    `  503 /usr/bin/python3 app.py PATH=/usr/bin X=${MARKER}`,
    `  504 /usr/bin/python3 app.py PATH=/usr/bin ${MARKER}0`,
    '  505 /usr/sbin/sshd',
    'garbage',
  ].join('\n');
  expect(parseMarkedPids(rows, MARKER)).toEqual([501, 502]);
});
