/* eslint-disable no-control-regex -- these tests look for control characters */
import {
  createTerminalReporter,
  PROGRESS_INTERVAL_MS,
  terminalColor,
} from '../../src/report/terminal.js';
import { failingRun, item, passingRun } from '../fixtures/report/results.js';

function capture(isTTY: boolean, color: boolean) {
  let text = '';
  let clock = 0;
  const reporter = createTerminalReporter(
    { write: (s) => (text += s), isTTY },
    { color, now: () => clock },
  );
  return { reporter, output: () => text, advance: (ms: number) => (clock += ms) };
}

/** Replays a failing run the way the runner reports it, with a readiness wait. */
function replay(reporter: ReturnType<typeof capture>['reporter'], advance: (ms: number) => void) {
  const result = failingRun();
  for (const service of result.services) {
    reporter.serviceStarted(service.name, service.port);
    for (const item of service.items) {
      reporter.itemStarted(item.id, item.title);
      if (item.id === 'ready') {
        for (let t = 1; t <= 12; t++) {
          advance(1000);
          reporter.progress(`waiting for port 5000: ${t}.0 s / 60 s`);
          if (t === 3) reporter.logLine(service.name, '[INFO] Booting worker with pid: 4102');
        }
      }
      reporter.itemFinished(item);
    }
  }
  reporter.finished(result, { reportPath: '/tmp/r/report.json', junitPath: '/tmp/r/junit.xml' });
  return result;
}

