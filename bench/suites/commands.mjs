// 4. `single-listener-check listeners --port P` as a whole command, and 7. CLI cold start and
// bundle size: each command spawned and timed to its exit, interleaved round-robin.
import net from 'node:net';
import { timeCommand } from '../lib/procs.mjs';
import { bytes, summarize } from '../lib/stats.mjs';

const NODE = process.execPath;
const FIND_PROCESS_BIN = 'node_modules/find-process/dist/cjs/bin/find-process.js';
const WAIT_ON_BIN = 'node_modules/wait-on/bin/wait-on';

async function timeRounds(commands, rounds) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, [command, args]] of Object.entries(commands)) {
      const { ms } = await timeCommand(command, args);
      if (r >= 0) samples[name].push(ms); // one warm-up round (page cache)
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}

export async function listenersCommand({ cli, rounds }) {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '::', resolve));
  const port = String(server.address().port);
  try {
    const pidPortOnce = `import('pid-port').then(m => m.portToPid({ port: ${port}, host: '*' })).then(console.log)`;
    const stats = await timeRounds(
      {
        ours: [NODE, [cli, 'listeners', '--port', port, '--json']],
        ss: ['ss', ['-ltnp', `sport = :${port}`]],
        'node -e 0': [NODE, ['-e', '0']],
        'pid-port (node -e, one call)': [NODE, ['-e', pidPortOnce]],
        'find-process CLI': [NODE, [FIND_PROCESS_BIN, '-t', 'port', port]],
      },
      rounds,
    );
    const target = stats['node -e 0'].median + 1.5 * stats.ss.median;
    return {
      id: 'listeners-command',
      title: '`listeners --port P --json` as a whole command',
      rows: [
        {
          tool: 'single-listener-check listeners --port P --json',
          stats: stats.ours,
          role: 'ours',
        },
        { tool: 'ss -ltnp sport = :P', stats: stats.ss, role: 'peer' },
        { tool: 'node -e 0 (node floor)', stats: stats['node -e 0'], role: 'floor' },
        {
          tool: "pid-port: node -e portToPid({port, host: '*'})",
          stats: stats['pid-port (node -e, one call)'],
          role: 'peer',
        },
        {
          tool: 'find-process -t port P (its CLI)',
          stats: stats['find-process CLI'],
          role: 'peer',
        },
      ],
      target: {
        text: `≤ node floor + 1.5× ss (= ${target.toFixed(1)} ms here)`,
        met: stats.ours.median <= target,
      },
      notes: [],
    };
  } finally {
    server.close();
  }
}

export async function coldStart({ cli, rounds, sizes }) {
  const stats = await timeRounds(
    {
      ours: [NODE, [cli, '--version']],
      'node -e 0': [NODE, ['-e', '0']],
      'wait-on --help': [NODE, [WAIT_ON_BIN, '--help']],
    },
    rounds,
  );
  // npx resolution is what many users pay; a few runs suffice to show its order of magnitude.
  const npx = await timeRounds(
    { 'npx wait-on --help': ['npx', ['--no-install', 'wait-on', '--help']] },
    3,
  );
  return {
    id: 'cold-start',
    title: 'CLI cold start: `single-listener-check --version`',
    rows: [
      {
        tool: 'node dist/cli.js --version',
        stats: stats.ours,
        role: 'ours',
        note: `bundles: cli.js ${bytes(sizes.cli)}, index.js ${bytes(sizes.index)}`,
      },
      { tool: 'node -e 0 (node floor)', stats: stats['node -e 0'], role: 'floor' },
      { tool: 'wait-on --help (node bin)', stats: stats['wait-on --help'], role: 'peer' },
      { tool: 'npx wait-on --help (3 runs)', stats: npx['npx wait-on --help'], role: 'peer' },
    ],
    target: { text: '≤ 120 ms', met: stats.ours.median <= 120 },
    notes: [],
  };
}
