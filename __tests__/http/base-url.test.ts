import { deriveBaseUrl } from '../../src/http/base-url.js';
import type { ListenerSocket } from '../../src/platform/types.js';

function sockets(...addresses: string[]): ListenerSocket[] {
  return addresses.map((address, i) => ({
    address,
    port: 5000,
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    socketId: String(i),
    processes: [],
  }));
}

test.each([
  [['0.0.0.0'], 'http://127.0.0.1:5000'],
  [['127.0.0.1'], 'http://127.0.0.1:5000'],
  [['127.0.0.2'], 'http://127.0.0.2:5000'],
  [['10.1.2.3'], 'http://10.1.2.3:5000'],
  [['::'], 'http://[::1]:5000'],
  [['::1'], 'http://[::1]:5000'],
  [['fd00::5'], 'http://[fd00::5]:5000'],
  [['::ffff:127.0.0.1'], 'http://127.0.0.1:5000'],
  [['::ffff:0.0.0.0'], 'http://127.0.0.1:5000'],
  // An IPv4 address wins over IPv6, whatever the order of the listen table.
  [['::', '0.0.0.0'], 'http://127.0.0.1:5000'],
  [['::1', '10.1.2.3'], 'http://10.1.2.3:5000'],
  // The wildcard beats a specific address; loopback beats another interface.
  [['10.1.2.3', '0.0.0.0'], 'http://127.0.0.1:5000'],
  [['10.1.2.3', '127.0.0.1'], 'http://127.0.0.1:5000'],
  [['fd00::5', '::'], 'http://[::1]:5000'],
  [[], 'http://127.0.0.1:5000'],
])('%j → %s', (addresses, url) => {
  expect(deriveBaseUrl(sockets(...addresses), 5000)).toBe(url);
});

test('never the name localhost', () => {
  for (const a of ['0.0.0.0', '::', '::1', '127.0.0.1']) {
    expect(deriveBaseUrl(sockets(a), 80)).not.toContain('localhost');
  }
});
