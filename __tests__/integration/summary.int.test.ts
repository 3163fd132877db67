/**
 * The job summary of five real runs (pass, stale server, two servers, a late listener, a crash):
 * the "why" callout first, nothing shown twice, each endpoint's strip, the gantt chart. Each
 * normalised summary is kept as a snapshot; the two-server one is also README's "What a failure
 * looks like" (UPDATE_README=1 rewrites that section from a fresh run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readGantt, type GanttTask } from '../report/gantt-syntax.js';
import { allNodes, parseMarkdown, textOf, type MdNode } from '../report/markdown-ast.js';
import { REPO, checkAndCleanUpAfterEach, item } from './run-helpers.js';
import {
  crashRun,
  lateListenerRun,
  loosen,
  normalise,
  passingRun,
  staleRun,
  twoServersRun,
  type Scenario,
} from './summary-scenarios.js';

checkAndCleanUpAfterEach();

const README = path.join(REPO, 'README.md');
const START = '<!-- summary-example:start -->';
const END = '<!-- summary-example:end -->';

interface Summary {
  md: string;
  blocks: MdNode[];
  tasks: GanttTask[];
}

async function summaryOf(scenario: Scenario): Promise<Summary> {
  const md = scenario.run.summary;
  const blocks = (await parseMarkdown(md)).children ?? [];
  const gantt = md.match(/^```mermaid\n[\s\S]*?\n```$/gm) ?? [];
  expect(gantt).toHaveLength(1);
  return { md, blocks, tasks: readGantt(gantt[0]!) };
}

/** Shown once: no two code blocks, tables, HTML blocks or quotes alike; one table per port. */
function expectNoRepetition({ md, blocks }: Summary) {
  const shown = blocks
    .filter((b) => ['code', 'table', 'html', 'blockquote'].includes(b.type))
    .map((b) => `${b.type}:${b.value ?? textOf(b)}`)
    .filter((b) => b !== 'html:</details>'); // each fold closes alike
  expect(shown.filter((b, i) => shown.indexOf(b) !== i)).toEqual([]);
  expect(md.match(/\*\*Listeners on port/g)).toHaveLength(1);
  expect(md.match(/<pre>/g)).toHaveLength(1); // the log tail, once, folded
  expect(md).not.toContain('No listener was read on this port');
}

/** The verdict heading, then the callout (a failed run) or the counts line (a pass). */
function calloutOf({ blocks }: Summary): MdNode | null {
  expect(blocks[0]!.type).toBe('heading');
  return blocks[1]!.type === 'blockquote' ? blocks[1]! : null;
}

function fencedIn(node: MdNode): { lang?: string; value: string }[] {
  return allNodes(node)
    .filter((n) => n.type === 'code')
    .map((n) => ({ lang: (n as { lang?: string }).lang, value: n.value! }));
}

function stripOf(md: string, endpoint: string): string {
  return new RegExp(`^\\*\\*${endpoint}\\*\\* ([✅❌]+)`, 'm').exec(md)?.[1] ?? '';
}

const listenerBars = (tasks: GanttTask[]) => tasks.filter((t) => t.section === 'Listeners');
const milestone = (tasks: GanttTask[], name: string) =>
  tasks.find((t) => t.section === 'Run' && t.name === name)!;

test('pass: no callout, the strip, one listener bar from before ready to teardown', async () => {
  const scenario = await passingRun();
  expect(scenario.run.code).toBe(0);
  const summary = await summaryOf(scenario);
  expect(calloutOf(summary)).toBeNull();
  expect(stripOf(summary.md, 'GET /api/route')).toBe('✅✅✅✅');
  // One line per process that answered: the server, or "not attributed" (a busy host can leave a
  // probe unaccepted past the lookup's wait), never another pid; together the four probes.
  const serverPid = scenario.run.report!.services[0]!.serverPid;
  const answerLines = [...summary.md.matchAll(/^- (pid (\d+) .*|not attributed.*): 200 ×(\d)$/gm)];
  expect(answerLines.length).toBeGreaterThan(0);
  for (const [, , pid] of answerLines) if (pid) expect(Number(pid)).toBe(serverPid);
  expect(answerLines.reduce((sum, m) => sum + Number(m[3]), 0)).toBe(4);
  const bars = listenerBars(summary.tasks);
  expect(bars).toHaveLength(1);
  expect(bars[0]!.startMs).toBeLessThanOrEqual(milestone(summary.tasks, 'ready').startMs);
  expectNoRepetition(summary);
  expect(loosen(normalise(summary.md, scenario))).toMatchSnapshot();
});

