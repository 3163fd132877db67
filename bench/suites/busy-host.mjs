// 8. The same figures on a busy host: 0, 8k and 32k TCP rows (0, 4,000 and 16,000 established
// loopback connections, opened by the benchmark and reset when done). Per load: readiness latency
// and the CPU used while waiting (ours and wait-on tcp:, the peer that also polls), and the
// `listeners` command for an unheld and a held port (against `node -e 0` and `ss -ltnp`).
import { performance } from 'node:perf_hooks';
import { openConnections, tcpRowCount } from '../lib/connections.mjs';
import { freePort, killGroup, spawnGroup, timeCommand } from '../lib/procs.mjs';
import { summarize } from '../lib/stats.mjs';
import { backendEnv, BACKEND, runOurs, runWaitOn, scratchDir } from '../lib/tools.mjs';
import { phaseDelays } from './readiness.mjs';
import net from 'node:net';
import { join } from 'node:path';

export const CONNECTION_LOADS = [0, 4000, 16000];
const NODE = process.execPath;
const WAIT_ON = 'node_modules/wait-on/bin/wait-on';
/** CPU per second of waiting = the difference between a short and a long wait, so start-up cancels. */
const SHORT_WAIT_MS = 1000;
const LONG_WAIT_MS = 6000;

/**
 * CPU seconds (user + system) a command and the children it waited for used: bash's `times`
 * prints them after the command exits.
 */
async function cpuSeconds(command, args, options = {}) {
  const script = '"$0" "$@" >/dev/null 2>&1; times';
  const proc = spawnGroup('/bin/bash', ['-c', script, command, ...args], options);
  await proc.exited;
  killGroup(proc.pid);
  const { stdout } = await proc.output();
  const children = stdout.trim().split('\n').at(-1) ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
    ([, m, s]) => Number(m) * 60 + Number(s),
  );
  if (seconds.length !== 2) throw new Error(`times printed "${stdout}"`);
  return seconds[0] + seconds[1];
}

/** Our whole `run` with a backend that listens after `delayMs`. */
function oursCpu(cli, port, delayMs) {
  const dir = scratchDir();
  const args = [cli, 'run', '--start', `node ${BACKEND}`, '--port', String(port)];
  args.push('--report-dir', dir, '--no-clear-bytecode');
  return cpuSeconds(NODE, args, { env: backendEnv(port, join(dir, 'mark.json'), { delayMs }) });
}

/** wait-on tcp: alone (its backend is started beside it and not counted). */
async function waitOnCpu(port, delayMs) {
  const dir = scratchDir();
  const server = spawnGroup(NODE, [BACKEND], {
    env: backendEnv(port, join(dir, 'mark.json'), { delayMs }),
  });
  try {
    return await cpuSeconds(NODE, [WAIT_ON, '-t', '20000', `tcp:127.0.0.1:${port}`]);
  } finally {
    killGroup(server.pid);
    await server.exited;
  }
}

/** ms of CPU per second of waiting (10 = 1% of one core), from `pairs` short/long wait pairs. */
async function cpuWhileWaiting(measure, pairs) {
  const shares = [];
  for (let i = 0; i < pairs; i++) {
    const short = await measure(await freePort(), SHORT_WAIT_MS);
    const long = await measure(await freePort(), LONG_WAIT_MS);
    shares.push((1000 * (long - short)) / ((LONG_WAIT_MS - SHORT_WAIT_MS) / 1000));
  }
  return summarize(shares);
}

async function readinessAt(cli, runs) {
  const ours = [];
  const waitOn = [];
  for (const delayMs of phaseDelays(runs)) {
    const run = await runOurs(cli, { port: await freePort(), backend: { delayMs } });
    ours.push(run.readyLineAt - run.backendAt);
    const port = await freePort();
    const peer = await runWaitOn(`tcp:127.0.0.1:${port}`, { port, backend: { delayMs } });
    waitOn.push(peer.exitAt - peer.backendAt);
  }
  return { ours: summarize(ours), waitOn: summarize(waitOn) };
}

