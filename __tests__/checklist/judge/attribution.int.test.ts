/**
 * Every probe attributed to the process that answered it, against real servers: two SO_REUSEPORT
 * servers on one port (the pid named must be the server whose answer came back), single Flask and
 * Node servers, a dual-stack listener (IPv4 probes land in tcp6 as v4-mapped rows), and the cases
 * where nobody may be named: a server that does not accept, a reader without permission, a
 * platform that cannot see it, no connection at all.
 */
import type { EndpointSpec } from '../../../src/config/types.js';
import { attributor } from '../../../src/checklist/judge/attribution.js';
import { probeEndpoint } from '../../../src/checklist/judge/probe.js';
import { httpRequest } from '../../../src/http/request.js';
import { darwinPlatform } from '../../../src/platform/darwin/index.js';
import { linuxPlatform } from '../../../src/platform/linux/index.js';
import type { ListenerSocket } from '../../../src/platform/types.js';
import { windowsPlatform } from '../../../src/platform/windows/index.js';
import { AS_NOBODY, connectionOwnerAsNobody, removeBuild } from '../../helpers/as-nobody.js';
import { cleanupProcesses, freePort, spawnPython, spawnTracked } from '../../helpers/procs.js';
import { startFlaskApp, startNodeApp, startReusePortServer } from '../../helpers/http-servers.js';

const linux = process.platform === 'linux' ? describe : describe.skip;
/**
 * How long these tests let a server take to accept: the product waits 100 ms, but on a loaded
 * test machine a server may be scheduled later than that, and these tests are about who is named.
 */
const ACCEPT_WAIT_MS = 5000;
// setpriv needs root, and only root may read another user's open files.
const asRoot = process.getuid?.() === 0 ? test : test.skip;

afterEach(cleanupProcesses);
afterAll(removeBuild);

function endpoint(path: string): EndpointSpec {
  return {
    name: `GET ${path}`,
    method: 'GET',
    path,
    headers: {},
    expect: { status: ['2xx'], json: false },
  };
}

/** The port's listening sockets with their holders, as the port watch would know them. */
const listenersOf = (port: number) => linuxPlatform.listListeners(port);
const holderPids = (sockets: ListenerSocket[]) =>
  sockets.flatMap((s) => s.processes.map((p) => p.pid));

