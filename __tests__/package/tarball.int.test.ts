/**
 * The npm package as a user gets it: `npm pack` of this repository (the committed dist/, as
 * `npm publish` would ship it), installed into an empty project offline — possible only because
 * the package has no runtime dependencies — and run through npx from that install, never from
 * the work tree: `--version`, `listeners` and a whole `run` against a real server.
 * scripts/check-package.mjs checks the tarball's file list and size in CI.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentPlatform } from '../../src/platform/index.js';
import { cleanupProcesses, freePort, PYTHON, spawnTracked, trackPid } from '../helpers/procs.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

let scratch = '';
let project = '';

/**
 * The environment of every npm and npx call: offline, an empty cache of our own, and none of the
 * `npm_*` variables `npm test` set for jest (they describe the repository, not the project).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.toLowerCase().startsWith('npm_') && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD',
    ),
  );
  delete env.GITHUB_STEP_SUMMARY; // the run's summary must not land in a real job's
  return { ...env, npm_config_offline: 'true', npm_config_cache: path.join(scratch, 'cache') };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: npmEnv(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `npx single-listener-check ARGS` in the project: the bin of the installed tarball. */
const npx = (args: string[]) => run('npx', ['--', pkg.name, ...args], project);

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'slc-package-'));
  project = path.join(scratch, 'project');
  const packed = await run(
    'npm',
    ['pack', REPO, '--json', '--ignore-scripts', '--pack-destination', scratch],
    scratch,
  );
  expect(packed).toMatchObject({ code: 0 });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];

  // An empty project, as `npm init -y` would leave it.
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }, null, 2),
  );
  const installed = await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', path.join(scratch, filename)],
    project,
  );
  expect(installed).toMatchObject({ code: 0 });
}, 180_000);

afterEach(cleanupProcesses);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the install holds the package alone: no runtime dependency came with it', () => {
  const modules = readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
  expect(modules).toEqual([pkg.name]);
  const files = readdirSync(path.join(project, 'node_modules', pkg.name)).sort();
  expect(files).toEqual(
    ['CHANGELOG.md', 'LICENSE', 'README.md', 'action.yml', 'dist', 'package.json', 'stop'].sort(),
  );
});

test('npx single-listener-check --version prints the package version', async () => {
  expect(await npx(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
});

test('npx single-listener-check listeners --port P names the server that listens', async () => {
  const port = await freePort();
  const server = await spawnTracked(
    PYTHON,
    ['-m', 'http.server', String(port), '--bind', '127.0.0.1'],
    { cwd: scratch, readyText: 'Serving HTTP' },
  );
  const listed = await npx(['listeners', '--port', String(port)]);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(`127.0.0.1:${port}`);
  expect(listed.stdout).toContain(String(server.pid));
});

test('npx single-listener-check run: a real server is started, checked and torn down (exit 0)', async () => {
  const port = await freePort();
  const reportDir = path.join(scratch, 'report');
  const result = await npx([
    '--start',
    `${PYTHON} -m http.server ${port} --bind 127.0.0.1`,
    '--port',
    String(port),
    '--cwd',
    project,
    '--report-dir',
    reportDir,
    '--ready-timeout',
    '30s',
  ]);
  const report = JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as {
    result: string;
    services: { backendPid: number | null; marker?: string | null }[];
  };
  const [service] = report.services;
  if (service?.backendPid) trackPid(service.backendPid); // stopped by cleanup even if it failed
  expect([result.code, report.result]).toEqual([0, 'pass']);
  // Torn down: nothing listens on the port and no process carries the run's marker.
  expect(await currentPlatform().listListeners(port)).toEqual([]);
  if (service?.marker) expect(await currentPlatform().findMarked(service.marker)).toEqual([]);
}, 90_000);