async function listenersAt(cli, rounds) {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '::', resolve));
  const held = String(server.address().port);
  const unheld = String(await freePort());
  const commands = {
    unheld: [NODE, [cli, 'listeners', '--port', unheld, '--json']],
    held: [NODE, [cli, 'listeners', '--port', held, '--json']],
    floor: [NODE, ['-e', '0']],
    ss: ['ss', ['-ltnp', `sport = :${held}`]],
  };
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  try {
    for (let r = -1; r < rounds; r++) {
      for (const [name, [command, args]] of Object.entries(commands)) {
        const { ms } = await timeCommand(command, args);
        if (r >= 0) samples[name].push(ms); // one warm-up round
      }
    }
  } finally {
    server.close();
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}

function sections(label, rows, m) {
  const ready = {
    id: `busy-ready-${rows}`,
    title: `Readiness latency, ${label}`,
    rows: [
      { tool: 'single-listener-check run (ready line)', stats: m.ready.ours, role: 'ours' },
      { tool: 'wait-on tcp:127.0.0.1:P (exit)', stats: m.ready.waitOn, role: 'peer' },
    ],
    target: { text: '≤ 30 ms median', met: m.ready.ours.median <= 30 },
    notes: [],
  };
  const cpuTarget = rows === 0 ? 2 : 5;
  const cpu = {
    id: `busy-cpu-${rows}`,
    title: `CPU while waiting for readiness, ${label}: ms of CPU per s of waiting (10 = 1% of a core)`,
    rows: [
      { tool: 'single-listener-check run', stats: m.cpu.ours, role: 'ours' },
      { tool: 'wait-on tcp:127.0.0.1:P', stats: m.cpu.waitOn, role: 'peer' },
    ],
    target: {
      text: `≤ ${cpuTarget}% of one core (≤ ${cpuTarget * 10} ms per s)`,
      met: m.cpu.ours.median <= cpuTarget * 10,
    },
    notes: [
      `Per second of waiting: (CPU of a run whose backend listens after ${LONG_WAIT_MS / 1000} s − one after ${SHORT_WAIT_MS / 1000} s) ÷ ${(LONG_WAIT_MS - SHORT_WAIT_MS) / 1000} s; start-up and the backend's own CPU cancel.`,
    ],
  };
  const unheld = {
    id: `busy-listeners-unheld-${rows}`,
    title: `\`listeners --port P --json\`, nobody on P, ${label}`,
    rows: [
      {
        tool: 'single-listener-check listeners (unheld port)',
        stats: m.listeners.unheld,
        role: 'ours',
      },
      { tool: 'node -e 0 (node floor)', stats: m.listeners.floor, role: 'floor' },
    ],
    target: {
      text: '≤ 1.2× node -e 0',
      met: m.listeners.unheld.median <= 1.2 * m.listeners.floor.median,
    },
    notes: [],
  };
  const held = {
    id: `busy-listeners-held-${rows}`,
    title: `\`listeners --port P --json\`, P held, ${label}`,
    rows: [
      {
        tool: 'single-listener-check listeners (held port)',
        stats: m.listeners.held,
        role: 'ours',
      },
      { tool: 'ss -ltnp sport = :P', stats: m.listeners.ss, role: 'peer' },
      { tool: 'node -e 0 (node floor)', stats: m.listeners.floor, role: 'floor' },
    ],
    target: {
      text: '≤ node -e 0 + 1.0× ss (the process walk is what ss does too)',
      met: m.listeners.held.median <= m.listeners.floor.median + m.listeners.ss.median,
    },
    notes: [],
  };
  return [ready, cpu, unheld, held];
}

export async function busyHost({ cli, runs, pairs }) {
  const out = [];
  for (const connections of CONNECTION_LOADS) {
    const load = await openConnections(connections);
    try {
      const rows = tcpRowCount();
      const label = `${connections.toLocaleString('en')} loopback connections (${rows.toLocaleString('en')} TCP rows)`;
      const begin = performance.now();
      const m = {
        ready: await readinessAt(cli, runs),
        cpu: {
          ours: await cpuWhileWaiting((port, d) => oursCpu(cli, port, d), pairs),
          waitOn: await cpuWhileWaiting(waitOnCpu, pairs),
        },
        listeners: await listenersAt(cli, runs),
      };
      process.stdout.write(
        ` [${connections}: ${((performance.now() - begin) / 1000).toFixed(0)} s]`,
      );
      out.push(...sections(label, connections * 2, m));
    } finally {
      await load.stop();
    }
  }
  return out;
}
