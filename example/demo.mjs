// `npm run demo`: the full checklist against the example backend, the job summary written to a
// local file and shown. `npm run demo:stale`: a stale copy of the backend holds the port first,
// and the run shows how it is caught; the stale copy is stopped afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';

const stale = process.argv.includes('--stale');
const reportDir = '.single-listener-check/demo';
const summaryPath = `${reportDir}/summary.md`;
mkdirSync(reportDir, { recursive: true });
rmSync(summaryPath, { force: true });

let staleServer;
if (stale) {
  staleServer = spawn(process.execPath, ['example/server.mjs'], {
    env: { ...process.env, STALE: '1' },
    stdio: 'ignore',
    detached: true,
  });
  await waitForPort(5123);
  console.log(`demo: a stale copy of the backend (pid ${staleServer.pid}) now holds port 5123\n`);
}

try {
  const run = spawnSync(
    process.execPath,
    ['dist/cli.js', 'run', '--config', 'example/single-listener.yml'],
    {
      stdio: 'inherit',
      env: { ...process.env, GITHUB_STEP_SUMMARY: summaryPath },
    },
  );
  if (existsSync(summaryPath)) {
    console.log(`\n--- job summary (${summaryPath}) ---\n`);
    console.log(readFileSync(summaryPath, 'utf8'));
  }
  if (stale) {
    console.log(
      `demo: exit code ${run.status} — the stale server was caught before anything started.`,
    );
  }
  process.exitCode = stale ? (run.status === 1 ? 0 : 1) : (run.status ?? 1);
} finally {
  if (staleServer) process.kill(-staleServer.pid, 'SIGKILL');
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`port ${port} never opened`);
}