describe('terminal reporter', () => {
  test('off a TTY: plain lines, no escape sequences, progress at most once per interval', () => {
    const { reporter, output, advance } = capture(false, false);
    replay(reporter, advance);
    const text = output();
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\r');
    const lines = text.split('\n');
    expect(lines[0]).toBe('api — port 5000');
    expect(lines).toContain(
      '  ⚠ Port free before start — stopped 1 holder of port 5000 (on-conflict: kill) (5 ms)',
    );
    expect(lines).toContain('  ↷ Health endpoint — no health path set (5 ms)');
    expect(lines).toContain(
      '  ✔ Backend ready — listening on 127.0.0.1:5000 after 812 ms (812 ms)',
    );

    // A failing item: its diagnosis, details and the measured listener table indented below it.
    const fail = lines.indexOf(
      '  ✖ Exactly one listener — 2 sockets listen on port 5000; at most 1 allowed (5 ms)',
    );
    // The diagnosis wraps at 100 columns off a TTY, hanging under its first word.
    expect(lines.slice(fail + 1, fail + 9)).toEqual([
      expect.stringMatching(/^ {6}Diagnosis: Several sockets are bound to the same address/),
      '                 (or SO_REUSEADDR on Windows), and the kernel spreads connections between them —',
      '                 this is the intermittent 404.',
      '      0.0.0.0:5000 IPv4 pid 4101',
      '      0.0.0.0:5000 IPv4 pid 5202',
      expect.stringMatching(/^ {6}ADDRESS +FAMILY +SOCKET +PIDS +PROCESS +STARTED +COMMAND$/),
      expect.stringMatching(
        /^ {6}127\.0\.0\.1:5000 +IPv4 +81234 +4101,4102,4103 +python3 .*gunicorn -w 2/,
      ),
      expect.stringMatching(
        /^ {6}0\.0\.0\.0:5000 +IPv4 +70001 +5202 +gunicorn .*--reuse-port old:app$/,
      ),
    ]);
    expect(lines[fail + 9]).toMatch(/^ {2}\S/); // the next item
    // Flapping: each probe's result.
    expect(lines).toContain('      probe 2: ✖ 404 (3 ms) — expected status 2xx, got 404');
    expect(lines).toContain('      probe 3: ✔ 200 (5 ms)');
    // 12 s of waiting printed twice (at 5 s and 10 s after the first progress call), not 12 times.
    expect(lines.filter((l) => l.startsWith('  … Backend ready — waiting for port 5000'))).toEqual([
      '  … Backend ready — waiting for port 5000: 6.0 s / 60 s',
      '  … Backend ready — waiting for port 5000: 11.0 s / 60 s',
    ]);
    expect(PROGRESS_INTERVAL_MS).toBe(5000);
    expect(lines).toContain('api │ [INFO] Booting worker with pid: 4102');
    expect(lines).toContain('web-前端 — port 3000');
    expect(lines[lines.indexOf('web-前端 — port 3000') - 1]).toBe('');

    // The verdict, the failed items by the titles shown above, and where the reports are.
    const end = lines.slice(
      lines.indexOf(
        '✖ single-listener-check failed — ports 5000, 3000: 3 failed, 5 passed, 1 warning, 6 skipped (2.41 s)',
      ),
    );
    expect(end).toEqual([
      expect.any(String),
      '  failed: api: Exactly one listener, GET /api/local-llm/status; web-前端: Port free before start',
      '  report: /tmp/r/report.json',
      '  junit:  /tmp/r/junit.xml',
      '  backend log (api): /tmp/report/api/backend.log',
      '',
    ]);
  });

  test('on a TTY with colour: coloured icons, the progress line rewritten in place with \\r', () => {
    const { reporter, output, advance } = capture(true, true);
    replay(reporter, advance);
    const text = output();
    expect(text).toContain('\x1b[32m✔\x1b[0m Backend started');
    expect(text).toContain('\x1b[31m✖\x1b[0m Exactly one listener');
    expect(text).toContain('\x1b[1mapi — port 5000\x1b[0m');
    // Every progress update rewrites the live line: \r + clear line, no newline of its own.
    for (let t = 1; t <= 12; t++) {
      expect(text).toContain(
        `\r\x1b[2K  \x1b[2m…\x1b[0m Backend ready — waiting for port 5000: ${t}.0 s / 60 s`,
      );
    }
    expect(text).not.toMatch(/waiting for port 5000: [\d.]+ s \/ 60 s\n/);
    // A log line arriving meanwhile clears the live line, prints, and redraws it below.
    expect(text).toContain(
      '\r\x1b[2K\x1b[2mapi │\x1b[0m [INFO] Booting worker with pid: 4102\n  \x1b[2m…\x1b[0m Backend ready — waiting for port 5000: 3.0 s / 60 s',
    );
    // The item's final line replaces the live line.
    expect(text).toContain('60 s\r\x1b[2K  \x1b[32m✔\x1b[0m Backend ready');
  });

  test('on a TTY, a progress update with unchanged text does not redraw the line', () => {
    const { reporter, output } = capture(true, false);
    reporter.itemStarted('ready', 'Backend ready');
    for (let i = 0; i < 10; i++) reporter.progress('waiting for port 5000: 0.1 s / 60 s');
    reporter.progress('waiting for port 5000: 0.2 s / 60 s');
    const text = output();
    expect(text.split('0.1 s / 60 s').length - 1).toBe(1);
    expect(text.split('0.2 s / 60 s').length - 1).toBe(1);
  });

  test('on a TTY without colour (NO_COLOR): \\r rewrites but no colour codes', () => {
    const { reporter, output, advance } = capture(true, false);
    replay(reporter, advance);
    expect(output()).toContain('\r\x1b[2K  … Backend ready — waiting');
    expect(output()).not.toMatch(/\x1b\[\d+m/);
  });

  test('escape sequences in untrusted text never reach the terminal', () => {
    const { reporter, output } = capture(true, true);
    const item = passingRun().services[0]!.items[8]!;
    reporter.itemFinished({
      ...item,
      summary: 'body \x1b]0;pwned\x07 \x1b[2J cleared \x1b[31mred',
    });
    reporter.logLine('api', 'log \x1b[1;1Hhome \u0007bell');
    expect(output()).toContain('GET /api/items — body   cleared red');
    expect(output()).toContain('log home \uFFFDbell');
    expect(output()).not.toMatch(/\x1b\][^\n]*|\x1b\[(?:2J|1;1H|31m red)/);
  });

  test('a passing run ends with the verdict line and no failed list', () => {
    const { reporter, output } = capture(false, false);
    reporter.finished(passingRun());
    expect(output()).toBe(
      '\n✔ single-listener-check passed — port 5000: 9 passed, 1 skipped (2.41 s)\n  backend log (api): /tmp/report/api/backend.log\n',
    );
  });
});

describe('wrapping to the width, the closing line, the log tail once', () => {
  const crash = () =>
    item('ready', 'Backend ready', 'fail', 'backend exited before it was ready (exit code 1)', {
      details: [
        'last log lines:',
        'Traceback (most recent call last):',
        '  File "app.py", line 3, in <module>',
        "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
      ],
    });

  function crashRun(isTTY: boolean, groups: boolean, columns?: number) {
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY, columns },
      { color: false, groups },
    );
    reporter.serviceStarted('api', 5000);
    reporter.itemStarted('ready', 'Backend ready');
    for (const line of crash().details.slice(1)) reporter.logLine('api', line);
    reporter.itemFinished(crash());
    return text.split('\n');
  }

  test('a traceback printed as it came is not repeated under the failed item', () => {
    const lines = crashRun(false, false);
    expect(lines.filter((l) => l.includes('FileNotFoundError'))).toEqual([
      "api │ FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
    ]);
    expect(lines).toContain('      last log lines: printed above as they came (api │ …)');
  });

  test("a crash's crashLine (its exception line) comes first under the item", () => {
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY: false },
      { color: false },
    );
    const headline =
      "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'";
    reporter.itemFinished({ ...crash(), crashLine: headline });
    expect(text.split('\n').slice(1, 3)).toEqual([`      ${headline}`, '      last log lines:']);
  });

  test('in GitHub Actions the printed copy is in a collapsed group: the tail stays under the item', () => {
    const lines = crashRun(false, true);
    const fail = lines.indexOf(
      '  ✖ Backend ready — backend exited before it was ready (exit code 1) (5 ms)',
    );
    expect(fail).toBeGreaterThan(lines.indexOf('::endgroup::'));
    expect(lines.slice(fail + 1, fail + 5)).toEqual([
      '      last log lines:',
      '      Traceback (most recent call last):',
      '        File "app.py", line 3, in <module>',
      "      FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
    ]);
  });

  test("on a TTY, prose wraps to the terminal's width; tables and log lines are left whole", () => {
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY: true, columns: 60 },
      { color: true },
    );
    const result = failingRun();
    const single = result.services[0]!.items.find((i) => i.id === 'single-listener')!;
    reporter.itemFinished(single);
    const lines = text.replace(/\r\x1b\[2K/g, '').split('\n');
    const diagnosis = lines.findIndex((l) => l.includes('Diagnosis: '));
    const table = lines.findIndex((l) => l.includes('ADDRESS'));
    const prose = lines.slice(0, table);
    // Within 59 columns (one short of the edge), words whole, hanging under the first word.
    for (const line of prose) expect(line.replace(/\x1b\[[0-9;]*m/g, '').length).toBeLessThan(60);
    expect(prose[0]).toMatch(/^ {2}\x1b\[31m✖\x1b\[0m Exactly one listener — 2 sockets listen/);
    expect(prose[1]).toMatch(/^ {4}\S/);
    for (const line of prose.slice(diagnosis + 1).filter((l) => !/^ {6}0\.0\.0\.0/.test(l)))
      expect(line).toMatch(/^ {17}\S/);
    expect(prose.slice(diagnosis).join(' ').replace(/ +/g, ' ')).toContain(
      'they were bound with SO_REUSEPORT (or SO_REUSEADDR on Windows), and the kernel spreads',
    );
    // The table is not wrapped: its rows are wider than the terminal.
    expect(lines[table + 1]!.length).toBeGreaterThan(60);
  });

  test('the closing line names failed items by title, wrapped with a hanging indent', () => {
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY: false, columns: 50 },
      { color: false },
    );
    const result = passingRun();
    const [api] = result.services;
    result.result = 'fail';
    api!.items = api!.items.map((i) =>
      ['ready', 'logs', 'endpoint:GET /api/items'].includes(i.id) ? { ...i, status: 'fail' } : i,
    );
    reporter.finished(result);
    expect(text.split('\n').slice(2, 4)).toEqual([
      '  failed: Backend ready, Backend logs, GET',
      '          /api/items',
    ]);
  });
});