test('stale server: the callout names it and fences the command that frees the port', async () => {
  const scenario = await staleRun();
  const [stalePid] = scenario.pids;
  expect(scenario.run.code).toBe(1);
  const summary = await summaryOf(scenario);
  const callout = calloutOf(summary)!;
  expect(textOf(callout)).toMatch(
    new RegExp(
      `^pid ${stalePid} .*server\\.py ${scenario.port} 404 \\(started \\d+ s ago\\) held port ${scenario.port} before the run: stop it with`,
    ),
  );
  expect(fencedIn(callout)).toEqual([
    { lang: 'sh', value: `npx single-listener-check free --port ${scenario.port} --kill` },
  ]);
  // Nine items that could not run: one row, not eight identical ones.
  expect(summary.md.match(/^\| ⏭️ \|/gm)).toHaveLength(2);
  expect(summary.md).toMatch(
    /^\| ⏭️ \| 8 items skipped \| port \d+ was held before start \(on-conflict: fail\); nothing was started \| — \|$/m,
  );
  expect(summary.md).toMatch(
    new RegExp(
      `^\\| 127\\.0\\.0\\.1:\\d+ \\| IPv4 \\| ${stalePid} \\|.*\\| before the run \\|$`,
      'm',
    ),
  );
  expect(listenerBars(summary.tasks)).toEqual([
    expect.objectContaining({
      name: expect.stringMatching(new RegExp(`^pid ${stalePid} .* before the run$`)),
      startMs: 0,
    }),
  ]);
  expect(summary.md).not.toContain('<pre>'); // nothing was started: no log
  expect(loosen(normalise(summary.md, scenario))).toMatchSnapshot();
});

test('two servers from one start command: both named, joined with who started them, every probe in the strip', async () => {
  const scenario = await twoServersRun();
  expect(scenario.run.code).toBe(1);
  const report = scenario.run.report!;
  const summary = await summaryOf(scenario);
  const servers = item(report, 'single-listener').listeners!.flatMap((s) => s.processes);
  const [first, second] = [...servers].sort((a, b) => a.pid - b.pid);
  const text = textOf(calloutOf(summary)!);
  expect(text).toMatch(
    new RegExp(
      `^Two servers answer on 127\\.0\\.0\\.1:${scenario.port}: pid ${first!.pid} .*server\\.py ${scenario.port} 200.* and pid ${second!.pid} .*server\\.py ${scenario.port} 404`,
    ),
  );
  expect(text).toContain('Both were started by your start command.');
  const probes = item(report, 'endpoint:GET /api/route').probes!;
  if (probes.every((p) => p.answeredBy === undefined)) {
    expect(text).toMatch(
      /The probes got (200|404) ×\d+, (200|404) ×\d+; which server answered each was not attributed\./,
    );
  } else {
    // Attributed: each server is named with the answers it gave.
    expect(text).toMatch(new RegExp(`pid ${first!.pid} [^(]*\\(answered 200 ×\\d+`));
    expect(text).toMatch(new RegExp(`pid ${second!.pid} [^(]*\\(answered 404 ×\\d+`));
  }
  expect(stripOf(summary.md, 'GET /api/route')).toBe(
    probes.map((p) => (p.ok ? '✅' : '❌')).join(''),
  );
  expect(summary.md.match(/^\| \d+ \| [✅❌] \| (200|404) \|/gm)).toHaveLength(16);
  expect(listenerBars(summary.tasks)).toHaveLength(2);
  expectNoRepetition(summary);
  const example = normalise(summary.md, scenario);
  expect(loosen(example)).toMatchSnapshot();

  // README's "What a failure looks like" is this summary (UPDATE_README=1 writes it).
  const readme = readFileSync(README, 'utf8');
  const [before, rest] = readme.split(START);
  const [, after] = rest!.split(END);
  // Blank lines around the fence: as prettier formats README.
  const section = `${START}\n\n\`\`\`\`text\n${example.trimEnd()}\n\`\`\`\`\n\n${END}`;
  if (process.env.UPDATE_README === '1') writeFileSync(README, `${before}${section}${after}`);
  const current = readFileSync(README, 'utf8');
  const shown = current.slice(current.indexOf(START), current.indexOf(END) + END.length);
  expect(loosen(shown)).toBe(loosen(section));
});

