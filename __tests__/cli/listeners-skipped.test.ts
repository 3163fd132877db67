/**
 * Rows a platform could not read (ListenerTable.skipped) are shown by `listeners`, never dropped:
 * under the table, after "nothing readable listens", and on stderr next to `--json` (whose
 * stdout keeps its documented array). The platform is replaced by a scripted one.
 */
import { jest } from '@jest/globals';
import { withSkipped, type ListenerSocket, type SkippedRow } from '../../src/platform/types.js';
import { fakePlatform } from '../helpers/fake-platform.js';
import { captureIO } from '../helpers/cli-io.js';

let answer: ListenerSocket[] = [];
jest.unstable_mockModule('../../src/platform/index.js', () => ({
  currentPlatform: () =>
    fakePlatform({ listListeners: async () => answer, listProcesses: async () => [] }),
}));
const { main } = await import('../../src/cli/main.js');

const garbled: SkippedRow = {
  source: 'netstat',
  text: 'TCP    0.0.0.0:5000000        0.0.0.0:0              LISTENING       9',
  reason: 'the local address and port cannot be read',
};
const server: ListenerSocket = {
  address: '0.0.0.0',
  port: 5000,
  family: 'IPv4',
  socketId: 'win:4412:0.0.0.0:5000',
  processes: [
    {
      pid: 4412,
      ppid: 1,
      name: 'python.exe',
      command: 'python -m http.server 5000',
      startedAt: null,
    },
  ],
};

async function run(argv: string[]) {
  const io = captureIO(false);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('the table is followed by the rows that could not be read', async () => {
  answer = withSkipped([server], [garbled]);
  const { code, out } = await run(['listeners', '--port', '5000']);
  expect(code).toBe(0);
  expect(out.trimEnd().split('\n').slice(2)).toEqual([
    '1 row of the listener table could not be read (each may be a listener on this port):',
    // One line per row, its spaces collapsed.
    '  netstat: TCP 0.0.0.0:5000000 0.0.0.0:0 LISTENING 9 (the local address and port cannot be read)',
  ]);
});

test('no readable socket is not "nothing listens"', async () => {
  answer = withSkipped([], [garbled, garbled]);
  const { out } = await run(['listeners', '--port', '5000']);
  expect(out.split('\n').slice(0, 2)).toEqual([
    'nothing readable listens on port 5000',
    '2 rows of the listener table could not be read (each may be a listener on this port):',
  ]);
});

test('--json: stdout is the socket array as documented, the skipped rows go to stderr', async () => {
  answer = withSkipped([server], [garbled]);
  const { out, err } = await run(['listeners', '--port', '5000', '--json']);
  expect((JSON.parse(out) as unknown[]).length).toBe(1);
  expect(err).toContain('netstat: TCP 0.0.0.0:5000000 0.0.0.0:0 LISTENING 9');
});

test('nothing skipped: nothing more is printed', async () => {
  answer = [server];
  const { out, err } = await run(['listeners', '--port', '5000', '--json']);
  expect(JSON.parse(out)).toHaveLength(1);
  expect(err).toBe('');
  const nothing = await run(['listeners', '--port', '5000', '--expect', '0']);
  expect(nothing.out).not.toContain('could not be read');
});
