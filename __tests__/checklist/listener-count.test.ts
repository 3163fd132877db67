/**
 * The `single-listener` counting rule (README, "The checklist"): a listener is one server — sockets
 * sharing any holder pid are one listener, transitively; sockets with no holder in common, or
 * with no known holder, are separate.
 */
import {
  groupListeners,
  listenerPids,
  numberListeners,
} from '../../src/checklist/listener-count.js';
import type { Family, ListenerSocket } from '../../src/platform/types.js';

let nextId = 1;
function socket(address: string, family: Family, pids: number[]): ListenerSocket {
  return {
    address,
    port: 5000,
    family,
    socketId: String(nextId++),
    processes: pids.map((pid) => ({
      pid,
      ppid: 1,
      name: 'python3',
      command: 'python3 app.py',
      startedAt: null,
    })),
  };
}

const cases: [string, ListenerSocket[], number][] = [
  ['nothing listens', [], 0],
  ['one dual-stack [::] socket', [socket('::', 'IPv6', [10])], 1],
  [
    'one process on 0.0.0.0 and a v6-only [::]',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [10])],
    1,
  ],
  [
    'one process on 127.0.0.1 and [::1] (nginx: listen 127.0.0.1:P; listen [::1]:P)',
    [socket('127.0.0.1', 'IPv4', [10]), socket('::1', 'IPv6', [10])],
    1,
  ],
  [
    'a shared pair: master and worker hold both sockets',
    [socket('0.0.0.0', 'IPv4', [10, 11]), socket('::', 'IPv6', [11, 10])],
    1,
  ],
  [
    'several listen lines of one process, same family and other addresses',
    [
      socket('127.0.0.1', 'IPv4', [10]),
      socket('10.0.0.5', 'IPv4', [10]),
      socket('::1', 'IPv6', [10]),
    ],
    1,
  ],
  [
    'nginx reuseport: one socket per worker, each shared with the master',
    [socket('0.0.0.0', 'IPv4', [10, 11]), socket('0.0.0.0', 'IPv4', [10, 12])],
    1,
  ],
  [
    'transitive: A+B share pid 11, B+C share pid 12',
    [
      socket('0.0.0.0', 'IPv4', [10, 11]),
      socket('::', 'IPv6', [11, 12]),
      socket('127.0.0.1', 'IPv4', [12]),
    ],
    1,
  ],
  [
    'two SO_REUSEPORT sockets of one process on the same address',
    [socket('0.0.0.0', 'IPv4', [10]), socket('0.0.0.0', 'IPv4', [10])],
    1,
  ],
  [
    'two independent SO_REUSEPORT servers on the same address',
    [socket('0.0.0.0', 'IPv4', [10]), socket('0.0.0.0', 'IPv4', [20])],
    2,
  ],
  [
    'two gunicorn --reuse-port servers: master + workers each',
    [socket('0.0.0.0', 'IPv4', [10, 11, 12]), socket('0.0.0.0', 'IPv4', [20, 21, 22])],
    2,
  ],
  [
    '0.0.0.0 and [::] held by different processes (the localhost split)',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [20])],
    2,
  ],
  [
    'sockets with unknown owners are one listener each',
    [socket('0.0.0.0', 'IPv4', []), socket('::', 'IPv6', [])],
    2,
  ],
  [
    'an unknown-owner socket next to a known server',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [10]), socket('::1', 'IPv6', [])],
    2,
  ],
];

test.each(cases.map(([name, sockets, expected]) => ({ name, sockets, expected })))(
  '$name → $expected listener(s)',
  ({ sockets, expected }) => {
    expect(groupListeners(sockets)).toHaveLength(expected);
  },
);

test('groups keep every socket once, in the order of their first socket', () => {
  const a4 = socket('0.0.0.0', 'IPv4', [10]);
  const b4 = socket('0.0.0.0', 'IPv4', [20]);
  const a6 = socket('::', 'IPv6', [10]);
  const unknown = socket('::1', 'IPv6', []);
  const groups = groupListeners([a4, b4, unknown, a6]);
  expect(groups).toEqual([[a4, a6], [b4], [unknown]]);
  expect(groups.map(listenerPids)).toEqual([[10], [20], []]);
});

test('numberListeners keeps the socket list and numbers each socket with its listener', () => {
  const a4 = socket('0.0.0.0', 'IPv4', [10, 11]);
  const b4 = socket('0.0.0.0', 'IPv4', [20]);
  const a6 = socket('::', 'IPv6', [11]);
  expect(numberListeners([a4, b4, a6])).toEqual([
    { ...a4, listener: 1 },
    { ...b4, listener: 2 },
    { ...a6, listener: 1 },
  ]);
  expect(numberListeners([])).toEqual([]);
});
