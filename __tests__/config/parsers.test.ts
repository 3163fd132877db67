/** The single-value parsers and the two text front ends (flags, action inputs). */
import * as core from '@actions/core';
import {
  ACTION_INPUT_NAMES,
  inputEnvName,
  readActionInputs,
} from '../../src/config/text-settings.js';
import { parseDuration } from '../../src/config/duration.js';
import { parseEndpointLine } from '../../src/config/endpoint-line.js';
import { main } from '../../src/cli/main.js';
import { parseRunFlags } from '../../src/cli/run-flags.js';
import { captureIO } from '../helpers/cli-io.js';
import { SETTING_ROWS } from '../../src/config/settings.js';
import { describeStatus, parseStatus, statusMatches } from '../../src/config/status.js';
import { readBoolean } from '../../src/config/values.js';
import { UsageError } from '../../src/errors.js';
import { docsSettingsTable, problemsOf } from './helpers.js';

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1500', 1500],
    ['1.5s', 1500],
    [' 10 s ', 10_000],
    ['2M', 120_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDuration(text, 'readyTimeout')).toBe(ms);
  });

  test.each(['', '   ', 'soon', '-1s', '0', '0ms', '1d', '1e3', 's', '5 minutes', '99999999999ms'])(
    '%j is refused naming the field and the text',
    (text) => {
      expect(problemsOf(() => parseDuration(text, '--ready-timeout'))).toEqual([
        expect.stringMatching(
          new RegExp(`^--ready-timeout: .+ \\(got ${escape(JSON.stringify(text))}\\)$`),
        ),
      ]);
    },
  );
});

describe('status specs', () => {
  test.each([
    ['200', [200]],
    ['2xx', ['2xx']],
    ['2XX', ['2xx']],
    ['200,204', [200, 204]],
    ['200, 3xx ,200', [200, '3xx']],
  ])('%j parses to %j', (text, spec) => {
    expect(parseStatus(text, 'status')).toEqual(spec);
  });

  test.each(['6xx', '0xx', '99', '600', '20', '2000', 'ok', '', '200,', ',', '2x'])(
    '%j is refused',
    (text) => {
      expect(problemsOf(() => parseStatus(text, 'expect.status'))[0]).toMatch(/^expect\.status: /);
    },
  );

  test('matching: codes exactly, classes by first digit, any entry', () => {
    expect(statusMatches([200], 200)).toBe(true);
    expect(statusMatches([200], 201)).toBe(false);
    expect(statusMatches(['2xx'], 299)).toBe(true);
    expect(statusMatches(['2xx'], 300)).toBe(false);
    expect(statusMatches([204, '3xx'], 302)).toBe(true);
    expect(statusMatches([204, '3xx'], 404)).toBe(false);
  });

  test('wording', () => {
    expect(describeStatus(['2xx'])).toBe('2xx');
    expect(describeStatus([200, 204])).toBe('200 or 204');
    expect(describeStatus([200, 204, '3xx'])).toBe('200, 204 or 3xx');
  });
});

