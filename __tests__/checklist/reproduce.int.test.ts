/**
 * The reproduce command the summary ends with: the same run, from a terminal (README,
 * "Reproduce locally"). One line of flags when they can say it all, else the settings written
 * as a config file by the command itself; secrets as `${VAR}`, never their values.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  encodeString,
  MAX_INLINE_SETTINGS,
  REPRODUCE_FILE,
  reproduceCommand,
  reproduceFile,
} from '../../src/checklist/reproduce.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import { interpolate } from '../../src/config/interpolate.js';
import { removeTempDirs, tempDir } from '../config/helpers.js';

afterAll(removeTempDirs);

const context = (cwd: string) => ({ cwd, env: {} });
const configOf = (cwd: string, argv: string[], env: Record<string, string> = {}) =>
  loadConfig({ flags: parseRunFlags(argv), env, cwd });

test('attach mode reproduces with --attach, never as an empty --start', () => {
  const dir = tempDir();
  const config = configOf(dir, ['--port', '5000', '--attach', '--health', '/h']);
  expect(reproduceCommand(config, context(dir))).toBe(
    'npx single-listener-check run --attach --port 5000 --health /h',
  );
});

test('a start command reproduces with --start, quoted; every setting flags can say is a flag', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'app'));
  const argv = [
    '--start=python app.py',
    '--cwd=app',
    '--port=5000',
    "--env=GREETING=it's me",
    '--env=EMPTY=',
    '--shell=/bin/bash',
    '--ready-timeout=90s',
    '--wait-on=tcp:6379',
    '--health=/api/health',
    '--base-url=http://127.0.0.1:5000/prefix/',
    '--endpoint=post /api/items 201,3xx json',
    '--endpoint=/api/list',
    '--probes=5',
    '--max-listeners=2',
    '--on-conflict=kill',
    '--no-clear-bytecode',
    '--expect-log=-started',
    '--forbid-log=ERROR',
    '--stop-timeout=1500',
    '--keep-running',
    '--report-dir=out/reports',
  ];
  const command = reproduceCommand(configOf(dir, argv), context(dir));
  expect(command).toBe(
    [
      'npx single-listener-check run',
      "--start 'python app.py' --cwd app --port 5000",
      `--env 'GREETING=it'\\''s me' --env EMPTY= --shell /bin/bash --ready-timeout 90s`,
      '--wait-on tcp:6379 --health /api/health --base-url http://127.0.0.1:5000/prefix',
      "--endpoint 'POST /api/items 201,3xx json' --endpoint 'GET /api/list'",
      '--probes 5 --max-listeners 2 --on-conflict kill --no-clear-bytecode',
      '--expect-log=-started --forbid-log ERROR --stop-timeout 1500ms --keep-running',
      '--report-dir out/reports',
    ].join(' '),
  );
});

test('what flags cannot say is written as a config file the command recreates; secrets stay ${VAR}', () => {
  const dir = tempDir({
    'ci.yml': [
      'start: python app.py --db "${DB_URL}"',
      'port: 5000',
      'env: {API_KEY: "${API_KEY}", PRICE: "$${CURRENCY}5"}',
      'health: {path: /api/health, status: 204, json: false}',
      'endpoints:',
      '  - name: me',
      '    path: /api/me',
      '    headers: {Authorization: "Bearer ${TOKEN}"}',
      '    expect: {status: 200, jsonPath: {user.id: 7}, maxMs: 2s}',
      '  - method: POST',
      '    path: /api/items',
      '    body: {name: "${TOKEN}"}',
      '',
    ].join('\n'),
  });
  const env = { DB_URL: 'postgres://u:pw@db/x', API_KEY: 'k-123', TOKEN: 't0ken' };
  const config = configOf(dir, ['--config', 'ci.yml'], env);
  const command = reproduceCommand(config, context(dir));
  const file = `.single-listener-check/${REPRODUCE_FILE}`;

  expect(command.split('\n')[0]).toBe(
    `mkdir -p .single-listener-check && cat > ${file} <<'SINGLE_LISTENER_CHECK_SETTINGS'`,
  );
  expect(command.split('\n').slice(-2)).toEqual([
    'SINGLE_LISTENER_CHECK_SETTINGS',
    `npx single-listener-check run --config ${file}`,
  ]);
  for (const value of Object.values(env)) expect(command).not.toContain(value);
  expect(command).toContain('"python app.py --db \\"${DB_URL}\\""');
  expect(command).toContain(
    '# Secrets are read from the environment: set DB_URL, API_KEY, TOKEN first.',
  );

  // Run as a user would paste it (the program replaced by a printout of its arguments), then
  // read back: the same settings.
  const script = command.replace(/npx single-listener-check run(?=[^\n]*$)/, "printf '%s\\n'");
  const argv = execFileSync('sh', ['-c', script], { cwd: dir, encoding: 'utf8' })
    .trim()
    .split('\n');
  expect(argv).toEqual(['--config', file]);
  const again = configOf(dir, argv, env);
  expect(again.services).toEqual(config.services);
  expect(new Set(again.secrets)).toEqual(new Set(config.secrets));
  expect(readFileSync(path.join(dir, file), 'utf8')).toBe(
    reproduceFile(config, path.join(dir, '.single-listener-check'), context(dir)),
  );
});

test('several services: one config file, each service named; paths from the file’s folder', () => {
  const dir = tempDir({
    'two.yml': [
      'services:',
      '  - {name: api, start: python3 app.py, port: 5000}',
      '  - {name: web, attach: true, port: 3000}',
      '',
    ].join('\n'),
  });
  const config = configOf(dir, ['--config', 'two.yml', '--report-dir', 'reports']);
  const text = reproduceFile(config, path.join(dir, 'reports'), context(dir));
  expect(text).toBe(
    [
      '# The settings of a single-listener-check run (README, "Reproduce locally").',
      'services:',
      '  - name: "api"',
      '    start: "python3 app.py"',
      '    port: 5000',
      '  - name: "web"',
      '    attach: true',
      '    port: 3000',
      'reportDir: "."',
      '',
    ].join('\n'),
  );
});

test('a string is written so interpolation gives it back: $${ for a literal ${, ${NAME} for a secret', () => {
  const references = [
    { name: 'A', value: 'sec' },
    { name: 'B', value: 'secret' },
  ];
  const env = { A: 'sec', B: 'secret' };
  for (const text of ['${x} $${y} $', 'a secret and a sec', 'secsecret', '$secret', '${', 'x$']) {
    const encoded = encodeString(text, references);
    expect(interpolate(encoded, env).value).toBe(text);
    expect(interpolate(encoded, env).problems).toEqual([]);
  }
  expect(encodeString('Bearer secret', references)).toBe('Bearer ${B}');
});

test('settings too long for the summary: the command names the file written with the reports', () => {
  const dir = tempDir();
  const long = 'x'.repeat(MAX_INLINE_SETTINGS);
  const config = configOf(dir, ['--start', 'app', '--port', '5000', '--env', `BIG=${long}`]);
  expect(reproduceCommand(config, context(dir))).toBe(
    'npx single-listener-check run --start app --port 5000 --env BIG=' + long,
  );
  const file = configOf(dir, ['--start', 'app', '--port', '5000', '--env', `BIG=${long}\u0001`]);
  expect(reproduceCommand(file, context(dir))).toBe(
    `npx single-listener-check run --config .single-listener-check/${REPRODUCE_FILE}`,
  );
});
