/**
 * The reproduce command is exact (README, "Reproduce locally"): for any valid Config, the
 * command — run by a real shell, the program replaced by a printout of its arguments — and the
 * settings file written with the reports are read back by the real loaders into the same
 * Config. Secrets come back from the same `${VAR}` references given the same environment.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  REPRODUCE_FILE,
  REPRODUCE_PROGRAM,
  reproduceCommand,
  reproduceFile,
} from '../../src/checklist/reproduce.js';
import { defaultReportDir } from '../../src/config/settings.js';
import { parseWaitOnResource } from '../../src/config/wait-on.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { loadConfig } from '../../src/config/load.js';
import {
  DEFAULT_FORBID_LOG,
  type Config,
  type EndpointSpec,
  type Expectation,
  type SecretReference,
  type ServiceConfig,
} from '../../src/config/types.js';
import { removeTempDirs, tempDir } from '../config/helpers.js';

afterAll(removeTempDirs);

const project = tempDir();
const outside = tempDir();
mkdirSync(path.join(project, 'app'));
const context = { cwd: project, env: {} };

/** Text with the characters quoting and interpolation must survive. */
const CHARS = Array.from(`ab Z09$\${}'"\\\t-=/:.,é😀`);
const text = (minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...CHARS), minLength, maxLength: 12 });
/** Also line breaks and control characters, which only the file form can carry. */
const anyText = fc.oneof(
  text(),
  fc.string({
    unit: fc.constantFrom(...CHARS, '\n', '\r', '\u0001', '\u0085', '\u2028'),
    maxLength: 8,
  }),
);
const nonBlank = (arb: fc.Arbitrary<string>) => arb.filter((s) => s.trim() !== '');
const regex = nonBlank(
  fc.string({ unit: fc.constantFrom(...'ab.*+?()[]^$\\ -'), minLength: 1, maxLength: 6 }),
).filter((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
});
const word = fc.string({ unit: fc.constantFrom(...'abcxyz019'), minLength: 1, maxLength: 5 });
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/).filter((n) => n !== '__proto__');
const headerName = fc.constantFrom('Authorization', 'X-Api-Key', 'accept', "x!#$%&'*+.^_`|~");
const headerValue = text(); // no control characters: they would split the request
const requestPath = fc.array(word, { maxLength: 3 }).map((parts) => `/${parts.join('/')}`);
const status = fc.uniqueArray(
  fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constantFrom('1xx', '2xx', '3xx', '4xx', '5xx')),
  { minLength: 1, maxLength: 3, selector: String },
);
const ms = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const jsonLeaf = fc.oneof(text(), fc.integer(), fc.boolean(), fc.constant(null));
const jsonValue = fc.oneof(
  jsonLeaf,
  fc.array(jsonLeaf, { maxLength: 2 }),
  fc.dictionary(word, jsonLeaf, { maxKeys: 2 }),
);

const expectation: fc.Arbitrary<Expectation> = fc.record(
  {
    status,
    json: fc.boolean(),
    jsonPath: fc.dictionary(
      fc.array(word, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
      jsonValue,
      { minKeys: 1, maxKeys: 2 },
    ),
    bodyContains: fc.array(nonBlank(anyText), { maxLength: 2 }),
    bodyMatches: fc.array(regex, { maxLength: 2 }),
    headers: fc.dictionary(headerName, anyText, { minKeys: 1, maxKeys: 2 }),
    maxMs: ms,
  },
  { requiredKeys: ['status', 'json'] },
);

/** An endpoint in line form (what flags can say), or with any of the file's keys. */
const endpoint = (plain: boolean): fc.Arbitrary<EndpointSpec> =>
  fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PURGE'),
      path: requestPath,
      line: plain ? fc.constant(true) : fc.boolean(),
      name: nonBlank(text(1)),
      headers: fc.dictionary(headerName, headerValue, { maxKeys: 2 }),
      body: fc.option(anyText, { nil: undefined }),
      expect: expectation,
      lineExpect: fc.record({ status, json: fc.boolean() }),
    })
    .map((e) =>
      e.line
        ? {
            name: `${e.method} ${e.path}`,
            method: e.method,
            path: e.path,
            headers: {},
            expect: e.lineExpect,
          }
        : {
            name: e.name,
            method: e.method,
            path: e.path,
            headers: e.headers,
            ...(e.body === undefined ? {} : { body: e.body }),
            expect: e.expect,
          },
    );

