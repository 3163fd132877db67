/**
 * The printed reproduce command reruns the same check (README, "Reproduce locally"): a real
 * config through the CLI, then report.json's `reproduce` run by `sh -c` with the bundled CLI in
 * place of `npx single-listener-check`, from the folder the run started in. Same verdict, same
 * checklist items with the same statuses; secrets stay `${VAR}`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPRODUCE_FILE, REPRODUCE_PROGRAM } from '../../src/checklist/reproduce.js';
import { shellLines } from '../../src/report/shell-lines.js';
import type { RunResult } from '../../src/checklist/types.js';
import { bundledCli } from '../helpers/bundled-cli.js';
import { freePort } from '../helpers/procs.js';
import {
  checkAndCleanUpAfterEach,
  INT_APPS,
  PY,
  readReport,
  rememberRun,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

/** The CLI bundled from the sources as they are now: slow the first time after a change. */
let cli: string;
beforeAll(() => {
  cli = bundledCli();
}, 180_000);

/** Runs `reproduce` as a user pasting it would, with the CLI bundled from these sources. */
function rerun(reproduce: string, reportDir: string, env: Record<string, string> = {}) {
  const at = reproduce.lastIndexOf(REPRODUCE_PROGRAM);
  const script = `${reproduce.slice(0, at)}${process.execPath} ${cli} run${reproduce.slice(at + REPRODUCE_PROGRAM.length)}`;
  const result = spawnSync('sh', ['-c', script], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, GITHUB_STEP_SUMMARY: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = readReport(reportDir);
  if (report) rememberRun(report);
  return { code: result.status, report, output: result.stdout + result.stderr };
}

const outcome = (report: RunResult | null) => ({
  result: report?.result,
  items: report?.services.map((s) => s.items.map((i) => `${s.name} ${i.id}: ${i.status}`)),
});

test('flags: a run from flags reruns from its one-line command to the same verdict and items', async () => {
  const port = await freePort();
  const first = await runCheck([
    `--start=${PY} tiny_backend.py`,
    `--cwd=${INT_APPS}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    '--env=LINES=2',
    '--health=/api/health',
    '--endpoint=GET /api/items 200 json',
    '--endpoint=/nowhere 404',
    '--probes=2',
    '--ready-timeout=20s',
    '--expect-log=log line 2 of 2',
    '--stop-timeout=5s',
  ]);
  expect(first.code).toBe(0);
  const reproduce = first.report!.reproduce;
  expect(reproduce).toMatch(
    /^npx single-listener-check run --start '.+' --cwd __tests__\/integration\/apps /,
  );
  // The summary shows it one option per line, continued with ` \`.
  expect(first.summary).toContain(shellLines(reproduce).join('\n'));

  const again = rerun(reproduce, first.reportDir);
  expect(again.code).toBe(0);
  expect(outcome(again.report)).toEqual(outcome(first.report));
  expect(again.report!.reproduce).toBe(reproduce);
});

test('file: a config with secrets and file-only settings reruns from the recreated file to the same (failing) verdict', async () => {
  const port = await freePort();
  const dir = await tempDir();
  const config = path.join(dir, 'ci.yml');
  writeFileSync(
    config,
    [
      `start: ${PY} tiny_backend.py`,
      `cwd: ${INT_APPS}`,
      `port: ${port}`,
      `env: {PORT: "${port}", ITEMS_STATUS: "500", API_TOKEN: "\${TOKEN}"}`,
      'health: {path: /api/health, status: 200, json: true}',
      'readyTimeout: 20s',
      'probes: 1',
      'endpoints:',
      '  - name: items',
      '    path: /api/items',
      '    headers: {Authorization: "Bearer ${TOKEN}", X-Static: literal-h3ader}',
      '    expect: {status: 200, json: true, jsonPath: {items.0: 1}}',
      '  - GET /nowhere 404',
      '',
    ].join('\n'),
  );
  const env = { TOKEN: 'tok-5ecret-42' };
  const first = await runCheck([`--config=${config}`], env);
  expect(first.code).toBe(1);
  const reproduce = first.report!.reproduce;
  expect(reproduce).not.toContain(env.TOKEN);
  expect(reproduce).toContain('Bearer ${TOKEN}');
  const written = readFileSync(path.join(first.reportDir, REPRODUCE_FILE), 'utf8');
  expect(written).not.toContain(env.TOKEN);
  expect(written).toContain('API_TOKEN: "${TOKEN}"');
  // A header value written as is is a secret too: never written, shown as *** (README).
  expect(written).toContain('X-Static: "***"');
  expect(reproduce).toContain('X-Static: "***"');
  expect(`${reproduce}${written}`).not.toContain('literal-h3ader');

  const again = rerun(reproduce, first.reportDir, env);
  expect(again.code).toBe(1);
  expect(outcome(again.report)).toEqual(outcome(first.report));
  expect(outcome(again.report).items![0]).toContain('backend endpoint:items: fail');
  expect(again.report!.reproduce).toBe(reproduce);
});
