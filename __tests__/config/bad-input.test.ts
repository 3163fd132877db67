/**
 * The bad-input corpus (issue 7 item 1): every case is refused with a UsageError whose every
 * line names the field as the user wrote it (flag, input name, or key path) and, where there
 * is one, the offending value — one line each, no stack trace.
 */
import path from 'node:path';
import { inputEnvName } from '../../src/config/text-settings.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import { problemsOf, removeTempDirs, tempDir } from './helpers.js';

interface Case {
  /** CLI flags after `run`. */
  flags?: string[];
  /** Action inputs by name, as the composite step passes them (INPUT_<NAME>). */
  inputs?: Record<string, string>;
  /** Content of .single-listener.yml in the working directory. */
  file?: string | Buffer;
  env?: Record<string, string>;
  /** Every line starts with `<field>: `; `{file}` stands for the config file's path. */
  field: string;
  /** What every line says is wrong. */
  reason: RegExp;
  /** Text every line must show, normally `(got "<value>")`. */
  value?: string;
  lines?: number;
}

/** A start command, so a case shows only its own problem (without one, start is required). */
const START = ['--start', 'python app.py'];
const PORT = [...START, '--port', '5000'];
const long = (n: number, c = '9') => c.repeat(n);

const cases: Record<string, Case> = {
  // ── CLI flags ──────────────────────────────────────────────────────────────
  'flag: port not a number': {
    flags: [...START, '--port', 'abc'],
    field: '--port',
    reason: /whole number from 1 to 65535/,
    value: '(got "abc")',
  },
  'flag: port 0': {
    flags: [...START, '--port', '0'],
    field: '--port',
    reason: /from 1 to 65535/,
    value: '(got "0")',
  },
  'flag: port above 65535': {
    flags: [...START, '--port', '70000'],
    field: '--port',
    reason: /from 1 to 65535/,
    value: '(got "70000")',
  },
  'flag: port empty': {
    flags: [...START, '--port', ''],
    field: '--port',
    reason: /is empty/,
    value: '(got "")',
  },
  'flag: port whitespace': {
    flags: [...START, '--port', '   '],
    field: '--port',
    reason: /is empty/,
    value: '(got "   ")',
  },
  'flag: port with 10,000 digits (value cut short)': {
    flags: [...START, '--port', long(10_000)],
    field: '--port',
    reason: /whole number/,
    value: `(got "${long(59)}…)`,
  },
  'flag: probes 0': {
    flags: [...PORT, '--probes', '0'],
    field: '--probes',
    reason: /from 1 to 100/,
    value: '(got "0")',
  },
  'flag: probes 101': {
    flags: [...PORT, '--probes', '101'],
    field: '--probes',
    reason: /from 1 to 100/,
    value: '(got "101")',
  },
  'flag: max-listeners 0': {
    flags: [...PORT, '--max-listeners', '0'],
    field: '--max-listeners',
    reason: /at least 1/,
    value: '(got "0")',
  },
  'flag: ready-timeout in words': {
    flags: [...PORT, '--ready-timeout', '10 seconds'],
    field: '--ready-timeout',
    reason: /expected a duration/,
    value: '(got "10 seconds")',
  },
  'flag: ready-timeout negative': {
    flags: [...PORT, '--ready-timeout=-5s'],
    field: '--ready-timeout',
    reason: /expected a duration/,
    value: '(got "-5s")',
  },
  'flag: ready-timeout 5,000 characters': {
    flags: [...PORT, '--ready-timeout', long(5000, 'x')],
    field: '--ready-timeout',
    reason: /expected a duration/,
    value: `(got "${long(59, 'x')}…)`,
  },
  'flag: stop-timeout zero': {
    flags: [...PORT, '--stop-timeout', '0'],
    field: '--stop-timeout',
    reason: /at least 1ms/,
    value: '(got "0")',
  },
  'flag: on-conflict unknown policy': {
    flags: [...PORT, '--on-conflict', 'maybe'],
    field: '--on-conflict',
    reason: /one of fail, kill, ignore/,
    value: '(got "maybe")',
  },
  'flag: endpoint status class 6xx': {
    flags: [...PORT, '--endpoint', 'GET /x 6xx'],
    field: '--endpoint',
    reason: /STATUS: a status class must be 1xx to 5xx/,
    value: '(got "GET /x 6xx")',
  },
  'flag: endpoint status 99': {
    flags: [...PORT, '--endpoint', '/x 99'],
    field: '--endpoint',
    reason: /STATUS/,
    value: '(got "/x 99")',
  },
  'flag: endpoint path without slash': {
    flags: [...PORT, '--endpoint', 'GET api/x'],
    field: '--endpoint',
    reason: /PATH: must start with \//,
    value: '(got "GET api/x")',
  },
  'flag: endpoint path naming a host': {
    flags: [...PORT, '--endpoint', '//evil.example/x'],
    field: '--endpoint',
    reason: /single \//,
    value: '(got "//evil.example/x")',
  },
  'flag: endpoint bad method': {
    flags: [...PORT, '--endpoint', 'GE(T /x'],
    field: '--endpoint',
    reason: /METHOD/,
    value: '(got "GE(T /x")',
  },
  'flag: endpoint trailing word': {
    flags: [...PORT, '--endpoint', 'GET /x 200 json extra'],
    field: '--endpoint',
    reason: /unexpected word "extra"/,
    value: '(got "GET /x 200 json extra")',
  },
  'flag: endpoint listed twice': {
    flags: [...PORT, '--endpoint', 'GET /x', '--endpoint', 'GET /x 404'],
    field: '--endpoint',
    reason: /listed twice/,
    value: '(got "GET /x")',
  },
  'flag: expect-log unclosed group': {
    flags: [...PORT, '--expect-log', '(unclosed'],
    field: '--expect-log',
    reason: /invalid regular expression: Unterminated group/,
    value: '(got "(unclosed")',
  },
  'flag: forbid-log nothing to repeat': {
    flags: [...PORT, '--forbid-log', '*oops'],
    field: '--forbid-log',
    reason: /invalid regular expression/,
    value: '(got "*oops")',
  },
  'flag: env without =': {
    flags: [...PORT, '--env', 'NOEQUALS'],
    field: '--env',
    reason: /expected KEY=VALUE/,
    value: '(got "NOEQUALS")',
  },
  'flag: env name starting with a digit': {
    flags: [...PORT, '--env', '1BAD=x'],
    field: '--env',
    reason: /environment variable name/,
    value: '(got "1BAD=x")',
  },
  'flag: wait-on unsupported scheme': {
    flags: [...PORT, '--wait-on', 'ftp://host/x'],
    field: '--wait-on',
    reason: /unsupported scheme/,
    value: '(got "ftp://host/x")',
  },
  'flag: base-url without scheme': {
    flags: [...PORT, '--base-url', 'localhost:5000'],
    field: '--base-url',
    reason: /http:\/\/ or https:\/\//,
    value: '(got "localhost:5000")',
  },
  'flag: health path without slash': {
    flags: [...PORT, '--health', 'health'],
    field: '--health',
    reason: /must start with \//,
    value: '(got "health")',
  },
  'flag: shell empty': {
    flags: [...PORT, '--shell', ''],
    field: '--shell',
    reason: /must not be empty/,
    value: '(got "")',
  },
  'flag: cwd that does not exist': {
    flags: [...PORT, '--cwd', 'no/such/dir'],
    field: '--cwd',
    reason: /not an existing directory/,
    value: 'no/such/dir"',
  },
  'flag: config file that does not exist': {
    flags: [...PORT, '--config', 'missing.yml'],
    field: '--config',
    reason: /config file not found/,
    value: 'missing.yml"',
  },
  'flag: unknown flag': { flags: ['--bogus'], field: '--bogus', reason: /unknown flag/ },
  'flag: misspelt flag': {
    flags: ['--ready-timout', '5s'],
    field: '--ready-timout',
    reason: /did you mean --ready-timeout\?/,
  },
  'flag: value missing': { flags: ['--port'], field: '--port', reason: /missing value/ },
  'flag: switch given a value': {
    flags: [...PORT, '--keep-running=yes'],
    field: '--keep-running',
    reason: /takes no value/,
  },
  'flag: start empty (an unset variable)': {
    flags: ['--port', '5000', '--start', ''],
    field: '--start',
    reason: /is empty/,
    value: '(got "")',
  },
  'flag: neither start nor attach': {
    flags: ['--port', '5000'],
    field: '--start',
    reason: /is required unless --attach is given/,
  },
  'flag: start with attach': {
    flags: [...PORT, '--attach'],
    field: '--start',
    reason: /cannot be combined with --attach/,
    value: '(got "python app.py")',
  },
  'flag: stray positional argument': {
    flags: [...PORT, 'python app.py'],
    field: 'python app.py',
    reason: /unexpected argument/,
  },

  // ── Action inputs ──────────────────────────────────────────────────────────
  'input: port not a number': {
    inputs: { start: 'python app.py', port: 'http' },
    field: 'port',
    reason: /whole number/,
    value: '(got "http")',
  },
  'input: port missing entirely': {
    inputs: { start: 'python app.py' },
    field: 'port',
    reason: /is required/,
  },
  'input: start empty (an unset expression): the same as no start': {
    inputs: { start: '', port: '5000' },
    field: 'start',
    reason: /is required unless attach is true \(an empty input counts as not given\)/,
  },
  'input: start with attach': {
    inputs: { start: 'python app.py', attach: 'true', port: '5000' },
    field: 'start',
    reason: /cannot be combined with attach/,
    value: '(got "python app.py")',
  },
  'input: attach maybe': {
    inputs: { attach: 'maybe', port: '5000' },
    field: 'attach',
    reason: /expected true or false/,
    value: '(got "maybe")',
  },
  'input: keep-running yes': {
    inputs: { start: 'python app.py', port: '5000', 'keep-running': 'yes' },
    field: 'keep-running',
    reason: /expected true or false/,
    value: '(got "yes")',
  },
  'input: clear-bytecode 0': {
    inputs: { start: 'python app.py', port: '5000', 'clear-bytecode': '0' },
    field: 'clear-bytecode',
    reason: /expected true or false/,
    value: '(got "0")',
  },
  'input: ready-timeout soon': {
    inputs: { start: 'python app.py', port: '5000', 'ready-timeout': 'soon' },
    field: 'ready-timeout',
    reason: /expected a duration/,
    value: '(got "soon")',
  },
  'input: probes 3.5': {
    inputs: { start: 'python app.py', port: '5000', probes: '3.5' },
    field: 'probes',
    reason: /whole number/,
    value: '(got "3.5")',
  },
  'input: max-listeners -1': {
    inputs: { start: 'python app.py', port: '5000', 'max-listeners': '-1' },
    field: 'max-listeners',
    reason: /whole number/,
    value: '(got "-1")',
  },
  'input: on-conflict upper case': {
    inputs: { start: 'python app.py', port: '5000', 'on-conflict': 'KILL' },
    field: 'on-conflict',
    reason: /one of fail, kill, ignore/,
    value: '(got "KILL")',
  },
  'input: two bad endpoint lines among good ones': {
    inputs: {
      start: 'python app.py',
      port: '5000',
      endpoints: 'GET /ok\nPOST /items 999\n\n  /fine 200 json\nGET nope',
    },
    field: 'endpoints',
    reason: /STATUS|PATH/,
    lines: 2,
  },
  'input: env line without a name': {
    inputs: { start: 'python app.py', port: '5000', env: 'GOOD=1\n=novalue' },
    field: 'env',
    reason: /the name before = is missing/,
    value: '(got "=novalue")',
  },
  'input: forbid-log bad range': {
    inputs: { start: 'python app.py', port: '5000', 'forbid-log': '[z-a]' },
    field: 'forbid-log',
    reason: /invalid regular expression/,
    value: '(got "[z-a]")',
  },
  'input: base-url with a query': {
    inputs: { start: 'python app.py', port: '5000', 'base-url': 'http://127.0.0.1:5000/?q=1' },
    field: 'base-url',
    reason: /query or fragment/,
  },
  'input: working-directory missing': {
    inputs: { start: 'python app.py', port: '5000', 'working-directory': 'does/not/exist' },
    field: 'working-directory',
    reason: /not an existing directory/,
  },
  'input: config missing': {
    inputs: { start: 'python app.py', port: '5000', config: 'nope.yml' },
    field: 'config',
    reason: /config file not found/,
    value: 'nope.yml"',
  },

  // ── Config file ────────────────────────────────────────────────────────────
  'file: misspelt key': {
    file: 'port: 5000\nreadyTimout: 30s\n',
    field: 'readyTimout',
    reason: /unknown key; did you mean readyTimeout\?/,
    value: '(got "30s")',
  },
  'file: kebab-case key': {
    file: 'port: 5000\nready-timeout: 30s\n',
    field: 'ready-timeout',
    reason: /did you mean readyTimeout\?/,
  },
  'file: unknown key in health': {
    file: 'port: 5000\nhealth: {path: /h, stauts: 200}\n',
    field: 'health.stauts',
    reason: /did you mean status\?/,
    value: '(got 200)',
  },
  'file: response check outside expect': {
    file: 'port: 5000\nendpoints:\n  - path: /x\n    status: 201\n',
    field: 'endpoints[0].status',
    reason: /did you mean expect.status\?/,
  },
  'file: port is a list': {
    file: 'port: [5000]\n',
    field: 'port',
    reason: /whole number/,
    value: '(got [5000])',
  },
  'file: port has no value': {
    file: 'port:\n',
    field: 'port',
    reason: /whole number/,
    value: '(got null)',
  },
  'file: probes in words': {
    file: 'port: 5000\nprobes: many\n',
    field: 'probes',
    reason: /whole number from 1 to 100/,
    value: '(got "many")',
  },
  'file: keepRunning yes (YAML 1.2 reads it as a string)': {
    file: 'port: 5000\nkeepRunning: yes\n',
    field: 'keepRunning',
    reason: /true or false/,
    value: '(got "yes")',
  },
  'file: cwd blank': { file: 'port: 5000\ncwd: "  "\n', field: 'cwd', reason: /must not be empty/ },
  'file: env value is a mapping': {
    file: 'port: 5000\nenv:\n  A: {b: 1}\n',
    field: 'env.A',
    reason: /expected a string/,
    value: '(got {"b":1})',
  },
  'file: env is a list': {
    file: 'port: 5000\nenv: [A=1]\n',
    field: 'env',
    reason: /expected a mapping/,
  },
  'file: stopTimeout in words': {
    file: 'port: 5000\nstopTimeout: 10 minutes\n',
    field: 'stopTimeout',
    reason: /expected a duration/,
    value: '(got "10 minutes")',
  },
  'file: expectLog regex': {
    file: 'port: 5000\nexpectLog: ["ok", "(a"]\n',
    field: 'expectLog[1]',
    reason: /invalid regular expression/,
    value: '(got "(a")',
  },
  'file: bodyMatches regex': {
    file: 'port: 5000\nendpoints:\n  - path: /x\n    expect: {bodyMatches: "[z-a]"}\n',
    field: 'endpoints[0].expect.bodyMatches[0]',
    reason: /invalid regular expression/,
    value: '(got "[z-a]")',
  },
  'file: status class 6xx': {
    file: 'port: 5000\nendpoints:\n  - path: /x\n    expect: {status: 6xx}\n',
    field: 'endpoints[0].expect.status',
    reason: /1xx to 5xx/,
    value: '(got "6xx")',
  },
  'file: endpoint line without a path': {
    file: 'port: 5000\nendpoints: ["GET"]\n',
    field: 'endpoints[0]',
    reason: /has no PATH/,
    value: '(got "GET")',
  },
  'file: endpoint without path': {
    file: 'port: 5000\nendpoints:\n  - method: POST\n',
    field: 'endpoints[0].path',
    reason: /is required/,
  },
  'file: endpoint body is a number': {
    file: 'port: 5000\nendpoints:\n  - {path: /x, body: 42}\n',
    field: 'endpoints[0].body',
    reason: /string, or a mapping or list/,
    value: '(got 42)',
  },
  'file: header value with a line break (value hidden)': {
    file: 'port: 5000\nendpoints:\n  - path: /x\n    headers: {X-Token: "abc\\r\\nInjected: 1"}\n',
    field: 'endpoints[0].headers.X-Token',
    reason: /line breaks.*not shown: header values are secrets/,
  },
  'file: name 10,000 characters long': {
    file: `port: 5000\nname: ${long(10_000, 'n')}\n`,
    field: 'name',
    reason: /1-64 letters/,
    value: `(got "${long(59, 'n')}…)`,
  },
  'file: malformed YAML': {
    file: 'port: [5000\nname: x\n',
    field: '{file}:2:1',
    reason: /invalid YAML/,
  },
  'file: duplicate key': {
    file: 'port: 5000\nport: 5001\n',
    field: '{file}:2:1',
    reason: /invalid YAML: Map keys must be unique/,
  },
  'file: not UTF-8': {
    file: Buffer.from([...Buffer.from('port: 5000\nstart: "caf'), 0xe9, ...Buffer.from('"\n')]),
    field: '{file}:2',
    reason: /not valid UTF-8 text \(byte 0xe9\)/,
  },
  'file: a list at the top level': {
    file: '- port: 5000\n',
    field: '{file}',
    reason: /expected a mapping of settings/,
  },
  'file: alias loop': {
    file: 'port: 5000\nenv: &loop {A: *loop}\n',
    field: '{file}',
    reason: /alias refers to its own anchor/,
  },
  'file: nested too deeply': {
    file: `port: 5000\nwaitOn: ${'['.repeat(200)}${']'.repeat(200)}\n`,
    field: '{file}',
    reason: /nested too deeply/,
  },
  'file: undefined variable': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - name: web\n    port: 5001\n    endpoints:\n      - path: /x\n        headers: {Authorization: "Bearer ${TOKEN}"}\n',
    field: 'services[1].endpoints[0].headers.Authorization',
    reason: /^[^:]+: environment variable TOKEN is not set$/,
  },
  'file: malformed variable reference': {
    file: 'port: 5000\nstart: "run ${1X}"\n',
    field: 'start',
    reason: /invalid variable reference/,
  },
  'file: start empty': {
    file: 'port: 5000\nstart: "  "\n',
    field: 'start',
    reason: /is empty/,
    value: '(got "  ")',
  },
  'file: a service with neither start nor attach': {
    file: 'services:\n  - {name: api, port: 5000, attach: true}\n  - {name: web, port: 5001}\n',
    field: 'services[1].start',
    reason: /is required unless attach is true/,
  },
  'file: start with attach': {
    file: 'port: 5000\nstart: node web.js\nattach: true\n',
    field: 'start',
    reason: /cannot be combined with attach/,
    value: '(got "node web.js")',
  },
  'file: duplicate ports across services': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - {name: web, port: 5000}\n',
    field: 'services[1].port',
    reason: /already the port of services\[0\] \("api"\)/,
    value: '(got 5000)',
  },
  'file: port missing in a service': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - {name: web, start: node web.js}\n',
    field: 'services[1].port',
    reason: /is required/,
  },
  'file: service without a name': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - {port: 5001}\n',
    field: 'services[1].name',
    reason: /is required/,
  },
  'file: same service name twice': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - {name: API, port: 5001}\n',
    field: 'services[1].name',
    reason: /already the name of services\[0\]/,
  },
  'file: port shared at the top of services': {
    file: 'start: python app.py\nport: 5000\nservices:\n  - {name: api, port: 5001}\n  - {name: web, port: 5002}\n',
    field: 'port',
    reason: /cannot be shared/,
    value: '(got 5000)',
  },
  'file: empty services list': {
    file: 'start: python app.py\nservices: []\n',
    field: 'services',
    reason: /at least 1 item/,
    value: '(got [])',
  },
  'file: flags naming one service of several': {
    file: 'start: python app.py\nservices:\n  - {name: api, port: 5000}\n  - {name: web, port: 5001}\n',
    flags: ['--ready-timeout', '5s'],
    field: '--ready-timeout',
    reason: /cannot be given when the config file lists 2 services/,
  },
  'file: bad value holding a variable (the secret is redacted)': {
    file: 'port: 5000\nbaseUrl: "http://127.0.0.1:5000/?token=${TOKEN}"\n',
    env: { TOKEN: 's3cr3t' },
    field: 'baseUrl',
    reason: /query or fragment/,
    value: '(got "http://127.0.0.1:5000/?token=***")',
  },
};