linux('Linux: the process that accepted each connection', () => {
  test('two reuse-port servers: every probe names one of them, and the one whose answer came back', async () => {
    const port = await freePort();
    const oldPid = await startReusePortServer(port, 200, 'old');
    const newPid = await startReusePortServer(port, 404, 'new');
    const listeners = await listenersOf(port);
    expect(holderPids(listeners).sort()).toEqual([oldPid, newPid].sort());
    const attribute = attributor(linuxPlatform, () => listeners, ACCEPT_WAIT_MS);

    // The body says which server produced it; the pid named must be that server's.
    const named = new Set<number>();
    for (let i = 0; i < 20; i++) {
      let answeredBy: unknown;
      const res = await httpRequest(`http://127.0.0.1:${port}/any`, {
        onConnected: async (connection) => {
          answeredBy = (await attribute(connection)).answeredBy;
        },
      });
      if (!res.ok) throw new Error(res.error);
      const server = (JSON.parse(res.body) as { server: string }).server;
      const pid = server === 'old' ? oldPid : newPid;
      expect(answeredBy).toEqual({ pid, command: expect.stringContaining(` ${server}`) });
      named.add(pid);
    }
    // 20 fresh connections all hashed to one socket: about 2e-6.
    expect(named).toEqual(new Set([oldPid, newPid]));

    // Through probeEndpoint: 200 came from "old", 404 from "new".
    const outcome = await probeEndpoint(`http://127.0.0.1:${port}`, endpoint('/x'), 20, attribute);
    expect(outcome.verdict).toBe('flapping');
    for (const probe of outcome.probes) {
      expect(probe.answeredBy?.pid).toBe(probe.status === 200 ? oldPid : newPid);
      expect(probe).not.toHaveProperty('unattributed');
    }
  });

  test.each([
    ['Flask', startFlaskApp, 'http-flask-app.py'],
    ['Node', startNodeApp, 'http-node-app.mjs'],
  ])('one %s server: every probe names its pid and command', async (_name, start, script) => {
    const backend = await start();
    const port = Number(new URL(backend.baseUrl).port);
    const listeners = await listenersOf(port);
    const outcome = await probeEndpoint(
      backend.baseUrl,
      endpoint('/api/health'),
      5,
      attributor(linuxPlatform, () => listeners, ACCEPT_WAIT_MS),
    );
    expect(outcome.verdict).toBe('pass');
    for (const probe of outcome.probes) {
      expect(probe.answeredBy).toEqual({
        pid: backend.pid,
        command: expect.stringContaining(script),
      });
    }
  });

  test('a dual-stack listener: IPv4 probes (v4-mapped rows of tcp6) and IPv6 probes are both named', async () => {
    const port = await freePort();
    const server = await spawnTracked(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '::', () => console.log('READY'))`,
      ],
      { readyText: 'READY' },
    );
    const listeners = await listenersOf(port);
    expect(listeners.map((s) => s.family)).toEqual(['IPv6']);
    const attribute = attributor(linuxPlatform, () => listeners, ACCEPT_WAIT_MS);
    for (const host of ['127.0.0.1', '[::1]']) {
      const outcome = await probeEndpoint(`http://${host}:${port}`, endpoint('/'), 3, attribute);
      expect(outcome.probes.map((p) => p.answeredBy?.pid)).toEqual([
        server.pid,
        server.pid,
        server.pid,
      ]);
    }
  });

  asRoot("another user's server is named: root reads every fd table", async () => {
    const port = await freePort();
    const server = await spawnTracked(
      AS_NOBODY[0]!,
      [
        ...AS_NOBODY.slice(1),
        '/usr/bin/python3',
        '-u',
        '-m',
        'http.server',
        String(port),
        '--bind',
        '127.0.0.1',
      ],
      { readyText: 'Serving HTTP', cwd: '/tmp' },
    );
    const listeners = await listenersOf(port);
    expect(listeners.flatMap((s) => s.processes.map((p) => p.uid))).toEqual([65534]);
    const outcome = await probeEndpoint(
      `http://127.0.0.1:${port}`,
      endpoint('/'),
      3,
      attributor(linuxPlatform, () => listeners, ACCEPT_WAIT_MS),
    );
    expect(outcome.probes.map((p) => p.answeredBy?.pid)).toEqual([
      server.pid,
      server.pid,
      server.pid,
    ]);
  });

  asRoot(
    'read as nobody, a server of another user is not attributed: permission denied, with its pid',
    async () => {
      const port = await freePort();
      const server = await spawnPython(
        `import socket, time
s = socket.socket(); s.bind(("127.0.0.1", ${port})); s.listen(8)
print("READY", flush=True)
c, _ = s.accept(); time.sleep(30)`,
      );
      expect(connectionOwnerAsNobody(port, await listenersOf(port))).toEqual({
        unattributed: `permission denied reading the open files of pid ${server.pid}`,
      });
    },
  );

  test('a server with TCP_DEFER_ACCEPT: not attributed, saying why at once, and the probe is answered', async () => {
    const port = await freePort();
    await spawnPython(
      `import socket
from http.server import HTTPServer, BaseHTTPRequestHandler
class Deferred(HTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 5)
        super().server_bind()
class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"ok")
server = Deferred(("127.0.0.1", ${port}), Ok)
print("READY", flush=True)
server.serve_forever()`,
    );
    const listeners = await listenersOf(port);
    const outcome = await probeEndpoint(
      `http://127.0.0.1:${port}`,
      endpoint('/'),
      2,
      attributor(linuxPlatform, () => listeners, ACCEPT_WAIT_MS),
    );
    expect(outcome.verdict).toBe('pass');
    for (const probe of outcome.probes) {
      expect(probe).toMatchObject({
        answeredBy: null,
        unattributed:
          'the server completes the connection only once the request arrives (TCP_DEFER_ACCEPT)',
      });
    }
  });

  test('a server that never accepts: not attributed, the wait says so, and the probe goes on', async () => {
    const port = await freePort();
    const server = await spawnPython(
      `import socket, time
s = socket.socket(); s.bind(("127.0.0.1", ${port})); s.listen(8)
print("READY", flush=True)
time.sleep(30)`,
    );
    const listeners = await listenersOf(port);
    expect(holderPids(listeners)).toEqual([server.pid]);
    let attribution: unknown;
    const res = await httpRequest(`http://127.0.0.1:${port}/`, {
      timeoutMs: 1500,
      onConnected: async (connection) => {
        attribution = await attributor(linuxPlatform, () => listeners)(connection);
      },
    });
    expect(attribution).toEqual({
      answeredBy: null,
      unattributed: 'the server did not accept within 100 ms',
    });
    expect(res).toMatchObject({ ok: false, error: expect.stringMatching(/^timed out after/) });
  });
});

test.each([
  ['macOS', darwinPlatform],
  ['Windows', windowsPlatform],
] as const)(
  'a platform that cannot read it (%s): every probe says "not supported on …"',
  async (os, platform) => {
    const port = await freePort();
    await spawnTracked(
      process.execPath,
      [
        '-e',
        `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('READY'))`,
      ],
      { readyText: 'READY' },
    );
    const outcome = await probeEndpoint(
      `http://127.0.0.1:${port}`,
      endpoint('/'),
      2,
      attributor(platform, () => []),
    );
    expect(outcome.verdict).toBe('pass');
    for (const probe of outcome.probes) {
      expect(probe).toMatchObject({ answeredBy: null, unattributed: `not supported on ${os}` });
    }
  },
);

test('no connection made (refused): the probe carries no attribution at all', async () => {
  const port = await freePort();
  const outcome = await probeEndpoint(
    `http://127.0.0.1:${port}`,
    endpoint('/'),
    2,
    attributor(linuxPlatform, () => []),
  );
  for (const probe of outcome.probes) {
    expect(probe.status).toBeNull();
    expect(probe).not.toHaveProperty('answeredBy');
    expect(probe).not.toHaveProperty('unattributed');
  }
});
