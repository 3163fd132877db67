/**
 * The settings table is the single source: what a user reads (docs/configuration.md, action.yml,
 * the README, `--help`) and what the program does (defaults, secrets, the reproduce command) are
 * all checked against its rows here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { reproduceCommand, reproduceFile } from '../../src/checklist/reproduce.js';
import { loadConfig } from '../../src/config/load.js';
import { configKeyOf, SERVICE_KEYS, SETTING_ROWS, settingOf } from '../../src/config/settings.js';
import { readAction, REPO_ROOT } from '../action/harness.js';
import { captureIO } from '../helpers/cli-io.js';
import { docsSettingsTable, removeTempDirs, renderedSettingsTable, tempDir } from './helpers.js';

afterAll(removeTempDirs);

test('docs/configuration.md shows every row of the table, cell by cell, in order', () => {
  expect(docsSettingsTable()).toEqual(renderedSettingsTable());
});

test('action.yml declares one input per row, in order, each passed to the step', () => {
  const action = readAction('action.yml');
  expect(Object.keys(action.inputs ?? {})).toEqual(SETTING_ROWS.map((s) => s.input));
});

test('the README input table lists one input per row, in order', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### Inputs\n'), readme.indexOf('\n### Outputs\n'));
  const names = [...section.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
  expect(names).toEqual(SETTING_ROWS.map((s) => s.input));
});

test('run --help shows every row: its flag, its help and its default', async () => {
  const io = captureIO();
  expect(await main(['run', '--help'], io)).toBe(0);
  for (const s of SETTING_ROWS) {
    const label = s.arg === undefined ? s.flag : `${s.flag} ${s.arg}`;
    const line = io
      .out()
      .split('\n')
      .find((l) => l.startsWith(`  ${label} `));
    expect([s.key, line?.endsWith(`${s.help} (default: ${s.helpDefault})`)]).toEqual([s.key, true]);
  }
});

test('a run with only a start command and a port gets every default from the table', () => {
  const dir = tempDir();
  const config = loadConfig({
    flags: parseRunFlags(['--start', 'x', '--port', '5']),
    env: {},
    cwd: dir,
  });
  const service = config.services[0] as unknown as Record<string, unknown>;
  const context = { cwd: dir, env: {} };
  const expected = Object.fromEntries(
    SERVICE_KEYS.map((key) => [configKeyOf(key), settingOf(key).default(context)]).filter(
      ([, value]) => value !== undefined,
    ),
  );
  expect(service).toEqual({ ...expected, name: 'backend', start: 'x', port: 5 });
  expect(config.reportDir).toBe(settingOf('reportDir').default(context));
});

test('typed settings are never secrets: a number from ${VAR} is not masked', () => {
  const dir = tempDir({
    '.single-listener.yml': 'start: "run ${TOKEN}"\nport: ${PORT}\nsettleTime: ${SETTLE}\n',
  });
  const config = loadConfig({ env: { TOKEN: 'abc123', PORT: '5000', SETTLE: '250' }, cwd: dir });
  expect(config.secrets).toEqual(['abc123']);
  expect(config.services[0]).toMatchObject({ port: 5000, settleTime: 250 });
});

describe('settle-time, a setting added as one row', () => {
  test('each source reads it; a later source wins', () => {
    const dir = tempDir({ '.single-listener.yml': 'start: x\nport: 5\nsettleTime: 2s\n' });
    const fromFile = loadConfig({ env: {}, cwd: dir });
    expect(fromFile.services[0]?.settleTime).toBe(2000);
    const fromInput = loadConfig({ inputs: { 'INPUT_SETTLE-TIME': '300ms' }, env: {}, cwd: dir });
    expect(fromInput.services[0]?.settleTime).toBe(300);
    const fromFlag = loadConfig({
      inputs: { 'INPUT_SETTLE-TIME': '300ms' },
      flags: parseRunFlags(['--settle-time', '40']),
      env: {},
      cwd: dir,
    });
    expect(fromFlag.services[0]?.settleTime).toBe(40);
  });

  test('a bad value names the field in each vocabulary, with the value', () => {
    const dir = tempDir();
    expect(() =>
      loadConfig({
        flags: parseRunFlags(['--start', 'x', '--port', '5', '--settle-time', 'soon']),
        env: {},
        cwd: dir,
      }),
    ).toThrow(/^--settle-time: expected a duration .* \(got "soon"\)$/);
  });

  test('several services take it from a flag, as they take --keep-running', () => {
    const dir = tempDir({
      '.single-listener.yml':
        'services:\n  - {name: a, start: x, port: 5}\n  - {name: b, start: y, port: 6}\n',
    });
    const config = loadConfig({ flags: parseRunFlags(['--settle-time', '1s']), env: {}, cwd: dir });
    expect(config.services.map((s) => s.settleTime)).toEqual([1000, 1000]);
  });

  test('the reproduce command and file carry it, and only when it is not the default', () => {
    const dir = tempDir();
    const context = { cwd: dir, env: {} };
    const set = loadConfig({
      flags: parseRunFlags(['--start', 'x', '--port', '5', '--settle-time', '1500']),
      env: {},
      cwd: dir,
    });
    expect(reproduceCommand(set, context)).toBe(
      'npx single-listener-check run --start x --port 5 --settle-time 1500ms',
    );
    expect(
      reproduceFile(
        { ...set, services: [...set.services, { ...set.services[0]!, name: 'b', port: 6 }] },
        dir,
        context,
      ),
    ).toContain('    settleTime: "1500ms"');
    const unset = loadConfig({
      flags: parseRunFlags(['--start', 'x', '--port', '5']),
      env: {},
      cwd: dir,
    });
    expect(reproduceCommand(unset, context)).toBe(
      'npx single-listener-check run --start x --port 5',
    );
  });
});
