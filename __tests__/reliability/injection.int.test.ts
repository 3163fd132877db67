/**
 * Script injection through the action (issue 7 item 5): inputs holding `$(…)`, backticks, quotes,
 * `;`, newlines and `${{ }}`, passed through action.yml's composite step as the runner passes them
 * (__tests__/action/harness.ts: `${{ inputs.x }}` resolved in the step's env only), execute nothing
 * — every payload would `touch` its own marker file, and none may appear. `start` is the exception
 * by design: it IS a shell command (README, "Inputs"), so it carries no payload here. action.yml
 * itself never puts `${{ }}` inside `run:` (__tests__/action/metadata.test.ts).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ACTION_INPUT_NAMES } from '../../src/config/text-settings.js';
import { Job } from '../action/harness.js';
import { cleanupProcesses, freePort } from '../helpers/procs.js';
import {
  backendCommand,
  itemOf,
  leftovers,
  newMark,
  readReport,
  removeScratch,
  scratchDir,
  trackMarked,
} from './helpers.js';

const mark = newMark();
let job: Job;
let dir: string;

beforeEach(async () => {
  dir = scratchDir();
  job = await Job.create(dir);
});
afterEach(async () => {
  trackMarked(mark);
  await cleanupProcesses();
  await job.dispose();
});
afterAll(removeScratch);

/** Each kind of payload, by how the test titles show it. */
const KINDS = {
  subst: '$(…)',
  backtick: '`…`',
  single: "';…;'",
  double: '";…;"',
  semicolon: ';',
  newline: 'newline',
  expression: '${{ }}',
} as const;
type Kind = keyof typeof KINDS;

/** A payload of `kind` that would create `marker` if a shell ever ran it (no spaces needed). */
function payload(kind: Kind, marker: string): string {
  const touch = `touch\${IFS}${marker}`;
  switch (kind) {
    case 'subst':
      return `$(${touch})`;
    case 'backtick':
      return `\`${touch}\``;
    case 'single':
      return `';${touch};'`;
    case 'double':
      return `";${touch};"`;
    case 'semicolon':
      return `x;${touch}`;
    case 'newline':
      return `x\n${touch}\n`;
    case 'expression':
      // Re-evaluated, this would splice the start command (a marker-creating one) into the step.
      return '${{ inputs.start }}';
  }
}

/** Every marker file a payload created anywhere under `folder` (none, if nothing was executed). */
const markersIn = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) =>
    path.basename(f).startsWith('pwned-'),
  );

test.each(Object.entries(KINDS).map(([kind, label]) => [label, kind as Kind]))(
  'every input except start holding a %s payload: exit 2, nothing executed, the values shown as written',
  async (_label, kind) => {
    const startMarker = path.join(dir, 'pwned-start');
    const inputs = Object.fromEntries(
      ACTION_INPUT_NAMES.filter((name) => name !== 'start').map((name) => [
        name,
        payload(kind, path.join(dir, `pwned-${kind}-${name}`)),
      ]),
    );
    const run = await job.run('action.yml', {
      with: { ...inputs, start: `touch ${startMarker}` },
    });
    expect(run.exitCode).toBe(2);
    expect(markersIn(dir)).toEqual([]); // not even the start command ran
    // The program saw the text itself, unexpanded: `${IFS}` is still there, `${{ }}` too.
    const portLine = run.stdout.split('\n').find((l) => /::port: /.test(l));
    expect(portLine).toContain(kind === 'expression' ? '${{ inputs.start }}' : 'touch${IFS}');
  },
);

test('payloads in values the program accepts reach the run verbatim and execute nothing', async () => {
  const port = await freePort();
  const marker = (name: string) => path.join(dir, `pwned-${name}`);
  // Folder names cannot hold the marker's path: a relative marker lands in the shell's cwd,
  // which is inside `dir` whichever shell it is (the step's, the program's or the backend's).
  const workDir = path.join(dir, 'work-$(touch${IFS}pwned-cwd)');
  mkdirSync(workDir);
  const reportDir = path.join(dir, 'reports-`touch${IFS}pwned-report`');
  const run = await job.run('action.yml', {
    with: {
      start: backendCommand(port),
      port: String(port),
      'working-directory': workDir,
      'report-dir': reportDir,
      env: [
        mark,
        `SUBST=$(touch ${marker('env-subst')})`,
        `TICKS=\`touch ${marker('env-ticks')}\``,
        `QUOTES='"; touch ${marker('env-quotes')}; "'`,
        `EXPR=\${{ inputs.start }}`,
      ].join('\n'),
      'health-path': `/health?q=$(touch\${IFS}${marker('health')})`,
      endpoints: `GET /x?q=\`touch\${IFS}${marker('endpoint')}\`\nGET /y;touch\${IFS}${marker('semi')}`,
      'forbid-log': `$(touch ${marker('forbid')})`,
    },
  });
  expect(markersIn(dir)).toEqual([]);
  expect(run.exitCode).toBe(0);
  // The report sits in the literally named folder; the endpoints kept their text.
  expect(existsSync(path.join(reportDir, 'report.json'))).toBe(true);
  const report = readReport(reportDir);
  expect(itemOf(report, `endpoint:GET /x?q=\`touch\${IFS}${marker('endpoint')}\``).status).toBe(
    'pass',
  );
  expect(itemOf(report, `endpoint:GET /y;touch\${IFS}${marker('semi')}`).status).toBe('pass');
  expect(leftovers(mark, report.services[0]!.backendPid)).toEqual([]);
}, 60_000);

test('control: in `start`, a shell command by design, the same payload does run', async () => {
  const run = await job.run('action.yml', {
    with: {
      start: payload('subst', path.join(dir, 'pwned-start')),
      port: String(await freePort()),
    },
  });
  expect(run.exitCode).toBe(1); // the "backend" exits at once: never ready
  expect(markersIn(dir)).toEqual(['pwned-start']);
});
