/**
 * Bad input end to end (issue 7 item 1). The corpus in __tests__/config/bad-input.test.ts
 * checks loadConfig's problem lines; here a representative set goes through the real front ends
 * — the CLI's main(argv) and the action's run(env) — to prove what the user sees: exit 2, exactly
 * one line per problem naming the field and the value, no stack trace, nothing started (the start
 * command would create a marker file), no report file left half-written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { START_REQUIRED, startEmpty, startWithAttach } from '../config/helpers.js';
import { freePort } from '../helpers/procs.js';
import {
  readReport,
  removeScratch,
  runActionInputs,
  runCli,
  scratchDir,
  tempFilesIn,
} from './helpers.js';

afterAll(removeScratch);

interface Problem {
  /** How the line names the field: flag, input name, or `{file}:line[:col]`. */
  field: string;
  /** Text that shows the offending value. */
  value?: string;
  /** The whole line, when the case pins it. */
  line?: string;
}

interface Case {
  /** CLI flags (the marker start command and --report-dir are added). */
  flags?: string[];
  /** Action inputs (start and report-dir are added). */
  inputs?: Record<string, string>;
  /** Content of the config file named by --config / the `config` input. */
  file?: string | Buffer;
  /** Replaces the marker start command; null gives none at all. */
  start?: string | null;
  problems: Problem[];
}

const TEN_THOUSAND_NINES = '9'.repeat(10_000);

const cases: Record<string, Case> = {
  'CLI: --port not a number': {
    flags: ['--port', 'abc'],
    problems: [{ field: '--port', value: '(got "abc")' }],
  },
  'CLI: --port of whitespace': {
    flags: ['--port', '   '],
    problems: [{ field: '--port', value: '(got "   ")' }],
  },
  'CLI: --port 10,000 digits long (the value is shown cut)': {
    flags: ['--port', TEN_THOUSAND_NINES],
    problems: [{ field: '--port', value: `(got "${'9'.repeat(59)}…` }],
  },
  'CLI: three bad flags at once, one line each': {
    flags: ['--port', '0', '--probes', '0', '--ready-timeout', 'soon'],
    problems: [
      { field: '--port', value: '(got "0")' },
      { field: '--probes', value: '(got "0")' },
      { field: '--ready-timeout', value: '(got "soon")' },
    ],
  },
  'CLI: --endpoint with a status class 6xx': {
    flags: ['--port', '5000', '--endpoint', 'GET /x 6xx'],
    problems: [{ field: '--endpoint', value: '(got "GET /x 6xx")' }],
  },
  'CLI: --expect-log that is not a regular expression': {
    flags: ['--port', '5000', '--expect-log', '(unclosed'],
    problems: [{ field: '--expect-log', value: '(got "(unclosed")' }],
  },
  'CLI: --env without =': {
    flags: ['--port', '5000', '--env', 'NOEQUALS'],
    problems: [{ field: '--env', value: '(got "NOEQUALS")' }],
  },
  'CLI: an unknown flag': {
    flags: ['--port', '5000', '--bogus'],
    problems: [{ field: '--bogus' }],
  },
  'CLI: a config file with malformed YAML': {
    flags: ['--port', '5000'],
    file: 'port: [5000\nname: x\n',
    problems: [{ field: '{file}:2:1' }],
  },
  'CLI: a config file that is not UTF-8': {
    flags: [],
    file: Buffer.from([...Buffer.from('port: 5000\nstart: "caf'), 0xe9, ...Buffer.from('"\n')]),
    problems: [{ field: '{file}:2', value: 'byte 0xe9' }],
  },
  'CLI: --start "" (an unset variable) with --port: empty is not attach mode': {
    start: '',
    flags: ['--port', '5000'],
    problems: [{ field: '--start', line: startEmpty('--start', '') }],
  },
  'CLI: neither --start nor --attach': {
    start: null,
    flags: ['--port', '5000'],
    problems: [{ field: '--start', line: START_REQUIRED.flag }],
  },
  'CLI: --start with --attach': {
    flags: ['--port', '5000', '--attach'],
    problems: [{ field: '--start', value: '(got "touch ' }],
  },
  'CLI: a config file whose start is empty': {
    start: null,
    flags: [],
    file: 'port: 5000\nstart: ""\n',
    problems: [{ field: 'start', line: startEmpty('start', '') }],
  },
  'action: start empty (INPUT_START="", an unset expression): not attach mode': {
    start: '',
    inputs: { port: '5000' },
    problems: [{ field: 'start', line: START_REQUIRED.input }],
  },
  'action: start with attach': {
    start: 'node server.js',
    inputs: { port: '5000', attach: 'true' },
    problems: [{ field: 'start', line: startWithAttach('start', 'attach', 'node server.js') }],
  },
  'action: port not a number': {
    inputs: { port: 'http' },
    problems: [{ field: 'port', value: '(got "http")' }],
  },
  'action: port of whitespace only (an empty input: not given)': {
    inputs: { port: ' \t ' },
    problems: [{ field: 'port' }],
  },
  'action: keep-running yes': {
    inputs: { port: '5000', 'keep-running': 'yes' },
    problems: [{ field: 'keep-running', value: '(got "yes")' }],
  },
  'action: two bad endpoint lines among good ones': {
    inputs: { port: '5000', endpoints: 'GET /ok\nPOST /items 999\n\nGET nope' },
    problems: [
      { field: 'endpoints', value: '(got "POST /items 999")' },
      { field: 'endpoints', value: '(got "GET nope")' },
    ],
  },
  'action: env line without a name': {
    inputs: { port: '5000', env: 'GOOD=1\n=novalue' },
    problems: [{ field: 'env', value: '(got "=novalue")' }],
  },
  'action: health-path without a slash': {
    inputs: { port: '5000', 'health-path': 'health' },
    problems: [{ field: 'health-path', value: '(got "health")' }],
  },
  'action: on-conflict in upper case': {
    inputs: { port: '5000', 'on-conflict': 'KILL' },
    problems: [{ field: 'on-conflict', value: '(got "KILL")' }],
  },
  'action: a config file with a duplicate key': {
    inputs: {},
    file: 'port: 5000\nport: 5001\n',
    problems: [{ field: '{file}:2:1' }],
  },
};

