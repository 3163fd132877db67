// Busy-host load: N established loopback TCP connections (2N rows in /proc/net/tcp), held by two
// processes of bench/fixtures/connections.mjs (a server holding N accepted sockets, a client
// holding N connected ones: each a holder with N fds). Closed with RST, so no TIME_WAIT rows stay.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killGroup, spawnGroup } from './procs.mjs';

const FIXTURE = 'bench/fixtures/connections.mjs';

/** Rows in /proc/net/tcp and /proc/net/tcp6 right now (a full read: only between figures). */
export function tcpRowCount() {
  return ['/proc/net/tcp', '/proc/net/tcp6'].reduce((sum, path) => {
    try {
      return sum + readFileSync(path, 'latin1').split('\n').length - 2; // header, final newline
    } catch {
      return sum;
    }
  }, 0);
}

async function waitLine(proc, re, what) {
  const at = await Promise.race([proc.lineAt(re), sleep(120_000, null)]);
  if (at === null) {
    const { stderr } = await Promise.race([proc.output(), sleep(1000, { stderr: '' })]);
    throw new Error(`connections: ${what} failed ${stderr}`);
  }
}

/** Opens `count` connections; `await stop()` resets them and waits until the rows are gone. */
export async function openConnections(count) {
  if (count === 0) return { stop: async () => {} };
  const before = tcpRowCount();
  const server = spawnGroup(process.execPath, [FIXTURE, 'server']);
  let client = null;
  const stop = async () => {
    if (client) {
      process.kill(client.pid, 'SIGTERM');
      await Promise.race([client.exited, sleep(10_000)]);
      killGroup(client.pid);
    }
    killGroup(server.pid);
    await server.exited;
    for (let i = 0; i < 100 && tcpRowCount() > before + 10; i++) await sleep(100);
  };
  try {
    await waitLine(server, /port \d+/, 'server');
    const port = /port (\d+)/.exec(server.stdoutSoFar())[1];
    client = spawnGroup(process.execPath, [FIXTURE, 'client', port, String(count)]);
    await waitLine(client, /open \d+/, `opening ${count} connections`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
