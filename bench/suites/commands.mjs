// 4. `single-listener-check listeners --port P` as a whole command, and 7. CLI start-up by phase
// and bundle size: each command spawned and timed to its exit, interleaved round-robin, next to
// `node -e 0` (Node's own start, the floor) from the same rounds.
import { mkdtempSync } from 'node:fs';
import nodeModule from 'node:module';
import net from 'node:net';
import { join } from 'node:path';
import { timeCommand } from '../lib/procs.mjs';
import { bytes, summarize } from '../lib/stats.mjs';
import { scratchDir } from '../lib/tools.mjs';

const NODE = process.execPath;
const FIND_PROCESS_BIN = 'node_modules/find-process/dist/cjs/bin/find-process.js';
const WAIT_ON_BIN = 'node_modules/wait-on/bin/wait-on';
/** Both whole-command targets: our start-up within 15 % of Node's own. */
const FLOOR_FACTOR = 1.15;
/** Node 22.8+: the CLI keeps compiled code on disk (module.enableCompileCache); Node 20 cannot. */
const COMPILE_CACHE = typeof nodeModule.enableCompileCache === 'function';

/**
 * Times each command `rounds` times, round-robin after one warm-up round (page cache, and on
 * Node 22+ the compile cache). A command is [file, args] or [file, args, () => spawn options].
 */
async function timeRounds(commands, rounds) {
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let r = -1; r < rounds; r++) {
    for (const [name, [command, args, options]] of Object.entries(commands)) {
      const { ms } = await timeCommand(command, args, options?.() ?? {});
      if (r >= 0) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}

/** Our command with the compile cache off, and with an empty one (a first run), on Node 22+. */
function cacheVariants(label, args) {
  if (!COMPILE_CACHE) return {};
  const env = (extra) => () => ({ env: { ...process.env, ...extra } });
  const fresh = () => ({ NODE_COMPILE_CACHE: mkdtempSync(join(scratchDir(), 'cache-')) });
  return {
    [`${label}, compile cache off`]: [NODE, args, env({ NODE_DISABLE_COMPILE_CACHE: '1' })],
    [`${label}, empty compile cache`]: [NODE, args, () => env(fresh())()],
  };
}

function cacheRows(stats, label) {
  if (!COMPILE_CACHE) return [];
  return ['compile cache off', 'empty compile cache'].map((variant) => ({
    tool: `${label}, ${variant}`,
    stats: stats[`${label}, ${variant}`],
    role: 'detail',
  }));
}

function floorTarget(ours, floor) {
  const limit = FLOOR_FACTOR * floor.median;
  return {
    text: `≤ ${FLOOR_FACTOR}× node -e 0 (= ${limit.toFixed(1)} ms here)`,
    met: ours.median <= limit,
  };
}

const cacheNote = COMPILE_CACHE
  ? 'Node 22.8+: our rows run with the compile cache the CLI enables (warm after the warm-up round); the rows marked "compile cache" show it off and empty.'
  : `Node ${process.versions.node} has no module.enableCompileCache: every run compiles the bundle's code.`;

export async function listenersCommand({ cli, rounds }) {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '::', resolve));
  const port = String(server.address().port);
  const args = [cli, 'listeners', '--port', port, '--json'];
  try {
    const pidPortOnce = `import('pid-port').then(m => m.portToPid({ port: ${port}, host: '*' })).then(console.log)`;
    const stats = await timeRounds(
      {
        ours: [NODE, args],
        ...cacheVariants('ours', args),
        ss: ['ss', ['-ltnp', `sport = :${port}`]],
        'node -e 0': [NODE, ['-e', '0']],
        'pid-port (node -e, one call)': [NODE, ['-e', pidPortOnce]],
        'find-process CLI': [NODE, [FIND_PROCESS_BIN, '-t', 'port', port]],
      },
      rounds,
    );
    return {
      id: 'listeners-command',
      title: '`listeners --port P --json` as a whole command',
      rows: [
        {
          tool: 'single-listener-check listeners --port P --json',
          stats: stats.ours,
          role: 'ours',
        },
        ...cacheRows(stats, 'ours'),
        { tool: 'node -e 0 (node floor)', stats: stats['node -e 0'], role: 'floor' },
        { tool: 'ss -ltnp sport = :P', stats: stats.ss, role: 'peer' },
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
      target: floorTarget(stats.ours, stats['node -e 0']),
      notes: [cacheNote],
    };
  } finally {
    server.close();
  }
}

/**
 * `--version` against the floor, and the start-up split into phases: each step below adds one
 * phase to the one before, so the differences of medians are what each phase costs.
 */
const PHASES = [
  ['node -e 0', 'Node starts (floor)', () => ['-e', '0']],
  ['--version', 'our entry (`--version`)', (cli) => [cli, '--version']],
  [
    'listeners --help',
    'command modules (`listeners --help`)',
    (cli) => [cli, 'listeners', '--help'],
  ],
  [
    'listeners',
    'platform read and output (`listeners --port P --json`)',
    (cli, port) => [cli, 'listeners', '--port', port, '--json'],
  ],
  [
    'run --help',
    "run's modules: config schema, zod, yaml, HTTP, reports (`run --help`)",
    (cli) => [cli, 'run', '--help'],
  ],
];

export async function coldStart({ cli, rounds, sizes }) {
  const port = '1'; // nobody listens on 1 here: the cheap path, no process walk
  const stats = await timeRounds(
    {
      ...Object.fromEntries(PHASES.map(([key, , args]) => [key, [NODE, args(cli, port)]])),
      ...cacheVariants('--version', [cli, '--version']),
      'wait-on --help': [NODE, [WAIT_ON_BIN, '--help']],
    },
    rounds,
  );
  // npx resolution is what many users pay; a few runs suffice to show its order of magnitude.
  const npx = await timeRounds(
    { 'npx wait-on --help': ['npx', ['--no-install', 'wait-on', '--help']] },
    3,
  );
  const steps = PHASES.map(([key, label], i) => {
    const before = i === 0 ? 0 : stats[PHASES[i - 1][0]].median;
    const delta = stats[key].median - before;
    const added = i === 0 ? '' : ` (${delta < 0 ? '−' : '+'}${Math.abs(delta).toFixed(1)} ms)`;
    return { key, label: `${label}${added}` };
  });
  const chunks = Number.isFinite(sizes.chunks) ? `, its chunks ${bytes(sizes.chunks)}` : '';
  return {
    id: 'cold-start',
    title: 'CLI start-up: `single-listener-check --version`, and where start-up goes',
    rows: [
      {
        tool: 'node dist/cli.js --version',
        stats: stats['--version'],
        role: 'ours',
        note: `bundles: cli.js ${bytes(sizes.cli)}${chunks}, index.js ${bytes(sizes.index)}`,
      },
      ...cacheRows(stats, '--version'),
      { tool: 'node -e 0 (node floor)', stats: stats['node -e 0'], role: 'floor' },
      ...steps
        .filter(({ key }) => !['node -e 0', '--version'].includes(key))
        .map(({ key, label }) => ({ tool: `phase: ${label}`, stats: stats[key], role: 'detail' })),
      { tool: 'wait-on --help (node bin)', stats: stats['wait-on --help'], role: 'peer' },
      { tool: 'npx wait-on --help (3 runs)', stats: npx['npx wait-on --help'], role: 'peer' },
    ],
    target: floorTarget(stats['--version'], stats['node -e 0']),
    notes: [
      `Phases, each a whole command adding one step to the previous; medians: ${steps.map((s) => s.label).join(' → ')}.`,
      cacheNote,
    ],
  };
}
