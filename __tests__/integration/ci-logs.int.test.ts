/**
 * CI logs people can read (README, "Logs in CI"), shown on the program bundled from the current
 * sources, with stdout a pipe (not a TTY) as in every CI log: the CLI prints a heartbeat while it
 * waits, honours FORCE_COLOR and NO_COLOR, accepts -v/-V and ends every help with a newline; the
 * action, run as the runner runs it (harness.ts, GITHUB_ACTIONS=true), puts the backend's log
 * inside ::group:: blocks that never hold an item line, and annotates at most 10 failures; so does
 * the CLI when GITHUB_ACTIONS is true.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import { VERSION } from '../../src/version.js';
import { Job } from '../action/harness.js';
import { bundledActionPath, bundledCli } from '../helpers/bundled-cli.js';
import { cleanupProcesses, freePort, trackPid } from '../helpers/procs.js';

const APP = fileURLToPath(new URL('./apps/slow_listen.mjs', import.meta.url));
/** Variables that change how the log looks: each test sets the ones it means. */
const LOOK = /^(GITHUB_ACTIONS|NO_COLOR|FORCE_COLOR|CI|ACT|GITHUB_STEP_SUMMARY)$/;

let cli: string;
let scratch: string;
const ports: number[] = [];

beforeAll(() => {
  cli = bundledCli();
  scratch = mkdtempSync(path.join(tmpdir(), 'slc-ci-logs-'));
}, 120_000);