describe('endpoint lines', () => {
  test.each([
    ['/api/health', 'GET', '/api/health', ['2xx'], false],
    ['GET /api/local-llm/status 200 json', 'GET', '/api/local-llm/status', [200], true],
    ['POST /api/items 201', 'POST', '/api/items', [201], false],
    ['delete /x?id=1 200,204', 'DELETE', '/x?id=1', [200, 204], false],
    ['  /x   json  ', 'GET', '/x', ['2xx'], true],
    ['PATCH /x JSON 4xx', 'PATCH', '/x', ['4xx'], true],
  ])('%j', (line, method, path, status, json) => {
    expect(parseEndpointLine(line, '--endpoint')).toEqual({
      name: `${method} ${path}`,
      method,
      path,
      headers: {},
      expect: { status, json },
    });
  });

  test.each([
    ['', /must not be empty/],
    ['GET', /has no PATH/],
    ['GET api', /PATH: must start with \//],
    ['api/health', /PATH: must start with \//],
    ['GET /a b', /unexpected word "b"/],
    ['GET /x 200 200', /unexpected word "200"/],
    ['GET /x json json', /unexpected word "json"/],
    ['G@T /x', /METHOD/],
    ['GET /x 7xx', /STATUS: a status class must be 1xx to 5xx/],
  ])('%j is refused: %s', (line, reason) => {
    const [problem] = problemsOf(() => parseEndpointLine(line, 'endpoints'));
    expect(problem).toMatch(/^endpoints: /);
    expect(problem).toMatch(reason);
    expect(problem).toContain(`(got ${JSON.stringify(line)})`);
  });
});

describe('CLI flags', () => {
  test('repeatable flags collect every value; a single flag given twice keeps the last', () => {
    const flags = parseRunFlags([
      '--env',
      'A=1',
      '--env',
      'B=2',
      '--port',
      '1',
      '--port',
      '2',
      '-h',
    ]);
    expect(flags.help).toBe(true);
    expect(flags.settings).toEqual({ env: ['A=1', 'B=2'], port: '2' });
  });

  test('switches become setting values', () => {
    expect(parseRunFlags(['--no-clear-bytecode', '--keep-running', '--attach']).settings).toEqual({
      clearBytecode: 'false',
      keepRunning: 'true',
      attach: 'true',
    });
  });

  test('--attach takes no value', () => {
    expect(problemsOf(() => parseRunFlags(['--attach=yes']))).toEqual(['--attach: takes no value']);
  });

  test('the help lists every flag with its default', async () => {
    const io = captureIO();
    expect(await main(['run', '--help'], io)).toBe(0);
    const RUN_FLAGS_HELP = io.out();
    const specFlags = docsSettingsTable().map((cells) => /`(--[a-z-]+)/.exec(cells[1] ?? '')?.[1]);
    expect(specFlags).toHaveLength(SETTING_ROWS.length);
    for (const flag of [...specFlags, '--help']) expect(RUN_FLAGS_HELP).toContain(`  ${flag}`);
    const rows = RUN_FLAGS_HELP.split('\n').filter(
      (line) => line.startsWith('  --') && !/^ {2}--(help|version)\b/.test(line),
    );
    expect(rows).toHaveLength(SETTING_ROWS.length);
    for (const row of rows) expect(row).toMatch(/\(default: .+\)$/);
    expect(RUN_FLAGS_HELP).toMatch(/--ready-timeout DURATION +.*\(default: 60s\)/);
    expect(RUN_FLAGS_HELP).toMatch(/--start CMD +.*\(default: none, required unless --attach\)/);
    expect(RUN_FLAGS_HELP).toMatch(
      /--attach +attach mode: start nothing, check a server started elsewhere; never with --start \(default: off\)/,
    );
  });

  test('docs/configuration.md names every setting, in order, by its input, flag and config key', () => {
    const rows = docsSettingsTable().map((cells) => [
      /^`([a-z-]+)`/.exec(cells[0] ?? '')?.[1],
      /^`(--[a-z-]+)/.exec(cells[1] ?? '')?.[1],
      /^`([A-Za-z]+)`/.exec(cells[2] ?? '')?.[1] ?? null, // `config` has no config key
    ]);
    expect(rows).toEqual(
      SETTING_ROWS.map((s) => [s.input, s.flag, s.key === 'config' ? null : s.key]),
    );
  });
});

describe('action inputs', () => {
  test('the inputs are exactly the action input column of docs/configuration.md', () => {
    const column = docsSettingsTable().map((cells) => /^`([a-z-]+)`/.exec(cells[0] ?? '')?.[1]);
    expect([...ACTION_INPUT_NAMES].sort()).toEqual(column.sort());
  });

  test('names and values are read exactly as @actions/core reads them', () => {
    const saved = { ...process.env };
    try {
      for (const name of ACTION_INPUT_NAMES)
        process.env[inputEnvName(name)] = `  value of ${name}  `;
      for (const name of ACTION_INPUT_NAMES) expect(core.getInput(name)).toBe(`value of ${name}`);
      process.env[inputEnvName('endpoints')] = '/a\n\n  GET /b 200  \n';
      const raw = readActionInputs(process.env);
      expect(raw.endpoints).toEqual(core.getMultilineInput('endpoints'));
      expect(raw.port).toBe(core.getInput('port'));
    } finally {
      process.env = saved;
    }
  });

  test('booleans accept exactly what getBooleanInput accepts', () => {
    const saved = process.env.INPUT_FLAG;
    try {
      for (const text of [
        'true',
        'True',
        'TRUE',
        'false',
        'False',
        'FALSE',
        'yes',
        '1',
        'on',
        'tRUE',
        'y',
      ]) {
        process.env.INPUT_FLAG = text;
        const theirs = outcome(() => core.getBooleanInput('flag'));
        const ours = outcome(() => readBoolean(text));
        expect([text, ours]).toEqual([text, theirs]);
      }
    } finally {
      process.env.INPUT_FLAG = saved;
    }
  });
});

function outcome(read: () => boolean): boolean | 'refused' {
  try {
    return read();
  } catch {
    return 'refused';
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('UsageError is what every parser throws', () => {
  expect(() => parseDuration('x', 'f')).toThrow(UsageError);
  expect(() => parseStatus('x', 'f')).toThrow(UsageError);
  expect(() => parseEndpointLine('x', 'f')).toThrow(UsageError);
  expect(() => parseRunFlags(['--nope'])).toThrow(UsageError);
});
