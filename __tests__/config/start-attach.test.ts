/**
 * Start or attach (README, "Attach mode"): a service boots its backend with `start`, or checks a
 * server started elsewhere with `attach`. Never neither — an empty start from an unset variable
 * must not turn into attach mode — and never both. Each rule through the three sources, with
 * the exact line the user reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inputEnvName } from '../../src/config/text-settings.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import type { ServiceConfig } from '../../src/config/types.js';
import {
  problemsOf,
  removeTempDirs,
  START_REQUIRED,
  startEmpty,
  startWithAttach,
  tempDir,
} from './helpers.js';

afterAll(removeTempDirs);

interface Source {
  flags?: string[];
  /** Action inputs by name, as the composite step passes them (INPUT_<NAME>, '' when unset). */
  inputs?: Record<string, string>;
  /** Content of .single-listener.yml in the working directory. */
  file?: string;
  env?: Record<string, string>;
}

function load(source: Source) {
  const dir = tempDir(source.file === undefined ? {} : { '.single-listener.yml': source.file });
  const inputs =
    source.inputs === undefined
      ? undefined
      : Object.fromEntries(Object.entries(source.inputs).map(([k, v]) => [inputEnvName(k), v]));
  return () =>
    loadConfig({
      ...(inputs === undefined ? {} : { inputs }),
      ...(source.flags === undefined && inputs !== undefined
        ? {}
        : { flags: parseRunFlags(source.flags ?? []) }),
      env: source.env ?? {},
      cwd: dir,
    });
}

const refused: Array<[string, Source, string[]]> = [
  // ── CLI flags
  ['flag: neither --start nor --attach', { flags: ['--port', '5000'] }, [START_REQUIRED.flag]],
  [
    'flag: --start "" (an unset variable)',
    { flags: ['--port', '5000', '--start', ''] },
    [startEmpty('--start', '')],
  ],
  [
    'flag: --start of whitespace only',
    { flags: ['--port', '5000', '--start=  \t '] },
    [startEmpty('--start', '  \t ')],
  ],
  [
    'flag: --start together with --attach',
    { flags: ['--port', '5000', '--start', 'python app.py', '--attach'] },
    [startWithAttach('--start', '--attach', 'python app.py')],
  ],
  [
    'flag: neither start nor port: both are named, one line each',
    { flags: ['--probes', '2'] },
    [START_REQUIRED.flag, '--port: is required: the port the backend listens on (1-65535)'],
  ],
  // ── Action inputs: an empty input is not given, so an empty start is a missing one
  ['input: no start, no attach', { inputs: { port: '5000' } }, [START_REQUIRED.input]],
  [
    'input: start "" (INPUT_START="", an unset expression)',
    { inputs: { start: '', attach: '', port: '5000' } },
    [START_REQUIRED.input],
  ],
  [
    'input: start of whitespace and line breaks',
    { inputs: { start: ' \n\t ', port: '5000' } },
    [START_REQUIRED.input],
  ],
  [
    'input: attach false and no start',
    { inputs: { attach: 'false', port: '5000' } },
    [START_REQUIRED.input],
  ],
  [
    'input: start together with attach',
    { inputs: { start: 'python app.py', attach: 'true', port: '5000' } },
    [startWithAttach('start', 'attach', 'python app.py')],
  ],
  [
    'input: attach yes (only the bad value is named: it says attach was meant)',
    { inputs: { attach: 'yes', port: '5000' } },
    ['attach: expected true or false (got "yes")'],
  ],
  // ── Config file
  [
    'file: no start, no attach (named as the front end would give it)',
    { file: 'port: 5000\n' },
    [START_REQUIRED.flag],
  ],
  [
    'file: no start, no attach, run by the action',
    { file: 'port: 5000\n', inputs: {} },
    [START_REQUIRED.input],
  ],
  ['file: start ""', { file: 'port: 5000\nstart: ""\n' }, [startEmpty('start', '')]],
  ['file: start of blanks', { file: "port: 5000\nstart: '   '\n" }, [startEmpty('start', '   ')]],
  [
    'file: start from a variable that is set but empty',
    { file: 'port: 5000\nstart: "${CMD}"\n', env: { CMD: '' } },
    [startEmpty('start', '')],
  ],
  [
    'file: start together with attach',
    { file: 'port: 5000\nstart: python app.py\nattach: true\n' },
    [startWithAttach('start', 'attach', 'python app.py')],
  ],
  [
    "file: the file's start with --attach (they exclude each other whatever their source)",
    { file: 'port: 5000\nstart: python app.py\n', flags: ['--attach'] },
    [startWithAttach('start', '--attach', 'python app.py')],
  ],
  [
    'file: attach yes (YAML 1.2 reads it as a string)',
    { file: 'port: 5000\nattach: yes\n' },
    ['attach: expected true or false (got "yes")'],
  ],
  [
    'file: a service with neither',
    {
      file: 'services:\n  - {name: api, port: 5000, start: python app.py}\n  - {name: web, port: 5001}\n',
    },
    [START_REQUIRED.service(1)],
  ],
  [
    'file: a service with both',
    {
      file: 'services:\n  - {name: api, port: 5000, attach: true}\n  - {name: web, port: 5001, start: node web.js, attach: true}\n',
    },
    [startWithAttach('services[1].start', 'services[1].attach', 'node web.js')],
  ],
  [
    'file: a shared attach and a service of its own start: the line says where attach came from',
    {
      file: 'attach: true\nservices:\n  - {name: api, port: 5000}\n  - {name: web, port: 5001, start: node web.js}\n',
    },
    [startWithAttach('services[1].start', 'attach (shared at the top level)', 'node web.js')],
  ],
  [
    'file: a service with an empty start',
    { file: 'services:\n  - {name: api, port: 5000, start: ""}\n' },
    [startEmpty('services[0].start', '')],
  ],
  [
    'file: --attach with several services cannot say which one it means',
    {
      file: 'services:\n  - {name: api, port: 5000, start: a}\n  - {name: web, port: 5001, start: b}\n',
      flags: ['--attach'],
    },
    [
      '--attach: cannot be given when the config file lists 2 services; set attach per service in the file',
    ],
  ],
];

