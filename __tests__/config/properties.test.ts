/**
 * Property-based tests (fast-check): for any input, every config parser returns a valid value
 * or refuses with a UsageError of one-line problems naming the field — never anything else.
 */
import fc from 'fast-check';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { parseDuration } from '../../src/config/duration.js';
import { parseEndpointLine } from '../../src/config/endpoint-line.js';
import { interpolate } from '../../src/config/interpolate.js';
import { loadConfig } from '../../src/config/load.js';
import { SETTING_ROWS } from '../../src/config/settings.js';
import { parseStatus, statusMatches } from '../../src/config/status.js';
import { UsageError } from '../../src/errors.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** Any text, including unicode, control characters and the parsers' own punctuation. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(...'GETPOSTjsonxX0123456789/ ,.-ms$${}\t\n'.split('')),
    maxLength: 30,
  }),
);

/** Runs `parse`; a UsageError must name `field` on every one-line problem. */
function refusedOrValid<T>(parse: () => T, field: string, valid: (value: T) => boolean): boolean {
  try {
    return valid(parse());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return (
      error.problems.length > 0 &&
      error.problems.every((p) => p.startsWith(`${field}: `) && !p.includes('\n'))
    );
  }
}

test('parseDuration: a positive whole number of milliseconds within setTimeout’s range, or a UsageError', () => {
  fc.assert(
    fc.property(anyText, (text) =>
      refusedOrValid(
        () => parseDuration(text, 'readyTimeout'),
        'readyTimeout',
        (ms) => Number.isInteger(ms) && ms >= 1 && ms <= 2 ** 31 - 1,
      ),
    ),
    { numRuns: 2000 },
  );
});

test('parseDuration: every unit means what it says', () => {
  const units = { ms: 1, s: 1000, m: 60_000 } as const;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30_000 }),
      fc.constantFrom('', 'ms', 's', 'm'),
      (n, unit) =>
        parseDuration(`${n}${unit}`, 'f') ===
        n * (unit === '' ? 1 : units[unit as keyof typeof units]),
    ),
  );
});

test('parseStatus: each entry a code 100-599 or a class 1xx-5xx, or a UsageError', () => {
  fc.assert(
    fc.property(anyText, (text) =>
      refusedOrValid(
        () => parseStatus(text, 'status'),
        'status',
        (spec) =>
          spec.length > 0 &&
          spec.every((e) =>
            typeof e === 'number'
              ? Number.isInteger(e) && e >= 100 && e <= 599
              : /^[1-5]xx$/.test(e),
          ),
      ),
    ),
    { numRuns: 2000 },
  );
});

test('parseStatus: a code matches itself and no other code; a class matches its hundred', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 100, max: 599 }),
      fc.integer({ min: 100, max: 599 }),
      (code, other) => {
        const exact = parseStatus(String(code), 'f');
        const family = parseStatus(`${Math.floor(code / 100)}xx`, 'f');
        return (
          statusMatches(exact, other) === (code === other) &&
          statusMatches(family, other) === (Math.floor(code / 100) === Math.floor(other / 100))
        );
      },
    ),
  );
});

test('parseEndpointLine: an upper-case method and a /path without spaces, or a UsageError', () => {
  fc.assert(
    fc.property(anyText, (line) =>
      refusedOrValid(
        () => parseEndpointLine(line, '--endpoint'),
        '--endpoint',
        (spec) =>
          /^[A-Z]/.test(spec.method) &&
          spec.method === spec.method.toUpperCase() &&
          spec.path.startsWith('/') &&
          !spec.path.startsWith('//') &&
          !/\s/.test(spec.path) &&
          spec.name === `${spec.method} ${spec.path}` &&
          spec.expect.status.length > 0,
      ),
    ),
    { numRuns: 2000 },
  );
});