/** The problem lines a front end printed, with its own prefix removed. */
function problemLines(c: Case, printed: { out: string; err: string }): string[] {
  if (c.flags !== undefined) {
    expect(printed.out).toBe('');
    return printed.err
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        expect(line.startsWith('single-listener-check: ')).toBe(true);
        return line.slice('single-listener-check: '.length);
      });
  }
  expect(printed.err).toBe('');
  return printed.out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      // Everything the action printed is an error command (@actions/core escapes %, CR and LF).
      expect(line).toMatch(/^::error title=single-listener-check%3A invalid input::/);
      return line.slice(line.indexOf('::', 2) + 2);
    });
}

test('the set covers both front ends with at least 10 cases', () => {
  const titles = Object.keys(cases);
  expect(titles.filter((t) => t.startsWith('CLI:')).length).toBeGreaterThanOrEqual(5);
  expect(titles.filter((t) => t.startsWith('action:')).length).toBeGreaterThanOrEqual(5);
});

test.each(Object.entries(cases))('%s', async (_title, c) => {
  const dir = scratchDir();
  const marker = path.join(dir, 'started');
  const reportDir = path.join(dir, 'reports');
  const configFile = path.join(dir, 'config.yml');
  if (c.file !== undefined) writeFileSync(configFile, c.file);
  const start = c.start === undefined ? `touch '${marker}'` : c.start;
  const startFlag = start === null ? [] : ['--start', start];

  let code: number;
  let printed: { out: string; err: string };
  if (c.flags !== undefined) {
    const config = c.file === undefined ? [] : ['--config', configFile];
    const argv = ['run', ...startFlag, '--cwd', dir, '--report-dir', reportDir, ...config];
    const result = await runCli([...argv, ...c.flags]);
    code = result.code;
    printed = { out: result.out, err: result.err };
  } else {
    const inputs = {
      ...(start === null ? {} : { start }),
      'working-directory': dir,
      'report-dir': reportDir,
      ...(c.file === undefined ? {} : { config: configFile }),
      ...c.inputs,
    };
    const result = await runActionInputs(inputs);
    code = result.code;
    printed = { out: result.stdout, err: '' };
  }

  expect(code).toBe(2);
  const lines = problemLines(c, printed);
  expect(lines).toHaveLength(c.problems.length);
  // Each problem has its own line (in whatever order the loader lists them).
  for (const problem of c.problems) {
    const field = `${problem.field.replace('{file}', configFile)}: `;
    const matching = lines.filter(
      (line) => line.startsWith(field) && line.includes(problem.value ?? ''),
    );
    expect(matching).toHaveLength(1);
    if (problem.line !== undefined)
      expect(matching[0]).toBe(problem.line.replace('{file}', configFile));
  }
  for (const line of lines) expect(line.length).toBeLessThan(300);
  expect(`${printed.out}${printed.err}`).not.toMatch(/^\s+at /m); // no stack frame
  expect(existsSync(marker)).toBe(false); // nothing was started
  // No report at all, or a complete one; never a temporary file left half-written.
  expect(tempFilesIn(reportDir)).toEqual([]);
  if (existsSync(path.join(reportDir, 'report.json')))
    expect(readReport(reportDir).version).toBe(1);
});

test('control: the same start command with valid input does run (the marker check is not vacuous)', async () => {
  const dir = scratchDir();
  const marker = path.join(dir, 'started');
  const reportDir = path.join(dir, 'reports');
  const argv = ['--start', `touch '${marker}'`, '--cwd', dir, '--report-dir', reportDir];
  const { code } = await runCli([...argv, '--port', String(await freePort())]);
  expect(code).toBe(1); // `touch` exits at once: the backend is never ready
  expect(existsSync(marker)).toBe(true);
  expect(readReport(reportDir).services[0]!.items.map((i) => [i.id, i.status])).toContainEqual([
    'ready',
    'fail',
  ]);
  expect(tempFilesIn(reportDir)).toEqual([]);
});