test('a listener that came late: its bar starts after ready, the callout says it came after the listener check passed', async () => {
  const scenario = await lateListenerRun();
  expect(scenario.run.code).toBe(1);
  const summary = await summaryOf(scenario);
  const text = textOf(calloutOf(summary)!);
  expect(text).toMatch(/^Two servers answer on /);
  expect(text).toMatch(/appeared at \+[\d.]+ m?s, after the listener check had passed\)/);
  const bars = listenerBars(summary.tasks);
  expect(bars).toHaveLength(2);
  expect(bars[1]!.startMs).toBeGreaterThan(milestone(summary.tasks, 'ready').startMs);
  // The chart draws report.json's numbers: when the watch saw each socket.
  const service = scenario.run.report!.services[0]!;
  expect(
    [...service.socketSpans!]
      .sort((a, b) => a.firstSeenMs - b.firstSeenMs)
      .map((s) => [
        Math.round(s.firstSeenMs),
        Math.round(s.goneMs ?? scenario.run.report!.durationMs),
      ]),
  ).toEqual(bars.map((b) => [b.startMs, b.endMs]));
  expect(
    summary.md.match(
      /^\| 127\.0\.0\.1:\d+ \| IPv4 \| \d+ \|.*\| \+[\d.]+ m?s → \+[\d.]+ m?s \|$/gm,
    ),
  ).toHaveLength(2);
  expectNoRepetition(summary);
  expect(loosen(normalise(summary.md, scenario))).toMatchSnapshot();
});

test('a crash: the exception line first, fenced; the traceback once, folded in the log', async () => {
  const scenario = await crashRun();
  expect(scenario.run.code).toBe(1);
  const line = "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'";
  expect(item(scenario.run.report, 'ready').crashLine).toBe(line);
  const summary = await summaryOf(scenario);
  const callout = calloutOf(summary)!;
  expect(textOf(callout)).toMatch(
    /^Backend exited before it was ready \(exit code 1\); its log ends with:/,
  );
  expect(fencedIn(callout)).toEqual([{ lang: 'text', value: line }]);
  // The traceback's body once (folded in the log); `logs` still runs and names its first line.
  expect(summary.md.match(/line 6, in &lt;module&gt;/g)).toHaveLength(1);
  expect(item(scenario.run.report, 'logs').status).toBe('fail');
  expect(summary.md).toMatch(
    /^\| ⏭️ \| 3 items skipped \| the backend exited before it was ready \| — \|$/m,
  );
  expectNoRepetition(summary);
  expect(loosen(normalise(summary.md, scenario))).toMatchSnapshot();
});

test("README's workflow example uploads the report folder, also when the check failed", () => {
  const readme = readFileSync(README, 'utf8');
  expect(readme).toContain(
    [
      '  - if: always()',
      '    uses: actions/upload-artifact@v4',
      '    with:',
      '      name: single-listener-check',
      '      path: ${{ runner.temp }}/single-listener-check/',
    ].join('\n'),
  );
});
