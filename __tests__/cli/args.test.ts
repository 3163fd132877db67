/** CLI usage: bad input is one line naming the flag (exit 2, no stack trace); --help and --version. */
import { commands, main } from '../../src/cli/main.js';
import { VERSION } from '../../src/version.js';
import { captureIO } from '../helpers/cli-io.js';

async function run(argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Exit 2 with exactly one stderr line, prefixed with the program name, and no stack frame. */
async function expectUsageError(argv: string[], line: string | RegExp): Promise<void> {
  const { code, out, err } = await run(argv);
  expect({ code, out }).toEqual({ code: 2, out: '' });
  expect(err.split('\n')).toHaveLength(2); // one line, then the final newline
  expect(err).toMatch(/^single-listener-check: /);
  const message = err.replace(/^single-listener-check: /, '').trimEnd();
  if (typeof line === 'string') expect(message).toBe(line);
  else expect(message).toMatch(line);
  expect(err).not.toMatch(/^\s+at /m);
}

test.each([
  [['listeners', '--port', 'abc'], '--port: expected an integer from 1 to 65535, got "abc"'],
  [['listeners', '--port', '0'], '--port: expected an integer from 1 to 65535, got "0"'],
  [['listeners', '--port', '70000'], '--port: expected an integer from 1 to 65535, got "70000"'],
  [['listeners', '--port', '5.5'], '--port: expected an integer from 1 to 65535, got "5.5"'],
  [['free', '--port=abc'], '--port: expected an integer from 1 to 65535, got "abc"'],
  [
    ['free', '--port', '-1'],
    '--port: missing value (write --port=VALUE for one that starts with "-")',
  ],
  [['listeners'], '--port: required (an integer from 1 to 65535)'],
  [['free', '--kill'], '--port: required (an integer from 1 to 65535)'],
  [['listeners', '--port'], '--port: missing value'],
  [['listeners', '--port', '80', '--bogus'], '--bogus: unknown flag (see --help)'],
  [['free', '--port', '80', '-x'], '-x: unknown flag (see --help)'],
  [
    ['listeners', '--port', '80', 'extra'],
    'extra: unexpected argument; every setting is a flag (see --help)',
  ],
  [['listeners', '--port', '80', '--json=yes'], '--json: takes no value'],
  [
    ['listeners', '--port', '80', '--expect', 'many'],
    '--expect: expected an integer of at least 0, got "many"',
  ],
  // The wording of durations belongs to src/config/duration.ts: only flag and value are pinned here.
  [['free', '--port', '80', '--timeout', 'soon'], /^--timeout: .*"soon"/],
  [['frobnicate'], 'unknown command "frobnicate" (commands: run, listeners, free, stop)'],
] as Array<[string[], string | RegExp]>)('%j → %s', async (argv, line) => {
  await expectUsageError(argv, line);
});

test.each(['listeners', 'free'])('%s --help lists every flag with its default', async (name) => {
  const { code, out, err } = await run([name, '--help']);
  expect({ code, err }).toEqual({ code: 0, err: '' });
  expect(out).toMatch(new RegExp(`^Usage: single-listener-check ${name} --port N`));
  const flagLines = out.split('\n').filter((line) => /^ {2}--/.test(line));
  const expected = {
    listeners: ['--port N', '--json', '--expect N', '--help', '--version'],
    free: ['--port N', '--kill', '--timeout D', '--help', '--version'],
  }[name]!;
  expect(flagLines.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual(expected);
  for (const line of flagLines.slice(0, 3)) expect(line).toMatch(/\((required|default: [^)]+)\)$/);
  if (name === 'free') expect(out).toContain('(default: 10s)');
  if (name === 'listeners') expect(out).toContain('(default: 1)');
});

test.each([
  [['--version']],
  [['-v']],
  [['-V']],
  [['listeners', '--version']],
  [['free', '--version']],
])('%j prints the version', async (argv) => {
  expect(await run(argv)).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
});

test('--help alone lists the commands', async () => {
  const { code, out } = await run(['--help']);
  expect(code).toBe(0);
  for (const command of ['listeners --port N', 'free --port N', 'stop', '[run]'])
    expect(out).toContain(command);
});

test('an internal error is one line on stderr, exit 3, no stack trace', async () => {
  commands.broken = async () => ({
    summary: 'fails',
    usage: 'single-listener-check broken',
    run: async () => {
      throw new Error('disk on fire\n    at somewhere (file.js:1:1)');
    },
  });
  try {
    expect(await run(['broken'])).toEqual({
      code: 3,
      out: '',
      err: 'single-listener-check: internal error: disk on fire at somewhere (file.js:1:1)\n',
    });
  } finally {
    delete commands.broken;
  }
});

test('no command word, or flags first: the whole argv goes to run (the default command)', async () => {
  const real = commands.run!;
  const seen: string[][] = [];
  const command = await real();
  commands.run = async () => ({
    ...command,
    run: async (argv: string[]) => (seen.push(argv), 0),
  });
  try {
    for (const argv of [['--port', '5000'], ['run', '--port', '1'], []]) await run(argv);
    expect(seen).toEqual([['--port', '5000'], ['--port', '1'], []]);
  } finally {
    commands.run = real;
  }
});
