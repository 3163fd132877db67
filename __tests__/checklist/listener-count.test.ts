/** SPEC §3 `single-listener` counting: sockets, where one process's v4 + v6 wildcard pair is one. */
import { groupListeners } from '../../src/checklist/listener-count.js';
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

test.each([
  ['one dual-stack [::] socket', [socket('::', 'IPv6', [10])], 1],
  [
    'one process on 0.0.0.0 and a v6-only [::]',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [10])],
    1,
  ],
  [
    'a shared pair: master and worker hold both sockets',
    [socket('0.0.0.0', 'IPv4', [10, 11]), socket('::', 'IPv6', [11, 10])],
    1,
  ],
  [
    '0.0.0.0 and [::] held by different processes',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [20])],
    2,
  ],
  [
    'two SO_REUSEPORT sockets of one process on the same family',
    [socket('0.0.0.0', 'IPv4', [10]), socket('0.0.0.0', 'IPv4', [10])],
    2,
  ],
  [
    'a pair plus a third wildcard socket of the same process',
    [socket('0.0.0.0', 'IPv4', [10]), socket('::', 'IPv6', [10]), socket('::', 'IPv6', [10])],
    2,
  ],
  [
    'specific addresses never pair',
    [socket('127.0.0.1', 'IPv4', [10]), socket('::1', 'IPv6', [10])],
    2,
  ],
  [
    'sockets with unknown owners never pair',
    [socket('0.0.0.0', 'IPv4', []), socket('::', 'IPv6', [])],
    2,
  ],
])('%s → %i listener(s)', (_name, sockets, expected) => {
  expect(groupListeners(sockets)).toHaveLength(expected);
});