/** `plain`: what flags can say (no control characters, line-form endpoints and health). */
const service = (
  name: fc.Arbitrary<string>,
  port: number,
  plain: boolean,
): fc.Arbitrary<ServiceConfig> =>
  fc
    .record({
      name,
      attach: fc.boolean(),
      start: nonBlank(plain ? text() : anyText).map((s) => s.trim()),
      cwd: fc.constantFrom(project, path.join(project, 'app'), outside),
      env: fc.dictionary(envName, plain ? text() : anyText, { maxKeys: 3 }),
      shell: fc.option(nonBlank(text(1)), { nil: undefined }),
      readyTimeoutMs: fc.oneof(fc.constant(60_000), ms),
      waitOn: fc.array(
        fc.oneof(
          fc.integer({ min: 1, max: 65535 }).map((p) => `tcp:${p}`),
          fc.constantFrom('tcp:127.0.0.1:6379', 'http://127.0.0.1:8080/ready', 'file:ready.txt'),
        ),
        { maxLength: 2 },
      ),
      health: fc.option(fc.record({ path: requestPath, status, json: fc.boolean() }), {
        nil: null,
      }),
      healthLine: plain ? fc.constant(true) : fc.boolean(),
      baseUrl: fc.constantFrom(null, 'http://127.0.0.1:5000', 'https://example.com/api'),
      endpoints: fc.uniqueArray(endpoint(plain), { maxLength: 3, selector: (e) => e.name }),
      probes: fc.integer({ min: 1, max: 100 }),
      maxListeners: fc.integer({ min: 1, max: 5 }),
      onConflict: fc.constantFrom('fail', 'kill', 'ignore' as const),
      clearBytecode: fc.boolean(),
      expectLog: fc.array(regex, { maxLength: 2 }),
      forbidLog: fc
        .oneof(
          fc.constant(DEFAULT_FORBID_LOG),
          fc.array(regex, { minLength: plain ? 1 : 0, maxLength: 2 }),
        )
        .map((list): string[] => [...list]),
      stopTimeoutMs: fc.oneof(fc.constant(10_000), ms),
      settleTime: fc.oneof(fc.constant(100), ms),
      keepRunning: fc.boolean(),
    })
    .map(({ healthLine, shell, health, waitOn, ...s }) => ({
      ...s,
      waitOn: waitOn.map((text) => parseWaitOnResource(text, s.cwd)),
      port,
      start: s.attach ? '' : s.start,
      ...(shell === undefined ? {} : { shell }),
      health: health && healthLine ? { path: health.path, status: [200], json: true } : health,
    }));

const serviceName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,8}$/);

/**
 * A whole Config, with 0-2 secrets from `${SECRET_n}` used in the first service; half of them
 * `plain`, one service that flags can say all of.
 */
