// 3. The listener inventory for one port, one call inside a running program, at several machine
// loads, next to the tools users would call from Node. Calls are interleaved round-robin so
// every tool sees the same noise.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import findProcess from 'find-process';
import { portToPid } from 'pid-port';
import { openConnections } from '../lib/connections.mjs';
import { processCount, startIdleProcesses } from '../lib/load.mjs';
import { freePort } from '../lib/procs.mjs';
import { summarize } from '../lib/stats.mjs';

const run = promisify(execFile);
const quiet = (promise) => promise.catch(() => undefined); // lsof exits 1 when it finds nothing

export const LOADS = [
  { label: '+0 processes', count: 0, files: 0 },
  { label: '+1,000 idle processes', count: 1000, files: 0 },
  { label: '+200 processes × 50 open files', count: 200, files: 50 },
  // Two holders of 16,000 sockets each (32,000 TCP rows); fewer rounds: every tool walks 32k fds.
  {
    label: '+16,000 loopback connections (2 holders × 16,000 fds)',
    count: 0,
    files: 0,
    connections: 16000,
    rounds: 5,
  },
];

function listening() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '::', () => resolve(server));
  });
}

/** name → one call, for a port with a listener (`port`) and one without (`empty`). */
function scanners(inventory, port, empty) {
  return {
    ours: () => inventory.listListeners(port),
    'ours (no listener)': () => inventory.listListeners(empty),
    ss: () => run('ss', ['-ltnp', `sport = :${port}`]),
    lsof: () => quiet(run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN'])),
    "pid-port ({host: '*'})": () => portToPid({ port, host: '*' }),
    'find-process': () => findProcess('port', port),
  };
}

async function timeRounds(calls, rounds) {
  const samples = Object.fromEntries(Object.keys(calls).map((k) => [k, []]));
  for (let r = -2; r < rounds; r++) {
    for (const [name, call] of Object.entries(calls)) {
      const begin = performance.now();
      await call();
      if (r >= 0) samples[name].push(performance.now() - begin); // two warm-up rounds
    }
  }
  return samples;
}

/** Each tool must name our pid: a fast wrong answer is no answer. */
async function checkAnswers(inventory, port) {
  const sockets = await inventory.listListeners(port);
  const ours = sockets.flatMap((s) => s.processes.map((p) => p.pid));
  const found = (await findProcess('port', port)).map((p) => p.pid);
  const pidPort = await portToPid({ port, host: '*' });
  const problems = [];
  if (!ours.includes(process.pid))
    problems.push(`listListeners named ${ours.join(',') || 'nobody'}`);
  if (pidPort !== process.pid) problems.push(`pid-port named ${pidPort}`);
  if (!found.includes(process.pid))
    problems.push(`find-process named ${found.join(',') || 'nobody'}`);
  return problems;
}

export async function scan({ inventory, rounds }) {
  const server = await listening();
  const port = server.address().port;
  const empty = await freePort();
  const byLoad = [];
  try {
    for (const load of LOADS) {
      const idle = load.count > 0 ? await startIdleProcesses(load.count, load.files) : null;
      const connections = await openConnections(load.connections ?? 0);
      try {
        const processes = processCount();
        const problems = await checkAnswers(inventory, port);
        const samples = await timeRounds(
          scanners(inventory, port, empty),
          Math.min(rounds, load.rounds ?? rounds),
        );
        byLoad.push({
          load,
          processes,
          problems,
          stats: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])),
        });
      } finally {
        await connections.stop();
        await idle?.stop();
      }
    }
  } finally {
    server.close();
  }
  return byLoad;
}

const ROLES = { ours: 'ours', 'ours (no listener)': 'detail' };
const LABELS = {
  ours: 'listListeners(port), in-process',
  'ours (no listener)': 'listListeners(port), nothing listens on it',
  ss: 'ss -ltnp sport = :P (execFile)',
  lsof: 'lsof -nP -iTCP:P -sTCP:LISTEN (execFile)',
};

/** One result section per load: ours against ss is the target. */
export function scanSections(byLoad) {
  return byLoad.map(({ load, processes, problems, stats }) => ({
    id: `scan-${load.count}-${load.files}-${load.connections ?? 0}`,
    title: `Listener inventory for one port, ${load.label} (${processes} processes in /proc)`,
    rows: Object.entries(stats).map(([name, s]) => ({
      tool: LABELS[name] ?? name,
      stats: s,
      role: ROLES[name] ?? 'peer',
    })),
    target: {
      text: '≤ 1.0× ss; without a LISTEN row near zero (< 0.5× ss, no process walk)',
      met:
        stats.ours.median <= stats.ss.median &&
        stats['ours (no listener)'].median < 0.5 * stats.ss.median &&
        problems.length === 0,
    },
    notes: problems.map((p) => `wrong answer: ${p}`),
  }));
}
