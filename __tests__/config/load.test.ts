/** loadConfig's happy paths: each source alone, merged, defaults, services, interpolation and secrets. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inputEnvName } from '../../src/config/text-settings.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import { DEFAULT_FORBID_LOG, type ServiceConfig } from '../../src/config/types.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const CONFIG = '.single-listener.yml';
const inputs = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [inputEnvName(name), value]));
const only = (services: ServiceConfig[]): ServiceConfig => {
  expect(services).toHaveLength(1);
  return services[0] as ServiceConfig;
};

test('defaults: a start command and a port give every other documented default', () => {
  const dir = tempDir();
  const config = loadConfig({
    flags: parseRunFlags(['--start', 'python app.py', '--port', '5000']),
    env: {},
    cwd: dir,
  });
  expect(config).toEqual({
    services: [
      {
        name: 'backend',
        start: 'python app.py',
        attach: false,
        cwd: dir,
        port: 5000,
        env: {},
        readyTimeoutMs: 60_000,
        waitOn: [],
        health: null,
        baseUrl: null,
        endpoints: [],
        probes: 3,
        maxListeners: 1,
        onConflict: 'fail',
        clearBytecode: true,
        expectLog: [],
        forbidLog: DEFAULT_FORBID_LOG,
        stopTimeoutMs: 10_000,
        settleTime: 100,
        keepRunning: false,
      },
    ],
    reportDir: path.join(dir, '.single-listener-check'),
    secrets: [],
    configPath: null,
  });
  expect(only(config.services).shell).toBeUndefined();
});

test('defaults: the report directory goes under RUNNER_TEMP on a runner', () => {
  const dir = tempDir();
  const config = loadConfig({
    flags: parseRunFlags(['--port', '1', '--attach']),
    env: { RUNNER_TEMP: '/runner/tmp' },
    cwd: dir,
  });
  expect(config.reportDir).toBe('/runner/tmp/single-listener-check');
});

test('CLI flags alone: every flag reaches the config', () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'api'));
  const flags = parseRunFlags([
    '--start',
    'python app.py',
    '--cwd',
    'api',
    '--port=5000',
    '--env',
    'A=1',
    '--env',
    'B=x=y',
    '--shell',
    '/bin/bash',
    '--ready-timeout',
    '30s',
    '--wait-on',
    'tcp:5000',
    '--wait-on',
    'http://127.0.0.1:5000/ready',
    '--health',
    '/api/health',
    '--base-url',
    'http://127.0.0.1:5000/',
    '--endpoint',
    'GET /api/items 200 json',
    '--endpoint',
    'post /api/items 201,202',
    '--probes',
    '5',
    '--max-listeners',
    '2',
    '--on-conflict',
    'kill',
    '--no-clear-bytecode',
    '--expect-log',
    'Running on',
    '--forbid-log',
    'ERROR',
    '--stop-timeout',
    '2m',
    '--settle-time',
    '250ms',
    '--keep-running',
    '--report-dir',
    'out',
  ]);
  expect(flags.help).toBe(false);
  const config = loadConfig({ flags, env: {}, cwd: dir });
  expect(config.reportDir).toBe(path.join(dir, 'out'));
  expect(only(config.services)).toEqual({
    name: 'backend',
    start: 'python app.py',
    attach: false,
    cwd: path.join(dir, 'api'),
    port: 5000,
    env: { A: '1', B: 'x=y' },
    shell: '/bin/bash',
    readyTimeoutMs: 30_000,
    waitOn: [
      { kind: 'tcp', text: 'tcp:5000', host: null, port: 5000 },
      {
        kind: 'http',
        text: 'http://127.0.0.1:5000/ready',
        url: 'http://127.0.0.1:5000/ready',
      },
    ],
    health: { path: '/api/health', status: [200], json: true },
    baseUrl: 'http://127.0.0.1:5000',
    endpoints: [
      {
        name: 'GET /api/items',
        method: 'GET',
        path: '/api/items',
        headers: {},
        expect: { status: [200], json: true },
      },
      {
        name: 'POST /api/items',
        method: 'POST',
        path: '/api/items',
        headers: {},
        expect: { status: [201, 202], json: false },
      },
    ],
    probes: 5,
    maxListeners: 2,
    onConflict: 'kill',
    clearBytecode: false,
    expectLog: ['Running on'],
    forbidLog: ['ERROR'],
    stopTimeoutMs: 120_000,
    settleTime: 250,
    keepRunning: true,
  });
});

test('action inputs alone: multi-line inputs give one item per non-empty trimmed line', () => {
  const dir = tempDir();
  const config = loadConfig({
    inputs: inputs({
      start: '  node server.js  ',
      port: '3000',
      env: 'NODE_ENV=test\r\n\n   DEBUG=app:*  \n',
      'wait-on': 'tcp:3000\n\n',
      endpoints: '/api/health\n  GET /api/items 2xx json\n\nDELETE /api/items/1 204',
      'expect-log': 'listening on 3000',
      'forbid-log': 'Traceback\nFATAL',
      'clear-bytecode': 'False',
      'keep-running': 'TRUE',
      'ready-timeout': '1500',
      'report-dir': 'reports',
      'not-an-input': 'ignored',
    }),
    env: {},
    cwd: dir,
  });
  const service = only(config.services);
  expect(service.start).toBe('node server.js');
  expect(service.port).toBe(3000);
  expect(service.env).toEqual({ NODE_ENV: 'test', DEBUG: 'app:*' });
  expect(service.waitOn.map((r) => r.text)).toEqual(['tcp:3000']);
  expect(service.endpoints.map((e) => [e.name, e.expect.status, e.expect.json])).toEqual([
    ['GET /api/health', ['2xx'], false],
    ['GET /api/items', ['2xx'], true],
    ['DELETE /api/items/1', [204], false],
  ]);
  expect(service.expectLog).toEqual(['listening on 3000']);
  expect(service.forbidLog).toEqual(['Traceback', 'FATAL']);
  expect(service.clearBytecode).toBe(false);
  expect(service.keepRunning).toBe(true);
  expect(service.readyTimeoutMs).toBe(1500);
  expect(config.reportDir).toBe(path.join(dir, 'reports'));
});

test('action inputs: empty values mean "not given", so the file or the default applies', () => {
  const dir = tempDir({ [CONFIG]: 'start: node app.js\nport: 5000\nprobes: 7\n' });
  const config = loadConfig({
    inputs: inputs({
      start: '',
      attach: ' ',
      port: '',
      probes: '  ',
      'keep-running': '',
      endpoints: '\n\n',
    }),
    env: {},
    cwd: dir,
  });
  const service = only(config.services);
  expect([
    service.start,
    service.attach,
    service.port,
    service.probes,
    service.keepRunning,
    service.endpoints,
  ]).toEqual(['node app.js', false, 5000, 7, false, []]);
});

test('config file alone: the single-service form with every key', () => {
  const dir = tempDir({
    [CONFIG]: [
      'name: api',
      'start: gunicorn -w 2 app:app',
      'cwd: .',
      'port: 8000',
      'env: {PORT: 8000, DEBUG: false, NAME: api}',
      'shell: /bin/bash',
      'readyTimeout: 45000',
      'waitOn: tcp:8000',
      'health: {path: /healthz, status: 204, json: false}',
      'baseUrl: https://127.0.0.1:8000/prefix/',
      'probes: 1',
      'maxListeners: 3',
      'onConflict: ignore',
      'clearBytecode: false',
      'expectLog: Booting worker',
      'forbidLog: []',
      'stopTimeout: 1.5s',
      'keepRunning: true',
      'reportDir: ../reports',
      'endpoints:',
      '  - GET /api/health 200 json',
      '  - name: create item',
      '    method: post',
      '    path: /api/items',
      '    headers: {X-Request-Id: 7}',
      '    body: {name: widget, tags: [a, b]}',
      '    expect:',
      '      status: [201, 3xx]',
      '      json: true',
      '      jsonPath: {data.items.0.id: "*", data.name: widget}',
      '      bodyContains: widget',
      '      bodyMatches: ["\\"id\\":\\\\s*\\\\d+"]',
      '      headers: {content-type: json}',
      '      maxMs: 250ms',
      '  - path: /raw',
      '    method: PUT',
      '    headers: {Content-Type: text/plain}',
      '    body: {not: sent as json}',
      '',
    ].join('\n'),
  });
  const config = loadConfig({ flags: parseRunFlags([]), env: {}, cwd: dir });
  expect(config.configPath).toBe(path.join(dir, CONFIG));
  expect(config.reportDir).toBe(path.resolve(dir, '../reports'));
  const service = only(config.services);
  expect(service).toMatchObject({
    name: 'api',
    start: 'gunicorn -w 2 app:app',
    cwd: dir,
    port: 8000,
    env: { PORT: '8000', DEBUG: 'false', NAME: 'api' },
    shell: '/bin/bash',
    readyTimeoutMs: 45_000,
    waitOn: [{ kind: 'tcp', text: 'tcp:8000', host: null, port: 8000 }],
    health: { path: '/healthz', status: [204], json: false },
    baseUrl: 'https://127.0.0.1:8000/prefix',
    probes: 1,
    maxListeners: 3,
    onConflict: 'ignore',
    clearBytecode: false,
    expectLog: ['Booting worker'],
    forbidLog: [],
    stopTimeoutMs: 1500,
    keepRunning: true,
  });
  expect(service.endpoints).toEqual([
    {
      name: 'GET /api/health',
      method: 'GET',
      path: '/api/health',
      headers: {},
      expect: { status: [200], json: true },
    },
    {
      name: 'create item',
      method: 'POST',
      path: '/api/items',
      headers: { 'X-Request-Id': '7', 'content-type': 'application/json' },
      body: '{"name":"widget","tags":["a","b"]}',
      expect: {
        status: [201, '3xx'],
        json: true,
        jsonPath: { 'data.items.0.id': '*', 'data.name': 'widget' },
        bodyContains: ['widget'],
        bodyMatches: ['"id":\\s*\\d+'],
        headers: { 'content-type': 'json' },
        maxMs: 250,
      },
    },
    {
      name: 'PUT /raw',
      method: 'PUT',
      path: '/raw',
      headers: { 'Content-Type': 'text/plain' },
      body: '{"not":"sent as json"}',
      expect: { status: ['2xx'], json: false },
    },
  ]);
  // The regex compiles and means what the YAML said.
  expect(new RegExp(service.endpoints[1]?.expect.bodyMatches?.[0] ?? '').test('{"id": 42}')).toBe(
    true,
  );
  // Header values the user wrote are secrets; the JSON content type we added is not.
  expect(config.secrets.sort()).toEqual(['7', 'text/plain']);
});

test('merge: file, then inputs, then flags — later wins; env maps merge, lists are replaced', () => {
  const dir = tempDir({
    [CONFIG]:
      'port: 5000\nprobes: 4\nstart: python app.py\nenv: {A: file, B: file}\nendpoints: [/from-file]\nexpectLog: [file]\n',
  });
  const config = loadConfig({
    inputs: inputs({
      probes: '6',
      env: 'B=input\nC=input',
      endpoints: '/from-input',
      'on-conflict': 'kill',
    }),
    flags: parseRunFlags(['--probes', '8', '--env', 'C=flag', '--port', '5001']),
    env: {},
    cwd: dir,
  });
  const service = only(config.services);
  expect(service.port).toBe(5001);
  expect(service.probes).toBe(8);
  expect(service.start).toBe('python app.py');
  expect(service.onConflict).toBe('kill');
  expect(service.env).toEqual({ A: 'file', B: 'input', C: 'flag' });
  expect(service.endpoints.map((e) => e.path)).toEqual(['/from-input']);
  expect(service.expectLog).toEqual(['file']);
});

test('the default config file is found in the working directory; paths in it are relative to it', () => {
  const dir = tempDir();
  const backend = path.join(dir, 'backend');
  mkdirSync(path.join(backend, 'src'), { recursive: true });
  writeFileSync(path.join(backend, CONFIG), 'attach: true\nport: 5000\ncwd: src\nreportDir: out\n');
  const config = loadConfig({
    inputs: inputs({ 'working-directory': 'backend' }),
    env: {},
    cwd: dir,
  });
  expect(config.configPath).toBe(path.join(backend, CONFIG));
  // The input's working directory wins over the file's `cwd`.
  expect(only(config.services).cwd).toBe(backend);
  expect(config.reportDir).toBe(path.join(backend, 'out'));

  const fromFile = loadConfig({
    flags: parseRunFlags(['--config', 'backend/.single-listener.yml']),
    env: {},
    cwd: dir,
  });
  expect(only(fromFile.services).cwd).toBe(path.join(backend, 'src'));
});

test('an empty config file is an empty configuration', () => {
  const dir = tempDir({ [CONFIG]: '# nothing yet\n' });
  const config = loadConfig({
    flags: parseRunFlags(['--port', '5000', '--attach']),
    env: {},
    cwd: dir,
  });
  expect(config.configPath).toBe(path.join(dir, CONFIG));
  expect(only(config.services).port).toBe(5000);
});

test('services: top-level keys are defaults for every service; a service’s own keys win', () => {
  const dir = tempDir({
    [CONFIG]: [
      'readyTimeout: 20s',
      'env: {SHARED: "1", LEVEL: top}',
      'forbidLog: [panic]',
      'reportDir: reports',
      'services:',
      '  - name: api',
      '    start: python -m flask run --port 5000',
      '    port: 5000',
      '    health: /api/health',
      '    endpoints: [GET /api/local-llm/status 200 json]',
      '  - name: web',
      '    start: node web.js',
      '    port: 5173',
      '    readyTimeout: 90s',
      '    env: {LEVEL: web}',
      '',
    ].join('\n'),
  });
  const config = loadConfig({
    flags: parseRunFlags(['--keep-running', '--report-dir', 'elsewhere']),
    env: {},
    cwd: dir,
  });
  expect(config.reportDir).toBe(path.join(dir, 'elsewhere'));
  const [api, web] = config.services;
  expect(api).toMatchObject({
    name: 'api',
    port: 5000,
    readyTimeoutMs: 20_000,
    env: { SHARED: '1', LEVEL: 'top' },
    forbidLog: ['panic'],
    health: { path: '/api/health', status: [200], json: true },
    keepRunning: true,
  });
  expect(api?.endpoints.map((e) => e.name)).toEqual(['GET /api/local-llm/status']);
  expect(web).toMatchObject({
    name: 'web',
    port: 5173,
    readyTimeoutMs: 90_000,
    env: { SHARED: '1', LEVEL: 'web' },
    forbidLog: ['panic'],
    keepRunning: true,
    endpoints: [],
  });
});

test('services: a list of one service still takes flags', () => {
  const dir = tempDir({ [CONFIG]: 'services:\n  - {name: solo, port: 5000}\n' });
  const config = loadConfig({
    flags: parseRunFlags(['--probes', '9', '--attach']),
    env: {},
    cwd: dir,
  });
  expect(only(config.services)).toMatchObject({
    name: 'solo',
    port: 5000,
    probes: 9,
    attach: true,
  });
});

test('interpolation: ${VAR} from the environment; substituted text and header values are secrets', () => {
  const dir = tempDir({
    [CONFIG]: [
      'port: ${PORT}',
      'start: python app.py --db "${DB_URL}"',
      'env: {API_KEY: "${API_KEY}", EMPTY: "${EMPTY}"}',
      'keepRunning: ${KEEP}',
      'endpoints:',
      '  - path: /api/me',
      '    headers: {Authorization: "Bearer ${TOKEN}", X-Static: plain-value}',
      '',
    ].join('\n'),
  });
  const env = {
    PORT: '5000',
    DB_URL: 'postgres://u:pw@db/x',
    API_KEY: 'k-123',
    EMPTY: '',
    KEEP: 'true',
    TOKEN: 't0ken',
  };
  const config = loadConfig({ flags: parseRunFlags([]), env, cwd: dir });
  const service = only(config.services);
  expect(service.port).toBe(5000);
  expect(service.keepRunning).toBe(true);
  expect(service.start).toBe('python app.py --db "postgres://u:pw@db/x"');
  expect(service.env).toEqual({ API_KEY: 'k-123', EMPTY: '' });
  expect(service.endpoints[0]?.headers).toEqual({
    Authorization: 'Bearer t0ken',
    'X-Static': 'plain-value',
  });
  expect(config.secrets.sort()).toEqual(
    ['postgres://u:pw@db/x', 'k-123', 't0ken', 'Bearer t0ken', 'plain-value'].sort(),
  );
  // A value read as a number or boolean carries no credential; masking it would blank the
  // port out of every report. Empty values have nothing to hide.
  expect(config.secrets).not.toContain('5000');
  expect(config.secrets).not.toContain('true');
  expect(config.secrets).not.toContain('');
  // Where each secret came from, for the reproduce command to write the reference instead.
  expect(config.references).toEqual([
    { name: 'DB_URL', value: 'postgres://u:pw@db/x' },
    { name: 'API_KEY', value: 'k-123' },
    { name: 'TOKEN', value: 't0ken' },
  ]);
});

test('interpolation: $${ writes a literal ${ and is not a variable', () => {
  const dir = tempDir({ [CONFIG]: 'port: 5000\nstart: echo "$${HOME} and $$HOME and ${WHO}"\n' });
  const config = loadConfig({ flags: parseRunFlags([]), env: { WHO: 'me' }, cwd: dir });
  expect(only(config.services).start).toBe('echo "${HOME} and $$HOME and me"');
  expect(config.secrets).toEqual(['me']);
});

test('flags and inputs never interpolate: ${VAR} in them is literal text', () => {
  const dir = tempDir();
  const config = loadConfig({
    flags: parseRunFlags(['--port', '5000', '--start', 'echo ${HOME}']),
    env: {},
    cwd: dir,
  });
  expect(only(config.services).start).toBe('echo ${HOME}');
});