describe('attach mode', () => {
  test('is said when the service starts, before any item runs', () => {
    const { reporter, output } = capture(false, false);
    reporter.serviceStarted('api', 5000, true);
    reporter.serviceStarted('web', 3000);
    expect(output()).toBe(
      'api — port 5000\n  attach mode: nothing is started; checking the server already listening on port 5000\n\nweb — port 3000\n',
    );
  });
});

describe('heartbeat off a TTY', () => {
  test('one line per interval while progress comes every poll, with what it waits for', () => {
    let clock = 0;
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY: false },
      { color: false, now: () => clock, progressIntervalMs: 1000 },
    );
    reporter.itemStarted('ready', 'Backend ready');
    // A poll every 100 ms for 3.5 s: a heartbeat at 1 s, 2 s and 3 s after the first poll.
    for (let t = 0; t <= 3500; t += 100) {
      clock = t;
      reporter.progress(`waiting for port 5000: ${(t / 1000).toFixed(1)} s / 60 s`);
    }
    expect(text).toBe(
      [
        '  … Backend ready — waiting for port 5000: 1.0 s / 60 s',
        '  … Backend ready — waiting for port 5000: 2.0 s / 60 s',
        '  … Backend ready — waiting for port 5000: 3.0 s / 60 s',
        '',
      ].join('\n'),
    );
  });
});

