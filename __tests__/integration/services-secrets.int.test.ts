/**
 * Config-file runs (issue 6): two services where the second one's port is held by a stale
 * process, and a secret passed in a request header through `${TOKEN}` that the backend echoes
 * into its log and its failing answer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, spawnTracked } from '../helpers/procs.js';
import { shownCommand } from '../helpers/shown-command.js';
import {
  APPS,
  PY,
  REPO,
  checkAndCleanUpAfterEach,
  checklistIds,
  item,
  itemStatuses,
  isRunning,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

async function configFile(content: object): Promise<string> {
  const file = path.join(await tempDir(), 'single-listener.yml');
  await writeFile(file, stringify(content));
  return file;
}

test('two services, the second port held by a stale process: service 1 green, service 2 fails port-free, nothing of ours survives', async () => {
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const stale = await spawnTracked(process.execPath, ['example/server.mjs'], {
    cwd: REPO,
    env: { ...process.env, PORT: String(webPort), STALE: '1' },
    readyText: 'listening on port',
  });
  const config = await configFile({
    services: [
      {
        name: 'api',
        start: `${PY} flask_app.py`,
        cwd: APPS,
        port: apiPort,
        env: { PORT: String(apiPort) },
        health: '/api/health',
        endpoints: ['GET /api/local-llm/status 200 json'],
        readyTimeout: '30s',
      },
      {
        name: 'web',
        start: 'node server.mjs',
        cwd: path.join(REPO, 'example'),
        port: webPort,
        env: { PORT: String(webPort) },
        health: '/api/health',
        endpoints: ['GET /api/items 200 json'],
      },
    ],
  });

  const { code, report, junit } = await runCheck([`--config=${config}`]);

  expect(code).toBe(1);
  expect(report!.services.map((s) => [s.name, s.port, s.result])).toEqual([
    ['api', apiPort, 'pass'],
    ['web', webPort, 'fail'],
  ]);
  const api = itemStatuses(report, 'api');
  expect(Object.keys(api)).toEqual(checklistIds(['GET /api/local-llm/status']));
  expect(Object.values(api).every((s) => s === 'pass')).toBe(true);
  const web = itemStatuses(report, 'web');
  expect(web['port-free']).toBe('fail');
  expect(
    Object.entries(web)
      .filter(([id]) => id !== 'port-free')
      .every(([, s]) => s === 'skip'),
  ).toBe(true);
  // Node's own path (where it is installed) may be long enough for the details to cut it.
  expect(item(report, 'port-free', 'web').summary).toMatch(
    new RegExp(
      `^port ${webPort} is already held: pid ${stale.pid} \\(${shownCommand(`${process.execPath} example/server.mjs`)}\\)$`,
    ),
  );
  expect(report!.services[1]!.backendPid).toBeNull();
  // Started in the listed order, torn down in reverse.
  expect(item(report, 'teardown', 'web').startedAtMs).toBeLessThanOrEqual(
    item(report, 'teardown', 'api').startedAtMs,
  );
  expect(item(report, 'ready', 'api').startedAtMs).toBeLessThan(
    item(report, 'port-free', 'web').startedAtMs,
  );
  // One testsuite per service.
  expect(junit.match(/<testsuite name="(api|web)"/g)).toEqual([
    '<testsuite name="api"',
    '<testsuite name="web"',
  ]);
  // The stale holder is not ours: it survives (the leftover check of afterEach proves ours did not).
  expect(await isRunning(stale.pid)).toBe(true);
  expect(await isRunning(report!.services[0]!.backendPid!)).toBe(false);
});

/** Every file under `dir`, recursively, as [relative path, content]. */
function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => [path.relative(dir, file), readFileSync(file, 'utf8')]);
}

test('a secret header from ${TOKEN} appears in no report file, no log line and no output', async () => {
  const token = `tok-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const config = await configFile({
    start: `${PY} echo_headers.py`,
    cwd: APPS,
    port,
    env: { PORT: String(port) },
    health: '/api/health',
    endpoints: [
      {
        name: 'secure',
        path: '/api/secure',
        headers: { Authorization: 'Bearer ${TOKEN}' },
        expect: { status: 200 },
      },
    ],
    readyTimeout: '30s',
  });

  const run = await runCheck([`--config=${config}`], { TOKEN: token });

  expect(run.code).toBe(1);
  const secure = item(run.report, 'endpoint:secure');
  expect(secure.status).toBe('fail');
  // The backend did receive and log it, and the failure text carries the echoed body: redacted
  // (the whole header value is a secret, and so is the token inside it).
  expect(secure.summary).toMatch(/got 403 \(body .*authorization.*\*\*\*/);
  const log = readFileSync(path.join(run.reportDir, 'backend.log'), 'utf8');
  expect(log).toContain('header Authorization: ***');

  const files = filesUnder(run.reportDir);
  expect(files.map(([name]) => name).sort()).toEqual([
    'backend.log',
    'junit.xml',
    'report.json',
    'reproduce.single-listener.yml',
  ]);
  const outputs: [string, string][] = [
    ...files,
    ['job summary', run.summary],
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ];
  for (const [name, text] of outputs) expect([name, text.includes(token)]).toEqual([name, false]);
  // The run's settings name the variable instead (README, "Reproduce locally").
  const settings = files.find(([name]) => name === 'reproduce.single-listener.yml')![1];
  expect(settings).toContain('Authorization: "Bearer ${TOKEN}"');
  const shown = outputs.filter(([n]) => n !== 'stderr' && n !== 'reproduce.single-listener.yml');
  for (const [name, text] of shown) expect([name, text.includes('***')]).toEqual([name, true]);
});