const config: fc.Arbitrary<{ config: Config; env: Record<string, string> }> = fc
  .boolean()
  .chain((plain) =>
    fc.tuple(
      fc.constant(plain),
      fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), {
        minLength: 1,
        maxLength: plain ? 1 : 3,
      }),
    ),
  )
  .chain(([plain, ports]) =>
    fc.record({
      services: fc
        .tuple(
          ...ports.map((port) =>
            service(
              plain
                ? fc.constant('backend')
                : ports.length === 1
                  ? fc.constantFrom('backend', 'api')
                  : serviceName,
              port,
              plain,
            ),
          ),
        )
        .filter((list) => new Set(list.map((s) => s.name.toLowerCase())).size === list.length),
      secrets: fc.array(
        fc.string({ unit: fc.constantFrom(...'abc0189'), minLength: 3, maxLength: 8 }),
        {
          maxLength: plain ? 0 : 2,
        },
      ),
      inStart: fc.boolean(),
      reportDir: fc.constantFrom(
        defaultReportDir({}, project),
        path.join(project, 'reports'),
        path.join(outside, 'reports'),
      ),
      configPath: plain ? fc.constant(null) : fc.constantFrom(null, path.join(project, 'ci.yml')),
    }),
  )
  .map(({ services, secrets, inStart, reportDir, configPath }) => {
    const references: SecretReference[] = secrets.map((s, i) => ({
      name: `SECRET_${i}`,
      value: `sec${i}_${s}`,
    }));
    const [first] = services as [ServiceConfig];
    for (const { name, value } of references) {
      first.env = { ...first.env, [`USE_${name}`]: value };
      if (inStart && !first.attach) first.start = `${first.start} --token ${value}`;
    }
    const headerValues = services.flatMap((s) =>
      s.endpoints.flatMap((e) => Object.values(e.headers)),
    );
    const config: Config = {
      services,
      reportDir,
      secrets: [...new Set([...references.map((r) => r.value), ...headerValues])].filter(
        (v) => v !== '',
      ),
      configPath,
      ...(references.length > 0 ? { references } : {}),
    };
    return { config, env: Object.fromEntries(references.map((r) => [r.name, r.value])) };
  });

/** The command's arguments, as a real shell passes them to the program. */
function argumentsOf(command: string): string[] {
  const at = command.lastIndexOf(REPRODUCE_PROGRAM);
  const script = `${command.slice(0, at)}printf '%s\\0'${command.slice(at + REPRODUCE_PROGRAM.length)}`;
  const out = execFileSync('sh', ['-c', script], { cwd: project, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

/** What a command copied from the summary cannot carry (line breaks and tabs it can). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNCOPYABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** Every string in `value`, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
}

function expectSameConfig(again: Config, original: Config): void {
  expect(again.services).toEqual(original.services);
  expect(again.reportDir).toBe(original.reportDir);
  expect(new Set(again.secrets)).toEqual(new Set(original.secrets));
  const refs = (c: Config) => new Set((c.references ?? []).map((r) => `${r.name}=${r.value}`));
  expect(refs(again)).toEqual(refs(original));
}

test('random valid configs: command and settings file read back to the same Config', () => {
  fc.assert(
    fc.property(config, ({ config, env }) => {
      const command = reproduceCommand(config, context);
      for (const { value } of config.references ?? []) expect(command).not.toContain(value);
      const argv = argumentsOf(command);
      expectSameConfig(loadConfig({ flags: parseRunFlags(argv), env, cwd: project }), config);

      // The file written with the reports, read from where it lies.
      const file = path.join(config.reportDir, REPRODUCE_FILE);
      mkdirSync(config.reportDir, { recursive: true });
      const settings = reproduceFile(config, config.reportDir, context);
      for (const { value } of config.references ?? []) expect(settings).not.toContain(value);
      writeFileSync(file, settings);
      const fromFile = loadConfig({ flags: parseRunFlags(['--config', file]), env, cwd: project });
      expectSameConfig(fromFile, config);
    }),
    { numRuns: 100 },
  );
});

test('the flags form is used whenever flags can say it all', () => {
  fc.assert(
    fc.property(config, ({ config }) => {
      const command = reproduceCommand(config, context);
      const [s] = config.services as [ServiceConfig];
      const lineOnly =
        config.services.length === 1 &&
        config.configPath === null &&
        config.references === undefined &&
        s.name === 'backend' &&
        (s.health === null || (s.health.json && s.health.status.join() === '200')) &&
        s.forbidLog.length > 0 &&
        s.endpoints.every(
          (e) =>
            e.name === `${e.method} ${e.path}` &&
            Object.keys(e.expect).length === 2 &&
            Object.keys(e.headers).length === 0 &&
            e.body === undefined,
        ) &&
        !strings(s).some((value) => UNCOPYABLE.test(value));
      expect(command.startsWith(REPRODUCE_PROGRAM)).toBe(lineOnly);
    }),
    { numRuns: 100 },
  );
});
