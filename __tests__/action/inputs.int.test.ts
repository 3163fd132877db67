/**
 * Every input of action.yml reaches the program through the step (none silently dropped): one
 * run gives each input that has one an invalid value, and the program must name every one of
 * them; the inputs no value can make invalid (start, working-directory, shell, report-dir) must
 * visibly change a passing run. Together with metadata.test.ts (the env mapping) this fails if
 * action.yml forgets an input, misspells its variable, or the program stops reading it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ACTION_INPUT_NAMES } from '../../src/config/text-settings.js';
import { cleanupProcesses, freePort, trackPid } from '../helpers/procs.js';
import { Job } from './harness.js';

/** A value the program must reject, per input. */
const INVALID: Record<string, string> = {
  port: 'abc',
  env: 'NO_EQUALS_SIGN',
  'ready-timeout': 'soon',
  'wait-on': 'ftp://example.com',
  'health-path': 'no-leading-slash',
  'base-url': 'not a url',
  endpoints: 'FETCH',
  probes: '0',
  'max-listeners': '0',
  'on-conflict': 'maybe',
  'clear-bytecode': 'perhaps',
  'expect-log': '(',
  'forbid-log': '[',
  'stop-timeout': 'forever',
  'settle-time': 'later',
  'keep-running': 'perhaps',
  attach: 'perhaps',
  config: 'no-such-config.yml',
};

/** Inputs any value is valid for, shown to reach the program by the run below. */
const SHOWN_BY_EFFECT = ['start', 'working-directory', 'shell', 'report-dir'];

let job: Job;

beforeEach(async () => {
  job = await Job.create();
});

afterEach(async () => {
  await cleanupProcesses();
  await job.dispose();
});

test('every input is covered by one of the two tests below', () => {
  expect([...Object.keys(INVALID), ...SHOWN_BY_EFFECT].sort()).toEqual(
    [...ACTION_INPUT_NAMES].sort(),
  );
});

test('an invalid value in every input: exit 2 and one line naming each input (annotations capped at 10)', async () => {
  const run = await job.run('action.yml', { with: INVALID });
  expect(run.exitCode).toBe(2);
  const lines = run.stdout.split('\n');
  const errors = lines.filter((line) => line.startsWith('::error'));
  // GitHub shows 10 annotations a step: 9 problems, then one saying the rest follow in the log.
  expect(errors).toHaveLength(10);
  expect(errors[9]).toMatch(/::\d+ more problems, not annotated .*; they follow in the log$/);
  const named = lines.flatMap((line) => {
    const input =
      /^(?:::error title=single-listener-check%3A invalid input::|single-listener-check: invalid input: )([\w-]+): /.exec(
        line,
      )?.[1];
    return input === undefined ? [] : [input];
  });
  expect(named.sort()).toEqual(Object.keys(INVALID).sort());
});

test('start, working-directory, shell and report-dir each change what the run does', async () => {
  const port = await freePort();
  const reportDir = await mkdtemp(path.join(tmpdir(), 'slc-inputs-report-'));
  try {
    // `[[ ]]` only parses in bash: under the default /bin/sh (dash) the backend would not start.
    const run = await job.run('action.yml', {
      with: {
        start: '[[ -n "$BASH_VERSION" ]] && exec node server.mjs',
        'working-directory': 'example',
        shell: 'bash',
        port: String(port),
        env: `PORT=${port}`,
        'report-dir': reportDir,
        'ready-timeout': '20s',
      },
    });
    if (run.actionOutputs['backend-pid']) trackPid(Number(run.actionOutputs['backend-pid']));
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`listening on port ${port}`); // server.mjs, found in example/
    expect(run.actionOutputs['report-path']).toBe(path.join(reportDir, 'report.json'));
    expect(existsSync(path.join(reportDir, 'report.json'))).toBe(true);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
});
