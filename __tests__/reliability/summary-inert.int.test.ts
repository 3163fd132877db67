/**
 * Untrusted text renders inert in the job summary, end to end (issue 7 item 5): a real backend
 * whose log prints `</details><script>…` and a markdown table, whose command line holds `<b>`,
 * and whose failing endpoint answers with `<img src=x onerror=…>`, run through the action's
 * run(env). The renderer's escaping is unit-tested on hand-made results in
 * __tests__/report/summary.test.ts ("untrusted text renders inert …"); this proves the text
 * that really reaches it — from /proc, the log pipe and the HTTP body — comes out inert too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanupProcesses, freePort } from '../helpers/procs.js';
import { allNodes, parseMarkdown, textOf } from '../report/markdown-ast.js';
import {
  backendCommand,
  itemOf,
  leftovers,
  newMark,
  readReport,
  removeScratch,
  runActionInputs,
  scratchDir,
  trackMarked,
} from './helpers.js';

const mark = newMark();
afterEach(async () => {
  trackMarked(mark);
  await cleanupProcesses();
});
afterAll(removeScratch);

/** The summary without its code blocks (fenced, <pre>) and code spans: what is read as markdown. */
function prose(md: string): string {
  return md
    .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
    .replace(/^<pre>\n[\s\S]*?\n<\/pre>$/gm, '')
    .replace(/(`+)(?!`)(.+?)(?<!`)\1(?!`)/g, ''); // code spans (a command to copy) show text only
}

test('log lines, a command line and a response body with HTML and markdown stay text in the summary', async () => {
  const dir = scratchDir();
  const port = await freePort();
  const reportDir = path.join(dir, 'reports');
  const summaryFile = path.join(dir, 'summary.md');
  const { code } = await runActionInputs(
    {
      start: backendCommand(port, 'hostile', '<b>bold</b>'),
      port: String(port),
      endpoints: 'GET /hostile\nGET /x',
      'working-directory': dir,
      'report-dir': reportDir,
      env: mark,
    },
    { GITHUB_STEP_SUMMARY: summaryFile },
  );
  expect(code).toBe(1);
  const report = readReport(reportDir);
  // The hostile text did reach the result: the test is not vacuous.
  expect(itemOf(report, 'endpoint:GET /hostile').summary).toContain('<img src=x onerror=alert(1)>');
  expect(report.services[0]!.logTail).toContain('</details><script>alert(1)</script>');
  expect(report.services[0]!.listeners[0]!.processes[0]!.command).toContain('<b>bold</b>');

  const md = readFileSync(summaryFile, 'utf8');
  const nodes = allNodes(await parseMarkdown(md));
  // The only HTML is the summary's own folds (each endpoint's probes, then the log block); no
  // link or image was formed.
  expect(nodes.filter((n) => n.type === 'html').map((n) => n.value!.split('\n')[0])).toEqual([
    ...['GET /hostile', 'GET /x'].flatMap(() => ['<details>', '</details>']),
    '<details>',
    '<pre>',
    '</details>',
  ]);
  const pre = nodes.find((n) => n.type === 'html' && n.value!.startsWith('<pre>'))!.value!;
  expect(pre.slice('<pre>'.length, -'</pre>'.length)).not.toMatch(/[<>]/); // escaped inside
  expect(
    nodes.filter((n) => ['link', 'image', 'linkReference', 'imageReference'].includes(n.type)),
  ).toEqual([]);
  // Every table row has as many cells as its header: `| x | y |` opened no cell.
  for (const table of nodes.filter((n) => n.type === 'table')) {
    const widths = (table.children ?? []).map((row) => row.children?.length);
    expect(new Set(widths).size).toBe(1);
  }
  // Nothing dangerous is left raw where markdown is read.
  for (const raw of ['<script', '<img', '<b>', '</details><', '| x | y |', '</pre>']) {
    expect(prose(md)).not.toContain(raw);
  }
  // The reader still sees the text itself, decoded.
  const text = nodes.map(textOf).join('\n');
  expect(text).toContain('<img src=x onerror=alert(1)>');
  expect(text).toContain('<b>bold</b>');
  expect(leftovers(mark, report.services[0]!.backendPid)).toEqual([]);
});