test('parseEndpointLine: the parts of a well-formed line come back as written', () => {
  const method = fc.constantFrom('GET', 'POST', 'put', 'Delete', 'OPTIONS');
  const path = fc
    .stringMatching(/^\/[A-Za-z0-9_\-./?=&%]{0,30}$/)
    .filter((p) => !p.startsWith('//'));
  const status = fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined });
  fc.assert(
    fc.property(method, path, status, fc.boolean(), (m, p, s, json) => {
      const line = [m, p, s, json ? 'json' : undefined].filter((x) => x !== undefined).join(' ');
      const spec = parseEndpointLine(line, 'f');
      return (
        spec.method === m.toUpperCase() &&
        spec.path === p &&
        JSON.stringify(spec.expect.status) === JSON.stringify(s === undefined ? ['2xx'] : [s]) &&
        spec.expect.json === json
      );
    }),
  );
});

const varName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const envRecord = fc.dictionary(varName, fc.string({ maxLength: 10 }), { maxKeys: 5 });

test('interpolate: never throws; every problem names the field path', () => {
  fc.assert(
    fc.property(anyText, envRecord, (text, env) => {
      const result = interpolate({ services: [{ start: text }] }, env);
      return result.problems.every(
        (p) => p.field === 'services[0].start' && !p.reason.includes('\n'),
      );
    }),
    { numRuns: 2000 },
  );
});

test('interpolate: text with every ${ escaped as $${ comes back unchanged, with no secrets', () => {
  fc.assert(
    fc.property(anyText, envRecord, (text, env) => {
      // A replacer function: in a replacement string `$$` would itself mean `$`.
      const result = interpolate(
        text.replaceAll('${', () => '$${'),
        env,
      );
      return (
        result.value === text && result.problems.length === 0 && result.substitutions.length === 0
      );
    }),
    { numRuns: 2000 },
  );
});

test('interpolate: ${NAME} becomes the variable’s value, recorded as a substitution', () => {
  fc.assert(
    fc.property(
      varName,
      fc.string({ maxLength: 10 }),
      fc.string({ maxLength: 10 }),
      (name, value, around) => {
        const plain = around.replaceAll('$', '');
        const result = interpolate(`${plain}\${${name}}${plain}`, { [name]: value });
        return (
          result.value === `${plain}${value}${plain}` &&
          result.problems.length === 0 &&
          result.substitutions.length === (value === '' ? 0 : 1)
        );
      },
    ),
  );
});

test('config merging: any flag values and any config file give a Config or a UsageError', () => {
  const flagNames = SETTING_ROWS.filter((s) => s.arg !== undefined && s.key !== 'config').map(
    (s) => s.flag,
  );
  const plausible = fc.constantFrom(
    '5000',
    '3',
    '30s',
    'GET /x 200 json',
    'A=1',
    'kill',
    'tcp:5000',
    '/health',
    'http://127.0.0.1:5000',
    '.',
  );
  const flagPair = fc
    .tuple(fc.constantFrom(...flagNames), fc.oneof(anyText, plausible))
    .map(([flag, value]) => `${flag}=${value}`);
  const fileText = fc.oneof(
    anyText,
    fc.constantFrom(
      'port: 5000\n',
      'attach: true\nport: 5000\n',
      'start: app\nport: 5000\n',
      'services:\n  - {name: a, port: 1, attach: true}\n',
      'port: ${P}\nenv: {A: [1]}\n',
    ),
    fc
      .tuple(fc.constantFrom(...SETTING_ROWS.map((s) => s.key)), fc.oneof(anyText, plausible))
      .map(([key, value]) => `port: 5000\n${key}: ${JSON.stringify(value)}\n`),
  );
  const dir = tempDir();
  const seen = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(
      fc.array(flagPair, { maxLength: 4 }),
      fc.option(fileText, { nil: undefined }),
      (argv, file) => {
        const cwd = file === undefined ? dir : tempDir({ '.single-listener.yml': file });
        try {
          const config = loadConfig({ flags: parseRunFlags(argv), env: { P: '1' }, cwd });
          seen.accepted++;
          return (
            config.services.length > 0 &&
            config.services.every((s) => s.port >= 1 && s.port <= 65535)
          );
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          seen.refused++;
          return (
            error.problems.length > 0 &&
            error.problems.every((p) => /^\S.*: /.test(p) && !p.includes('\n'))
          );
        }
      },
    ),
    { numRuns: 500 },
  );
  // Both outcomes were exercised, not just refusals.
  expect(seen.accepted).toBeGreaterThan(0);
  expect(seen.refused).toBeGreaterThan(0);
});
