/**
 * One counting rule, on real servers: for each scenario, `listeners --expect 1` (its exit code
 * and its JSON), `run --attach` (its single-listener item) and `groupListeners` over the
 * platform's listener table must give the same number of listeners — the number a person would count as servers (README, "The checklist").
 * Every process is started in its own process group and stopped by pid after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupListeners, type NumberedSocket } from '../../src/checklist/listener-count.js';
import { main } from '../../src/cli/main.js';
import { currentPlatform } from '../../src/platform/index.js';
import { captureIO } from '../helpers/cli-io.js';
import { checkAndCleanUpAfterEach, runCheck } from '../integration/run-helpers.js';
import {
  NGINX,
  nginxArgs,
  removeAppDir,
  spawnGunicorn,
  spawnPythonListener,
  writeNginxConfig,
} from '../helpers/real-listeners.js';
import { PYTHON, freePort, spawnTracked, until } from '../helpers/procs.js';

const APPS = fileURLToPath(new URL('../apps/', import.meta.url));
const INT_APPS = fileURLToPath(new URL('../integration/apps/', import.meta.url));
const tempDirs: string[] = [];

// Stops what each test spawned (by pid) and removes the runs' report folders.
checkAndCleanUpAfterEach();
afterAll(() => {
  removeAppDir();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Resolves once the port shows `sockets` sockets held by `holders` distinct pids in all. */
async function settled(port: number, sockets: number, holders: number): Promise<void> {
  await until(async () => {
    const table = await currentPlatform().listListeners(port);
    const pids = new Set(table.flatMap((s) => s.processes.map((p) => p.pid)));
    return table.length === sockets && pids.size === holders;
  }, 15000);
}

/** nginx with a master and 2 workers (see writeNginxConfig); resolves once all three hold the port. */
async function spawnNginx(port: number, listen: string[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-nginx-'));
  tempDirs.push(dir);
  await spawnTracked(NGINX, nginxArgs(writeNginxConfig(dir, port, listen)));
  await settled(port, listen.length, 3);
}

/** One Node process listening on each of `hosts` (IPv6 ones v6-only). */
async function spawnNodeOn(port: number, hosts: string[]): Promise<void> {
  const code = [
    "const net = require('net');",
    `const hosts = ${JSON.stringify(hosts)};`,
    'let up = 0;',
    `for (const host of hosts) net.createServer().listen({ port: ${port}, host, ipv6Only: host.includes(':') }, () => { if (++up === hosts.length) console.log('READY'); });`,
  ].join('\n');
  await spawnTracked(process.execPath, ['-e', code], { readyText: 'READY' });
}

interface Scenario {
  name: string;
  start: (port: number) => Promise<unknown>;
  /** Sockets in the listener table, so each scenario is what it says. */
  sockets: number;
  listeners: number;
}

const scenarios: Scenario[] = [
  {
    name: 'one Python process on 0.0.0.0 and a v6-only [::]',
    start: (port) =>
      spawnTracked(PYTHON, ['-u', path.join(INT_APPS, 'families.py')], {
        env: { ...process.env, PORT: String(port), FAMILIES: 'both' },
        readyText: 'listening (both)',
      }),
    sockets: 2,
    listeners: 1,
  },
  {
    name: 'one Node process on 0.0.0.0 and a v6-only [::]',
    start: (port) => spawnNodeOn(port, ['0.0.0.0', '::']),
    sockets: 2,
    listeners: 1,
  },
  {
    name: 'one Node process on 127.0.0.1 and [::1]',
    start: (port) => spawnNodeOn(port, ['127.0.0.1', '::1']),
    sockets: 2,
    listeners: 1,
  },
  {
    name: 'nginx, listen 127.0.0.1 and [::1], master + 2 workers',
    start: (port) => spawnNginx(port, ['127.0.0.1', '[::1]']),
    sockets: 2,
    listeners: 1,
  },
  {
    name: 'gunicorn -w 2: master + 2 workers on one socket',
    start: async (port) => {
      const g = await spawnGunicorn(port, 2);
      await settled(port, 1, 1 + g.workerPids.length);
    },
    sockets: 1,
    listeners: 1,
  },
  {
    name: 'two independent SO_REUSEPORT processes on 127.0.0.1',
    start: async (port) => {
      for (const status of ['200', '404'])
        await spawnTracked(
          PYTHON,
          [path.join(APPS, 'http-reuseport-server.py'), String(port), status],
          {
            readyText: 'READY',
          },
        );
    },
    sockets: 2,
    listeners: 2,
  },
  {
    name: 'IPv4 0.0.0.0 and v6-only [::] held by different processes',
    start: async (port) => {
      await spawnPythonListener(port, { host: '0.0.0.0' });
      await spawnPythonListener(port, { host: '::', v6only: true });
    },
    sockets: 2,
    listeners: 2,
  },
];

test.each(scenarios)(
  '$name: $listeners listener(s)',
  async ({ start, sockets: count, listeners }) => {
    const port = await freePort();
    await start(port);

    const table = await currentPlatform().listListeners(port);
    expect(table).toHaveLength(count);
    const grouped = groupListeners(table);
    expect(grouped).toHaveLength(listeners);

    const io = captureIO();
    const code = await main(['listeners', '--port', String(port), '--expect', '1', '--json'], io);
    expect(code).toBe(listeners <= 1 ? 0 : 1);
    const sockets = JSON.parse(io.out()) as NumberedSocket[];
    expect(new Set(sockets.map((s) => s.listener)).size).toBe(listeners);
    if (listeners > 1) {
      expect(io.err()).toMatch(
        new RegExp(`^${listeners} listeners on port ${port} \\(expected at most 1\\): `),
      );
      expect(io.err().trimEnd().split('; ')).toHaveLength(listeners);
    } else {
      expect(io.err()).toBe('');
    }

    // The checklist counts the same way (attach mode: the servers were started here).
    const { report } = await runCheck(['--attach', `--port=${port}`, '--ready-timeout=10s']);
    const single = report!.services[0]!.items.find((i) => i.id === 'single-listener')!;
    expect(single.status).toBe(listeners <= 1 ? 'pass' : 'fail');
    expect(single.summary).toMatch(new RegExp(`^${listeners} listener\\(s\\) on port ${port} `));
  },
);
