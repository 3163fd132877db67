/** The "why" callout, on hand-built results: each failure's cause in words and the next step. */
import type { ItemResult, ProbeResult, RunResult } from '../../src/checklist/types.js';
import type { ListenerSocket } from '../../src/platform/types.js';
import { renderSummary } from '../../src/report/summary.js';
import { whyCallout } from '../../src/report/why.js';
import { item, passingRun, proc } from '../fixtures/report/results.js';
import { allNodes, parseMarkdown } from './markdown-ast.js';

const RUN_START = '2025-06-01T12:00:00.000Z';

function socket(pid: number, socketId: string, startedAt: string): ListenerSocket {
  return {
    address: '127.0.0.1',
    port: 5000,
    family: 'IPv4',
    socketId,
    processes: [proc(pid, 'flask run', { startedAt })],
  };
}

/** pid 4402 started with the run and answered 200; pid 4403 is two hours old and answered 404. */
function twoServers(attributed: boolean): RunResult {
  const fresh = socket(4402, '901', '2025-06-01T12:00:00.500Z');
  const old = socket(4403, '902', '2025-06-01T10:00:00.000Z');
  const probes: ProbeResult[] = [200, 200, 404, 200, 200, 404, 200, 200].map((status, i) => ({
    n: i + 1,
    ok: status === 200,
    status,
    durationMs: 3,
    failures: status === 200 ? [] : ['status: expected 2xx, got 404'],
    ...(attributed
      ? { answeredBy: { pid: status === 200 ? 4402 : 4403, command: 'flask run' } }
      : {}),
  }));
  const result = passingRun();
  const service = result.services[0]!;
  service.items = [
    item('single-listener', 'Exactly one listener', 'fail', '2 listener(s) on port 5000', {
      listeners: [old, fresh],
    }),
    item('listener-owner', 'Listener owned by the backend', 'pass', 'all 2 holder(s) belong'),
    item('endpoint:GET /api/route', 'GET /api/route', 'fail', 'flapping', { probes }),
  ];
  service.listeners = [old, fresh];
  return { ...result, result: 'fail', startedAt: RUN_START };
}

test('two servers: which answered what, how old each is, and that the start command started both', () => {
  expect(whyCallout(twoServers(true))).toBe(
    [
      '> Two servers answer on 127.0.0.1:5000: pid 4402 `flask run` (answered 200 ×6) and pid 4403 `flask run` (answered 404 ×2, started 2 h ago). Both were started by your start command. Make it start one server (a second command after `&`, a reloader, a process manager), then watch the port while it runs with',
      '>',
      '> ```sh',
      '> npx single-listener-check listeners --port 5000',
      '> ```',
    ].join('\n'),
  );
});

test('two servers without attribution: the answers are counted, never guessed onto a pid', () => {
  const why = whyCallout(twoServers(false))!;
  expect(why).toContain('pid 4402 `flask run` and pid 4403 `flask run` (started 2 h ago).');
  expect(why).toContain(
    'The probes got 200 ×6, 404 ×2; which server answered each was not attributed.',
  );
  expect(why).not.toContain('answered 200');
});

test('the callout comes right under the verdict heading, as one blockquote', async () => {
  const md = renderSummary(twoServers(true));
  const ast = await parseMarkdown(md);
  expect(ast.children!.slice(0, 3).map((n) => n.type)).toEqual([
    'heading',
    'blockquote',
    'paragraph',
  ]);
  expect(allNodes(ast.children![1]!).find((n) => n.type === 'code')).toMatchObject({
    lang: 'sh',
    value: 'npx single-listener-check listeners --port 5000',
  });
});

function failedAlone(one: ItemResult): RunResult {
  const result = passingRun();
  result.services[0]!.items = [one];
  return { ...result, result: 'fail', startedAt: RUN_START };
}

test('a stale server: who held the port and the command that frees it, in a fenced block', () => {
  const stale = socket(3604, '70001', '2025-06-01T10:00:00.000Z');
  const why = whyCallout(
    failedAlone(
      item('port-free', 'Port free before start', 'fail', 'port 5000 is already held: pid 3604', {
        listeners: [{ ...stale, processes: [proc(3604, 'python main.py')] }],
        nextStep: 'npx single-listener-check free --port 5000 --kill',
      }),
    ),
  );
  expect(why).toBe(
    [
      '> pid 3604 `python main.py` (started 2 h ago) held port 5000 before the run: stop it with',
      '>',
      '> ```sh',
      '> npx single-listener-check free --port 5000 --kill',
      '> ```',
    ].join('\n'),
  );
});

test("a system service on the port (port-free offers no nextStep): the item's own diagnosis instead", () => {
  const airplay = { ...socket(611, '7', '2025-06-01T08:00:00.000Z'), address: '0.0.0.0' };
  airplay.processes = [
    proc(611, '/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter'),
  ];
  const why = whyCallout(
    failedAlone(
      item('port-free', 'Port free before start', 'fail', 'port 5000 is already held: pid 611', {
        listeners: [airplay],
        diagnosis: 'AirPlay Receiver holds port 5000: turn it off in System Settings.',
      }),
    ),
  )!;
  expect(why).not.toContain('--kill');
  expect(why).toContain('AirPlay Receiver holds port 5000');
});

test('a crash: the exception line itself, fenced, never escaped into prose', () => {
  const line = "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'";
  const why = whyCallout(
    failedAlone(
      item('ready', 'Backend ready', 'fail', 'backend exited before it was ready (exit code 1)', {
        crashLine: line,
      }),
    ),
  );
  expect(why).toBe(
    [
      '> Backend exited before it was ready (exit code 1); its log ends with:',
      '>',
      '> ```text',
      `> ${line}`,
      '> ```',
      '>',
      '> The whole log is folded below; the command under **Reproduce locally** runs it again on your machine.',
    ].join('\n'),
  );
});

test('a long command is cut in the middle, keeping the arguments that tell servers apart', () => {
  const result = twoServers(true);
  const long = `/usr/bin/python3 -u /home/runner/work/app/app/${'deep/'.repeat(20)}server.py 5000 404`;
  result.services[0]!.items[0]!.listeners![0]!.processes[0]!.command = long;
  const why = whyCallout(result)!;
  expect(why).toMatch(/pid 4403 `\/usr\/bin\/python3 -u \/home\/r[^`]*…[^`]*server\.py 5000 404`/);
});

test('a hostile command stays inside its code span', async () => {
  const result = twoServers(true);
  result.services[0]!.items[0]!.listeners![0]!.processes[0]!.command =
    'x ``` </details><script>alert(1)</script> [l](javascript:x) |';
  const ast = await parseMarkdown(whyCallout(result)!);
  const spans = allNodes(ast).filter((n) => n.type === 'inlineCode');
  expect(spans.map((n) => n.value)).toContain(
    'x ``` </details><script>alert(1)</script> [l](javascript:x) |',
  );
  expect(allNodes(ast).filter((n) => ['html', 'link'].includes(n.type))).toEqual([]);
});

test('an endpoint that fails alone gets a plain paragraph; a pass has no callout', () => {
  const why = whyCallout(
    failedAlone(item('endpoint:GET /x', 'GET /x', 'fail', '3/3 probes failed: 404')),
  );
  expect(why).toBe('> **GET /x:** 3/3 probes failed: 404.');
  expect(whyCallout(passingRun())).toBeNull();
});
