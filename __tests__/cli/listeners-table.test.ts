/** The listener table and holder phrases, on fixed sockets (pure rendering). */
import type { ListenerSocket, ProcessInfo } from '../../src/platform/types.js';
import {
  describeSocketHolders,
  formatEndpoint,
  renderListenerTable,
} from '../../src/report/listener-table.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const proc = (pid: number, ppid: number, command: string): ProcessInfo => ({
  pid,
  ppid,
  name: 'gunicorn',
  command,
  startedAt: '2025-06-01T10:00:00.000Z',
});
const gunicorn: ListenerSocket = {
  address: '0.0.0.0',
  port: 5000,
  family: 'IPv4',
  socketId: '41001',
  processes: [
    proc(100, 1, 'gunicorn -w 2 app:app'),
    proc(101, 100, 'gunicorn -w 2 app:app'),
    proc(102, 100, 'gunicorn -w 2 app:app'),
  ],
};
const hidden: ListenerSocket = {
  address: '::',
  port: 5000,
  family: 'IPv6',
  socketId: '52001',
  processes: [],
  ownerUnknown: 'no readable process holds socket inode 52001 (permission denied for pids 1)',
};

test('one aligned row per socket: the topmost holder stands for it, every pid is listed', () => {
  expect(renderListenerTable([gunicorn, hidden], { now }).split('\n')).toEqual([
    'ADDRESS       FAMILY  SOCKET  PIDS         PROCESS   STARTED                             COMMAND',
    '0.0.0.0:5000  IPv4    41001   100,101,102  gunicorn  2 h ago (2025-06-01T10:00:00.000Z)  gunicorn -w 2 app:app',
    '[::]:5000     IPv6    52001   ?            unknown                                       no readable process holds socket inode 52001 (permission denied for pids 1)',
  ]);
});

test('commands are cut when asked, and escape sequences never reach the terminal', () => {
  const sneaky: ListenerSocket = {
    ...gunicorn,
    processes: [proc(7, 1, 'python app.py \x1b[2J\x1b]0;pwned\x07--flag\nnext-line')],
  };
  const row = renderListenerTable([sneaky], { now }).split('\n')[1]!;
  expect(row).toMatch(/python app\.py --flag next-line$/);
  expect(row).not.toContain('\x1b');
  const cut = renderListenerTable([sneaky], { now, maxCommandLength: 12 }).split('\n')[1]!;
  expect(cut).toMatch(/ python app.…$/);
});

test('holder phrases name the topmost holders and count the rest', () => {
  expect(describeSocketHolders(gunicorn)).toBe(
    '0.0.0.0:5000 held by pid 100 (gunicorn -w 2 app:app) and 2 more processes',
  );
  expect(describeSocketHolders(hidden)).toBe(`[::]:5000: owner unknown (${hidden.ownerUnknown})`);
  expect(formatEndpoint('::1', 80)).toBe('[::1]:80');
});

test('a holder whose name and command could not be read says so in the table and phrases', () => {
  const unnamed: ListenerSocket = {
    ...gunicorn,
    processes: [
      { pid: 7, ppid: null, name: '', command: '', startedAt: null },
      { pid: 8, ppid: 7, name: '', command: '', startedAt: null },
    ],
  };
  expect(renderListenerTable([unnamed], { now }).split('\n')[1]).toBe(
    '0.0.0.0:5000  IPv4    41001   7,8   unreadable  unknown  (command unreadable)',
  );
  expect(describeSocketHolders(unnamed)).toBe(
    '0.0.0.0:5000 held by pid 7 (name unreadable) and 1 more process',
  );
});