describe('GitHub Actions log groups (off a TTY)', () => {
  function grouped(isTTY = false) {
    let clock = 0;
    let text = '';
    const reporter = createTerminalReporter(
      { write: (s) => (text += s), isTTY },
      { color: false, groups: true, now: () => clock },
    );
    return { reporter, output: () => text, advance: (ms: number) => (clock += ms) };
  }

  test('consecutive log lines of a service share a group, closed before every other line', () => {
    const { reporter, output, advance } = grouped();
    const items = passingRun().services[0]!.items;
    reporter.serviceStarted('api', 5000);
    reporter.itemStarted('ready', 'Backend ready');
    reporter.logLine('api', 'booting');
    reporter.logLine('api', 'listening');
    reporter.progress('waiting for port 5000: 0.0 s / 60 s');
    advance(5000);
    reporter.progress('waiting for port 5000: 5.0 s / 60 s');
    reporter.logLine('api', 'route registered');
    reporter.logLine('worker', 'worker line');
    reporter.itemFinished(items.find((i) => i.id === 'ready')!);
    reporter.print('the summary\n');
    reporter.finished(passingRun());
    reporter.logLine('api', 'a late line'); // after the verdict: no group nothing would close

    const lines = output().split('\n');
    expect(lines.slice(0, 13)).toEqual([
      'api — port 5000',
      '::group::backend log (api)',
      'api │ booting',
      'api │ listening',
      '::endgroup::',
      '  … Backend ready — waiting for port 5000: 5.0 s / 60 s',
      '::group::backend log (api)',
      'api │ route registered',
      '::endgroup::',
      '::group::backend log (worker)',
      'worker │ worker line',
      '::endgroup::',
      expect.stringMatching(/^ {2}✔ Backend ready — /),
    ]);
    expect(lines[13]).toBe('the summary');
    expect(lines[lines.length - 2]).toBe('api │ a late line');
    // Every group is closed, never nested, and no item or verdict line is inside one.
    let open = false;
    for (const line of lines) {
      if (line.startsWith('::group::')) expect(open).toBe(false);
      if (line === '::endgroup::') expect(open).toBe(true);
      if (/^ {2}[✔✖⚠↷…]|single-listener-check (passed|failed)/.test(line)) expect(open).toBe(false);
      open = line.startsWith('::group::') || (open && line !== '::endgroup::');
    }
  });

  test('not on a TTY, and never without `groups`', () => {
    const tty = grouped(true);
    tty.reporter.logLine('api', 'booting');
    expect(tty.output()).toBe('api │ booting\n');
    const { reporter, output } = capture(false, false);
    reporter.logLine('api', 'booting');
    expect(output()).toBe('api │ booting\n');
  });

  test('a log line that looks like a workflow command never starts a line', () => {
    const { reporter, output } = grouped();
    reporter.logLine('api', '::endgroup::\n::error::injected');
    expect(output()).toBe(
      '::group::backend log (api)\napi │ ::endgroup::\napi │ ::error::injected\n',
    );
  });
});

describe('terminalColor', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true], // no-color.org: set to a non-empty value
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '3' }, true],
    [false, { FORCE_COLOR: 'true' }, true],
    [false, { FORCE_COLOR: '' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, false], // NO_COLOR wins
  ] as Array<[boolean, Record<string, string>, boolean]>)(
    'isTTY %s, %j → %s',
    (isTTY, env, color) => {
      expect(terminalColor(isTTY, env)).toBe(color);
    },
  );
});