test.each(refused)('%s', (_title, source, lines) => {
  expect(problemsOf(load(source))).toEqual(lines);
});

const only = (services: ServiceConfig[]) => {
  expect(services).toHaveLength(1);
  return services[0] as ServiceConfig;
};

test('--attach: nothing to start, attach mode', () => {
  const service = only(load({ flags: ['--port', '5000', '--attach'] })().services);
  expect([service.start, service.attach]).toEqual(['', true]);
});

test('the attach input, in any spelling @actions/core accepts', () => {
  for (const value of ['true', 'True', 'TRUE', ' true ']) {
    const service = only(load({ inputs: { attach: value, port: '5000' } })().services);
    expect([value, service.start, service.attach]).toEqual([value, '', true]);
  }
});

test('a start command: not attach mode, the command trimmed', () => {
  const service = only(load({ inputs: { start: '  node server.js ', port: '5000' } })().services);
  expect([service.start, service.attach]).toEqual(['node server.js', false]);
  const withFalse = only(
    load({ file: 'port: 5000\nstart: node server.js\nattach: false\n' })().services,
  );
  expect([withFalse.start, withFalse.attach]).toEqual(['node server.js', false]);
});

test('an empty action input leaves the file’s choice in place: its start, or its attach', () => {
  const started = only(
    load({ file: 'port: 5000\nstart: node app.js\n', inputs: { start: '', attach: '' } })()
      .services,
  );
  expect([started.start, started.attach]).toEqual(['node app.js', false]);
  const attached = only(
    load({ file: 'port: 5000\nattach: true\n', inputs: { start: '', attach: '' } })().services,
  );
  expect([attached.start, attached.attach]).toEqual(['', true]);
});

test('services: one attached, one started; a top-level attach is a default the services share', () => {
  const mixed = load({
    file: 'services:\n  - {name: db-proxy, port: 5000, attach: true}\n  - {name: api, port: 5001, start: python app.py}\n',
  })().services;
  expect(mixed.map((s) => [s.name, s.start, s.attach])).toEqual([
    ['db-proxy', '', true],
    ['api', 'python app.py', false],
  ]);
  const shared = load({
    file: 'attach: true\nservices:\n  - {name: a, port: 5000}\n  - {name: b, port: 5001}\n',
  })().services;
  expect(shared.map((s) => s.attach)).toEqual([true, true]);
});

test('docs/configuration.md quotes these lines as the program writes them', () => {
  const docs = readFileSync(path.resolve('docs', 'configuration.md'), 'utf8');
  for (const line of [
    START_REQUIRED.flag,
    START_REQUIRED.input,
    START_REQUIRED.service(1),
    startEmpty('--start', ''),
    startWithAttach('--start', '--attach', 'python app.py'),
  ])
    expect(docs).toContain(`\n  ${line}\n`);
});