afterAll(removeTempDirs);

test('the corpus has at least 40 cases across flags, inputs and files', () => {
  const titles = Object.keys(cases);
  expect(titles.length).toBeGreaterThanOrEqual(40);
  for (const source of ['flag:', 'input:', 'file:'])
    expect(titles.filter((t) => t.startsWith(source)).length).toBeGreaterThanOrEqual(10);
});

test.each(Object.entries(cases))('%s', (_title, c) => {
  const dir = tempDir(c.file === undefined ? {} : { '.single-listener.yml': c.file });
  const env = c.env ?? {};
  const problems = problemsOf(() => {
    if (c.inputs !== undefined) {
      const inputs = Object.fromEntries(
        Object.entries(c.inputs).map(([k, v]) => [inputEnvName(k), v]),
      );
      return loadConfig({ inputs, env, cwd: dir });
    }
    return loadConfig({ flags: parseRunFlags(c.flags ?? []), env, cwd: dir });
  });
  const field = c.field.replace('{file}', path.join(dir, '.single-listener.yml'));
  expect(problems).toHaveLength(c.lines ?? 1);
  for (const line of problems) {
    expect(line.startsWith(`${field}: `) ? field : line).toBe(field);
    expect(line).toMatch(c.reason);
    if (c.value !== undefined) expect(line).toContain(c.value);
    expect(line).not.toMatch(/\n|\bat .+:\d+:\d+\)?$/); // one line, no stack frame
    expect(line.length).toBeLessThan(300);
  }
});
