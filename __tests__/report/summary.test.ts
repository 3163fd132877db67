import { renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/report/summary.js';
import type { RunResult } from '../../src/checklist/types.js';
import { failingRun, HOSTILE, hostileRun, passingRun } from '../fixtures/report/results.js';
import { shellLines } from '../../src/report/shell-lines.js';
import { readGantt } from './gantt-syntax.js';
import { allNodes, parseMarkdown, textOf, type MdNode } from './markdown-ast.js';

/** The rows of every GFM table, each row as the decoded text of its cells. */
function tables(ast: MdNode): string[][][] {
  return allNodes(ast)
    .filter((n) => n.type === 'table')
    .map((t) => (t.children ?? []).map((row) => (row.children ?? []).map(textOf)));
}

/** The table whose header starts with `first`. */
function table(ast: MdNode, first: string): string[][] | undefined {
  return tables(ast).find((t) => t[0]![0] === first);
}

/** The ```mermaid block (one per service), as emitted. */
function mermaid(md: string): string[] {
  return md.match(/^```mermaid\n[\s\S]*?\n```$/gm) ?? [];
}

/**
 * The markdown without fenced code blocks (also inside the callout's `> `), <pre> blocks and code
 * spans: content that is never read as markdown.
 */
function prose(md: string): string {
  return md
    .replace(/^((?:> )?)(`{3,})[^\n]*\n[\s\S]*?\n\1\2$/gm, '')
    .replace(/^<pre>\n[\s\S]*?\n<\/pre>$/gm, '')
    .replace(/(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, '');
}

describe('renderSummary', () => {
  test('a passing run: verdict, one row per item in order, listeners, timeline, log and reproduce', async () => {
    const result = passingRun();
    const md = renderSummary(result);
    expect(md.split('\n')[0]).toBe('## ✅ single-listener-check passed — port 5000');
    expect(md).toContain('**9 passed, 1 skipped** in 2.41 s · linux · single-listener-check 0.1.0');
    expect(md).toContain('### ✅ api — port 5000');
    expect(md).not.toContain('####'); // no failing or warning item to explain

    const ast = await parseMarkdown(md);
    const items = table(ast, '');
    expect(items!.slice(1)).toEqual(
      result.services[0]!.items.map((i) => [
        i.status === 'pass' ? '✅' : '⏭️',
        i.title,
        i.summary,
        i.id === 'teardown'
          ? '1.25 s'
          : i.id === 'ready'
            ? '812 ms'
            : i.id === 'port-free'
              ? '2 ms'
              : '5 ms',
      ]),
    );
    expect(table(ast, 'Address')).toEqual([
      ['Address', 'Family', 'PIDs', 'Process', 'Command line', 'Started', 'Seen on the port'],
      [
        '127.0.0.1:5000',
        'IPv4',
        '4101, 4102, 4103',
        'python3',
        '/usr/bin/python3 /usr/bin/gunicorn -w 2 -b 127.0.0.1:5000 app:app',
        '2025-06-01T10:00:00.000Z',
        '—', // a result without the watch's spans
      ],
    ]);
    // No callout on a pass; the endpoint's strip; the timeline is a chart.
    expect(allNodes(ast).some((n) => n.type === 'blockquote')).toBe(false);
    expect(md).toContain('**GET /api/items** ✅✅✅ 200 ×3');
    const tasks = readGantt(mermaid(md)[0]!);
    expect(tasks.filter((t) => t.section === 'Run').map((t) => [t.name, t.startMs])).toEqual([
      ['start', 0],
      ['ready', 830],
      ['checks', 845],
      ['teardown', 900],
    ]);
    expect(tasks.filter((t) => t.section === 'Checklist').map((t) => t.name)).toEqual(
      result.services[0]!.items.filter((i) => i.status !== 'skip').map((i) => i.title),
    );
    expect(md).not.toContain('| Event |');
    expect(md).toContain(
      [
        '<details>',
        '<summary>Backend log of api: last 2 lines (full log: /tmp/report/api/backend.log)</summary>',
        '',
        '<pre>',
        '[INFO] Starting gunicorn 21.2.0',
        '[INFO] Listening at: http://127.0.0.1:5000 (4101)',
        '</pre>',
        '',
        '</details>',
      ].join('\n'),
    );
    expect(
      md
        .trimEnd()
        .endsWith(
          `### Reproduce locally\n\n\`\`\`sh\n${shellLines(result.reproduce).join('\n')}\n\`\`\``,
        ),
    ).toBe(true);
    expect(shellLines(result.reproduce)).toHaveLength(3);
  });

  test('a failing run with two services: verdict, diagnosis, flapping probes, stale holder, no log file, unicode', async () => {
    const md = renderSummary(failingRun());
    const ast = await parseMarkdown(md);
    expect(md.split('\n')[0]).toBe('## ❌ single-listener-check failed — ports 5000, 3000');
    const headings = allNodes(ast)
      .filter((n) => n.type === 'heading')
      .map((h) => `${h.depth} ${textOf(h)}`);
    expect(headings).toEqual([
      '2 ❌ single-listener-check failed — ports 5000, 3000',
      '3 ❌ api — port 5000',
      '4 ⚠️ Port free before start',
      '4 ❌ Exactly one listener',
      '4 ❌ GET /api/local-llm/status',
      '3 ❌ web-前端 — port 3000',
      '4 ❌ Port free before start',
      '3 Reproduce locally',
    ]);

    const icons = tables(ast)
      .filter((t) => t[0]![1] === 'Item')
      .map((t) => t.slice(1).map((row) => `${row[0]} ${row[1]}`));
    expect(icons[0]).toEqual([
      '⚠️ Port free before start',
      '⏭️ Python bytecode cache cleared',
      '✅ Backend started',
      '✅ Backend ready',
      '❌ Exactly one listener',
      '✅ Listener owned by the backend',
      '✅ Backend logs',
      '⏭️ Health endpoint',
      '❌ GET /api/local-llm/status',
      '✅ Backend stopped, port released',
    ]);
    // Items skipped for one reason share a row.
    expect(icons[1]).toEqual([
      '❌ Port free before start',
      '⏭️ 3 items skipped',
      '⏭️ Backend stopped, port released',
    ]);
    expect(md).toContain('| ⏭️ | 3 items skipped | port 3000 is held by another process | — |');

    // The diagnosis sits under the table, with the measured listeners (several pids in one row).
    const paragraphs = allNodes(ast)
      .filter((n) => n.type === 'paragraph')
      .map(textOf);
    expect(paragraphs).toContain(
      'Diagnosis: Several sockets are bound to the same address: they were bound with SO_REUSEPORT (or SO_REUSEADDR on Windows), and the kernel spreads connections between them — this is the intermittent 404.',
    );
    expect(paragraphs).toContain(
      'Diagnosis: pid 3604 (python main.py, started 2 h ago) is a stale server from an earlier run; stop it (single-listener-check free --port 3000 --kill) or set on-conflict: kill.',
    );
    // The commands a diagnosis quotes are code spans to copy, not escaped backticks.
    const stale = allNodes(ast).find(
      (n) => n.type === 'paragraph' && textOf(n).startsWith('Diagnosis: pid 3604'),
    )!;
    expect(
      allNodes(stale)
        .filter((n) => n.type === 'inlineCode')
        .map((n) => n.value),
    ).toEqual([
      'python main.py',
      'single-listener-check free --port 3000 --kill',
      'on-conflict: kill',
    ]);
    expect(table(ast, 'Probe')).toEqual([
      ['Probe', 'Result', 'Status', 'Answered by', 'Duration', 'Failures'],
      ['1', '✅', '200', '—', '4 ms', '—'],
      ['2', '❌', '404', '—', '3 ms', 'expected status 2xx, got 404'],
      ['3', '✅', '200', '—', '5 ms', '—'],
    ]);
    // The strip and the answers, then the per-probe table folded away.
    expect(md).toContain(
      '**GET /api/local-llm/status** ✅❌✅ 200 ×2, 404 ×1\n\n<details>\n<summary>Each probe, in order</summary>',
    );
    // One listener table per port: no item repeats it.
    const holderRows = tables(ast)
      .filter((t) => t[0]![0] === 'Address')
      .flatMap((t) => t.slice(1).map((row) => row.slice(0, 4).join(' ')));
    expect(holderRows).toEqual([
      '127.0.0.1:5000 IPv4 4101, 4102, 4103 python3', // api's listener picture
      '0.0.0.0:3000 IPv4 3604 python', // the stale holder of web's port, from port-free
    ]);
    const code = allNodes(ast)
      .filter((n) => n.type === 'code')
      .map((n) => n.value);
    expect(code).toContain('0.0.0.0:5000 IPv4 pid 4101\n0.0.0.0:5000 IPv4 pid 5202');

    // web never started: its table shows the holder, and no log block.
    const web = md.slice(md.indexOf('### ❌ web-前端'));
    expect(md).not.toContain('No listener was read on this port');
    expect(web).toContain('No backend log was written.');
    expect(web).not.toContain('<details>');
    expect(md).toContain('  ✓ données reçues — 日本語 🚀');
  });

  test('untrusted text renders inert: no injected HTML, link, image, cell or code fence escape', async () => {
    const md = renderSummary(hostileRun());
    const ast = await parseMarkdown(md);
    const nodes = allNodes(ast);

    expect(
      nodes.filter((n) => ['link', 'image', 'linkReference', 'imageReference'].includes(n.type)),
    ).toEqual([]);
    // The only raw HTML is the summary's own collapsed log block.
    const html = nodes.filter((n) => n.type === 'html').map((n) => n.value!);
    expect(html.map((h) => h.split('\n')[0])).toEqual([
      '<details>',
      '</details>',
      '<details>',
      '<pre>',
      '</details>',
    ]);
    expect(html[0]).toBe('<details>\n<summary>Each probe, in order</summary>');
    const pre = html[3]!;
    expect(pre.endsWith('\n</pre>')).toBe(true);
    expect(pre.slice('<pre>'.length, -'</pre>'.length)).not.toMatch(/<|>/);
    expect(pre).toContain('&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(pre).toContain('&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;');

    // Outside code blocks no dangerous substring survives unescaped.
    const text = prose(md);
    expect(text).toContain('\\[link\\](javascript:alert(1))');
    for (const raw of [
      '<script',
      '</details><',
      '| a | b |',
      '![x](',
      '[link](',
      '````',
      '\u0007',
      '\u0000',
    ]) {
      expect(text).not.toContain(raw);
    }
    expect(text).not.toMatch(/(?<!\\)[[\]]/); // every bracket is escaped
    expect(md).not.toContain('\u001b');
    // Yet the reader sees the original text, decoded, in the cell where it belongs.
    const itemRow = tables(ast)[0]!.find((row) => row[1]!.startsWith('GET /x'))!;
    expect(itemRow).toHaveLength(4);
    expect(itemRow[1]).toBe(`GET /x ${HOSTILE.link}`);
    expect(itemRow[2]).toContain(
      `${HOSTILE.html} ${HOSTILE.row} ${HOSTILE.image} ${HOSTILE.link} ${HOSTILE.backticks}`,
    );
    // In the chart, the hostile event is a plain task name.
    const events = readGantt(mermaid(md)[0]!).filter((t) => t.section === 'Run');
    expect(events.at(-1)).toMatchObject({ name: 'a b', startMs: 950, tags: ['milestone'] });
    // Code blocks: every fence is longer than any backtick run inside, so content cannot close it.
    const fenced = nodes.filter((n) => n.type === 'code').map((n) => n.value!);
    expect(fenced).toContain(
      `npx single-listener-check run \\\n  --start 'echo ${HOSTILE.backticks} ${HOSTILE.html}'`,
    );
    expect(fenced.some((c) => c.includes('```\n# not a heading'))).toBe(true);
    expect(nodes.filter((n) => n.type === 'heading').map(textOf)).not.toContain('not a heading');
  });

  test('a summary too large for GitHub is cut, logs first, and says what was left out', async () => {
    const base = failingRun().services[0]!;
    const longLine = 'x'.repeat(5000);
    const result: RunResult = {
      ...failingRun(),
      services: Array.from({ length: 12 }, (_, i) => ({
        ...base,
        name: `svc-${i}`,
        port: 5000 + i,
        logTail: Array.from({ length: 50 }, () => longLine),
      })),
    };
    const md = renderSummary(result);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(md).toMatch(
      /shortened to stay under GitHub's 1 MiB limit\. Left out: backend log of svc-\d+/,
    );
    expect(md).toContain('backend log of svc-11');
    // Every service's checklist and diagnosis is still there, and the reproduce command.
    for (let i = 0; i < 12; i++) expect(md).toContain(`### ❌ svc-${i} — port ${5000 + i}`);
    expect(md.match(/\*\*Diagnosis:\*\*/g)).toHaveLength(12);
    expect(md).toContain('### Reproduce locally');
    // Long lines are cut with a count, never passed whole.
    expect(md).toContain('… (4000 more characters)');
    // Whatever was kept is still well-formed: every <details> is closed.
    expect(md.split('<details>').length).toBe(md.split('</details>').length);
    expect(tables(await parseMarkdown(md)).length).toBeGreaterThan(12);
  });

  test('even essential parts over the limit are cut at a line boundary with a note', () => {
    const md = renderSummary(failingRun(), 2000);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(2000);
    expect(md.startsWith('## ❌ single-listener-check failed')).toBe(true);
    expect(
      md
        .trimEnd()
        .endsWith('Left out: everything below this point. report.json holds the whole result.'),
    ).toBe(true);
  });

  test('a holder whose name could not be read is named so, never an empty cell or a bare comma', async () => {
    const result = passingRun();
    const unnamed = { pid: 7, ppid: null, name: '', command: '', startedAt: null };
    result.services[0]!.listeners = [
      {
        address: '::',
        port: 5000,
        family: 'IPv6',
        socketId: '9',
        processes: [unnamed, { ...unnamed, pid: 8 }],
      },
    ];
    const listeners = table(await parseMarkdown(renderSummary(result)), 'Address');
    expect(listeners![1]).toEqual(['[::]:5000', 'IPv6', '7, 8', 'name unreadable', '—', '—', '—']);
  });
});

describe('attach mode', () => {
  const NOTE = (port: number, which = '') =>
    `> **Attach mode${which}:** nothing was started; checked the server already listening on port ${port}, started elsewhere.`;

  test('is said at the top, under the verdict heading', () => {
    const result = passingRun();
    result.services[0]!.attach = true;
    const lines = renderSummary(result).split('\n');
    expect(lines[0]).toBe('## ✅ single-listener-check passed — port 5000');
    expect(lines.slice(3, 5)).toEqual(['', NOTE(5000)]);
    expect(renderSummary(passingRun())).not.toContain('Attach mode');
  });

  test('with several services, for each attached one by name', () => {
    const result = failingRun();
    result.services[1]!.attach = true;
    const md = renderSummary(result);
    expect(md.match(/Attach mode/g)).toHaveLength(1);
    expect(md).toMatch(
      /^> \*\*Attach mode \(.*web-前端.*\):\*\* nothing was started; .* port 3000, started elsewhere\.$/m,
    );
  });
});