afterEach(async () => {
  // Whatever listens on a port a test picked (free before it) was started by that test.
  for (const port of ports.splice(0)) {
    for (const socket of await linuxPlatform.listListeners(port))
      for (const p of socket.processes) trackPid(p.pgid ?? p.pid);
  }
  await cleanupProcesses();
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `node '<APP>' <port> <delayMs>` as a start command. */
const appCommand = (port: number, delayMs: number) =>
  `'${process.execPath}' '${APP}' ${port} ${delayMs}`;

async function testPort(): Promise<number> {
  const port = await freePort();
  ports.push(port);
  return port;
}

/** The bundled CLI with stdout and stderr pipes, in its own process group (tracked for cleanup). */
function runCli(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !LOOK.test(entry[0]),
    ),
  );
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: scratch,
    env: { ...base, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackPid(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

/** `  … Backend ready — waiting for a listener on port N: 5.0 s / 30 s` */
const HEARTBEAT = /^ {2}… Backend ready — waiting for .+: \d+\.\d s \/ 30 s$/;
/** Listens after this long: one heartbeat is due 5 s into the wait, with some slack. */
const SLOW_MS = 6500;

test('CLI off a TTY: a backend that takes 6.5 s to listen gets heartbeat lines, no \\r, no colour', async () => {
  const port = await testPort();
  const run = await runCli([
    `--start=${appCommand(port, SLOW_MS)}`,
    `--port=${port}`,
    '--health=/health',
    '--ready-timeout=30s',
    `--report-dir=${path.join(scratch, 'heartbeat')}`,
  ]);

  expect([run.code, run.stderr]).toEqual([0, '']);
  const lines = run.stdout.split('\n');
  const beats = lines.filter((l) => HEARTBEAT.test(l));
  expect(beats.length).toBeGreaterThanOrEqual(1);
  // What it waits for is said in full: the port, elapsed and timeout.
  expect(beats[0]).toContain(`port ${port}: `);
  expect(run.stdout).not.toMatch(/[\r\x1b]/); // eslint-disable-line no-control-regex
  // Not in GitHub Actions: the backend's lines are plain, with no group around them.
  expect(lines).toContain('backend │ booting');
  expect(run.stdout).not.toContain('::group::');
  expect(lines.indexOf(beats[0]!)).toBeLessThan(
    lines.findIndex((l) => l.startsWith('  ✔ Backend ready')),
  );
}, 60_000);

test.each([
  [{ FORCE_COLOR: '1' }, true],
  [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false],
  [{ FORCE_COLOR: '0' }, false],
  [{}, false],
] as Array<[Record<string, string>, boolean]>)(
  'CLI off a TTY with %j: colour %s',
  async (env, colour) => {
    const port = await testPort();
    const run = await runCli(
      [
        `--start=${appCommand(port, 0)}`,
        `--port=${port}`,
        '--health=/health',
        `--report-dir=${path.join(scratch, `colour-${port}`)}`,
      ],
      env,
    );
    expect(run.code).toBe(0);
    if (colour) expect(run.stdout).toContain('\x1b[32m✔\x1b[0m Backend ready');
    else expect(run.stdout).not.toContain('\x1b');
    expect(run.stdout).not.toContain('\r'); // colour or not, off a TTY nothing is redrawn
  },
  60_000,
);

test.each([['--version'], ['-v'], ['-V']])('CLI %s prints the version', async (flag) => {
  expect(await runCli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
});

test.each([
  [['--help']],
  [['-h']],
  [['help']],
  [['run', '--help']],
  [['run', '-h']],
  [['--help', '--port=1']],
  [['listeners', '--help']],
  [['free', '--help']],
  [['stop', '--help']],
])('CLI %j: the help ends with a newline', async (argv) => {
  const run = await runCli(argv);
  expect([run.code, run.stderr]).toEqual([0, '']);
  expect(run.stdout).toMatch(/^Usage/);
  expect(run.stdout).toMatch(/[^\n]\n$/);
});

test.each([
  ['true', 10],
  ['', 0],
])(
  'CLI with GITHUB_ACTIONS=%j: 11 failures → %d ::error annotations, after the verdict, outside any group',
  async (githubActions, expected) => {
    const port = await testPort();
    const endpoints = Array.from({ length: 11 }, (_, i) => `--endpoint=GET /missing-${i + 1} 200`);
    const run = await runCli(
      [
        `--start=${appCommand(port, 0)}`,
        `--port=${port}`,
        '--health=/health',
        ...endpoints,
        `--report-dir=${path.join(scratch, `annotations-${port}`)}`,
      ],
      githubActions ? { GITHUB_ACTIONS: githubActions } : {},
    );

    expect([run.code, run.stderr]).toEqual([1, '']);
    const lines = run.stdout.split('\n');
    const errors = lines.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(expected);
    if (expected === 0) return;
    // The same cap as the action: nine failures, then one counting the other two.
    expect(errors.slice(0, 9)).toEqual(
      Array.from({ length: 9 }, (_, i) =>
        expect.stringMatching(
          new RegExp(
            `^::error title=backend%3A GET /missing-${i + 1}::3/3 probes failed: status: expected 200, got 404`,
          ),
        ),
      ),
    );
    expect(errors[9]).toMatch(
      /^::error title=single-listener-check%3A 2 more failed items::2 more items failed; GitHub shows at most 10 annotations a step/,
    );
    // After the verdict, with no group left open around them.
    const verdict = lines.findIndex((l) => l.startsWith('✖ single-listener-check failed'));
    expect(verdict).toBeGreaterThan(-1);
    expect(lines.indexOf(errors[0]!)).toBeGreaterThan(verdict);
    expect(lines.lastIndexOf('::endgroup::')).toBeLessThan(verdict);
  },
  60_000,
);

test('action in GitHub Actions: backend log grouped, never an item line in a group; 11 failures → 10 annotations', async () => {
  const port = await testPort();
  const job = await Job.create(scratch);
  try {
    const run = await job.run('action.yml', {
      with: {
        start: appCommand(port, SLOW_MS),
        port: String(port),
        'health-path': '/health',
        endpoints: Array.from({ length: 11 }, (_, i) => `GET /missing-${i + 1} 200`).join('\n'),
        'ready-timeout': '30s',
      },
      env: { FORCE_COLOR: '0' }, // whatever the test runner was given
      actionPath: bundledActionPath(),
      timeoutMs: 90_000,
    });

    expect(run.exitCode).toBe(1);
    const lines = run.stdout.split('\n');
    expect(run.stdout).not.toMatch(/[\r\x1b]/); // eslint-disable-line no-control-regex

    // The backend's log: inside groups titled with the service; groups are closed, not nested,
    // and hold nothing but log lines.
    expect(lines).toContain('::group::backend log (backend)');
    let open = false;
    const grouped: string[] = [];
    for (const line of lines) {
      if (line.startsWith('::group::')) {
        expect(open).toBe(false);
        open = true;
      } else if (line === '::endgroup::') {
        expect(open).toBe(true);
        open = false;
      } else if (open) {
        grouped.push(line);
      }
    }
    expect(open).toBe(false);
    expect(grouped.length).toBeGreaterThan(0);
    for (const line of grouped) expect(line).toMatch(/^backend │ /);
    expect(grouped).toEqual(expect.arrayContaining(['backend │ booting']));
    expect(grouped).toContain(`backend │ listening on ${port}`);
    // The heartbeat is outside the groups, between them.
    expect(lines.filter((l) => HEARTBEAT.test(l)).length).toBeGreaterThanOrEqual(1);

    // GitHub shows 10 error annotations a step: nine failures, then one counting the other two.
    const errors = lines.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(
      errors.slice(0, 9).every((l) => /^::error title=backend%3A GET \/missing-\d+::/.test(l)),
    ).toBe(true);
    expect(errors[9]).toMatch(
      /^::error title=single-listener-check%3A 2 more failed items::2 more items failed; GitHub shows at most 10 annotations a step/,
    );
    expect(errors[9]).toContain('backend: GET /missing-10; backend: GET /missing-11');
    expect(run.actionOutputs['failed-items']!.split(',')).toHaveLength(11);
  } finally {
    await job.dispose();
  }
}, 180_000);

test('action with FORCE_COLOR=1: coloured icons, and workflow commands still start their lines', async () => {
  const port = await testPort();
  const job = await Job.create(scratch);
  try {
    const run = await job.run('action.yml', {
      with: { start: appCommand(port, 0), port: String(port), 'health-path': '/health' },
      env: { FORCE_COLOR: '1' },
      actionPath: bundledActionPath(),
      timeoutMs: 90_000,
    });
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(run.stdout).toContain('\x1b[32m✔\x1b[0m Backend ready');
    expect(lines).toContain('::group::backend log (backend)');
    expect(lines).toContain('\x1b[2mbackend │\x1b[0m booting');
    expect(lines.filter((l) => l === '::endgroup::').length).toBe(
      lines.filter((l) => l.startsWith('::group::')).length,
    );
  } finally {
    await job.dispose();
  }
}, 120_000);
