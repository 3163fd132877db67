/** `listeners` on real listeners: the table, JSON, and --expect over listeners (not sockets, rows or pids). */
import { cleanupProcesses, freePort } from '../helpers/procs.js';
import { main } from '../../src/cli/main.js';
import type { NumberedSocket } from '../../src/checklist/listener-count.js';
import type { ListenerSocket } from '../../src/platform/types.js';
import { captureIO } from '../helpers/cli-io.js';
import { removeAppDir, spawnGunicorn } from '../helpers/real-listeners.js';
import { HAS_SS, ourPidSets, ssPidSets } from '../helpers/ss.js';

afterEach(cleanupProcesses);
afterAll(removeAppDir);

async function run(argv: string[], isTTY = false) {
  const io = captureIO(isTTY);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

test('two gunicorn --reuse-port servers on one port: 2 listeners, --expect 1 fails naming both masters', async () => {
  const port = await freePort();
  const a = await spawnGunicorn(port, 2, ['--reuse-port']);
  const b = await spawnGunicorn(port, 2, ['--reuse-port']);

  const json = await run(['listeners', '--port', String(port), '--json', '--expect', '2']);
  expect(json.code).toBe(0);
  const sockets = JSON.parse(json.out) as NumberedSocket[];
  expect(sockets).toHaveLength(2);
  expect(sockets.map((s) => s.listener).sort()).toEqual([1, 2]);
  expect(ourPidSets(sockets)).toEqual(
    ourPidSets(
      [a, b].map(
        (g) => ({ processes: [g.pid, ...g.workerPids].map((pid) => ({ pid })) }) as ListenerSocket,
      ),
    ),
  );
  if (HAS_SS) expect(ourPidSets(sockets)).toEqual(ssPidSets(port));

  const table = await run(['listeners', '--port', String(port)]);
  expect(table.code).toBe(1);
  const lines = table.out.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^ADDRESS\s+FAMILY\s+SOCKET\s+PIDS\s+PROCESS\s+STARTED\s+COMMAND$/);
  expect(lines).toHaveLength(3);
  for (const g of [a, b]) {
    const row = lines.find((line) => line.includes(`${g.pid},`))!;
    expect(row).toMatch(
      new RegExp(
        `^0\\.0\\.0\\.0:${port}\\s+IPv4\\s+\\d+\\s+[\\d,]+\\s+gunicorn\\s+\\d+ s ago \\(\\d{4}-`,
      ),
    );
    expect(row).toContain('--reuse-port'); // the whole command line when not on a terminal
  }
  const stderr = table.err.trimEnd();
  expect(stderr.split('\n')).toHaveLength(1);
  expect(stderr).toMatch(new RegExp(`^2 listeners on port ${port} \\(expected at most 1\\): `));
  // One phrase per server: the master named, its workers counted.
  for (const g of [a, b])
    expect(stderr).toMatch(
      new RegExp(`pid ${g.pid} \\([^;]*\\) and 2 workers on 0\\.0\\.0\\.0:${port}`),
    );
  expect(stderr.split('; ')).toHaveLength(2);
});

test('gunicorn -w 3: one shared socket counts once, so --expect 1 passes', async () => {
  const port = await freePort();
  const server = await spawnGunicorn(port, 3);
  const result = await run(['listeners', '--port', String(port), '--json']);
  expect(result).toMatchObject({ code: 0, err: '' });
  const sockets = JSON.parse(result.out) as NumberedSocket[];
  expect(sockets).toHaveLength(1);
  expect(sockets[0]!.listener).toBe(1);
  expect(sockets[0]!.processes.map((p) => p.pid).sort()).toEqual(
    [server.pid, ...server.workerPids].sort(),
  );
});

test('on a terminal long commands are cut; nothing listening prints so and exits 0', async () => {
  const port = await freePort();
  await spawnGunicorn(port, 1, [
    '--reuse-port',
    '--graceful-timeout',
    '30',
    '--timeout',
    '30',
    '--keep-alive',
    '2',
  ]);
  const tty = await run(['listeners', '--port', String(port)], true);
  expect(tty.code).toBe(0);
  const row = tty.out.split('\n')[1]!;
  expect(row).toMatch(/…$/);
  expect(row).not.toContain('app:app');

  const other = await freePort();
  expect(await run(['listeners', '--port', String(other)])).toEqual({
    code: 0,
    out: `nothing listens on port ${other}\n`,
    err: '',
  });
  expect(
    await run(['listeners', '--port', String(other), '--expect', '0', '--json']),
  ).toMatchObject({ code: 0, out: '[]\n' });
});
