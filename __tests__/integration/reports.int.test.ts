/**
 * The three reports of one failing run, checked item by item against each other: report.json
 * (ids in checklist order), the job summary's table (parsed as markdown) and junit.xml (parsed
 * as XML). The backend printed 5,000 numbered lines before listening: backend.log holds them
 * all, the summary only the tail.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ItemStatus } from '../../src/checklist/types.js';
import { freePort } from '../helpers/procs.js';
import { allNodes, parseMarkdown, textOf, type MdNode } from '../report/markdown-ast.js';
import { parseXml } from '../report/xml-parse.js';
import {
  INT_APPS,
  PY,
  checkAndCleanUpAfterEach,
  checklistIds,
  item,
  itemStatuses,
  runCheck,
  tempDir,
} from './run-helpers.js';

checkAndCleanUpAfterEach();

const LINES = 5000;
const SUMMARY_ICON: Record<ItemStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️' };

/** The rows of the summary's item table (the one headed "Item"), as cell texts. */
function itemTableRows(tree: MdNode): string[][] {
  const table = allNodes(tree).find(
    (n) => n.type === 'table' && textOf(n.children![0]!.children![1]!) === 'Item',
  );
  return table!.children!.slice(1).map((row) => row.children!.map(textOf));
}

test('a failing run: every item in report.json, the summary and junit.xml; the log complete', async () => {
  const port = await freePort();
  const { code, report, summary, junit, reportDir } = await runCheck([
    `--start=${PY} ${path.join(INT_APPS, 'tiny_backend.py')}`,
    `--cwd=${await tempDir()}`,
    `--port=${port}`,
    `--env=PORT=${port}`,
    `--env=LINES=${LINES}`,
    '--env=ITEMS_STATUS=500',
    '--health=/api/health',
    '--endpoint=GET /api/items 200 json',
    '--endpoint=GET /api/health 200 json',
    '--expect-log=route registered',
    '--ready-timeout=30s',
  ]);

  expect(code).toBe(1);
  const items = report!.services[0]!.items;
  expect(items.map((i) => i.id)).toEqual(checklistIds(['GET /api/items', 'GET /api/health']));
  expect(itemStatuses(report)).toEqual({
    'port-free': 'pass',
    'bytecode-cache': 'skip',
    'backend-start': 'pass',
    ready: 'pass',
    'single-listener': 'pass',
    'listener-owner': 'pass',
    logs: 'fail',
    health: 'pass',
    'endpoint:GET /api/items': 'fail',
    'endpoint:GET /api/health': 'pass',
    teardown: 'pass',
  });
  expect(report!.result).toBe('fail');
  expect(item(report, 'logs').summary).toBe('/route registered/ never matched');
  for (const i of items) expect(i.summary).not.toBe('');

  // Summary: one row per item, in order, with its icon, title and summary.
  const rows = itemTableRows(await parseMarkdown(summary));
  expect(rows).toHaveLength(items.length);
  rows.forEach((row, n) => {
    const i = items[n]!;
    expect(row.slice(0, 3)).toEqual([SUMMARY_ICON[i.status], i.title, i.summary]);
  });
  expect(summary).toMatch(/^## ❌ single-listener-check failed/);

  // junit.xml: one testcase per item, named by id; failure / skipped as the status says.
  const suites = parseXml(junit).children.filter((c) => c.tag === 'testsuite');
  expect(suites).toHaveLength(1);
  const cases = suites[0]!.children.filter((c) => c.tag === 'testcase');
  expect(cases.map((c) => c.attrs.name)).toEqual(items.map((i) => i.id));
  cases.forEach((c, n) => {
    const i = items[n]!;
    const kinds = c.children.map((child) => child.tag);
    if (i.status === 'fail') {
      expect(kinds).toEqual(['failure']);
      expect(c.children[0]!.attrs.message).toBe(i.summary);
    } else if (i.status === 'skip') {
      expect(kinds).toEqual(['skipped']);
    } else {
      expect(kinds).toEqual([]);
    }
  });
  expect(suites[0]!.attrs).toMatchObject({
    tests: String(items.length),
    failures: '2',
    skipped: '1',
  });

  // The log: complete in backend.log, only the tail in the summary and report.json.
  const log = readFileSync(path.join(reportDir, 'backend.log'), 'utf8').split('\n');
  const numbered = log.filter((l) => l.startsWith('log line '));
  expect(numbered).toEqual(
    Array.from({ length: LINES }, (_, n) => `log line ${n + 1} of ${LINES}`),
  );
  const tail = report!.services[0]!.logTail;
  expect(tail.length).toBe(50);
  expect(tail).toContain(`log line ${LINES} of ${LINES}`);
  expect(tail).not.toContain(`log line ${LINES - 50} of ${LINES}`);
  const shown = summary.split('\n').filter((l) => l.startsWith('log line '));
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThanOrEqual(50);
  expect(shown.at(-1)).toBe(`log line ${LINES} of ${LINES}`);
  expect(summary).not.toContain(`log line 1 of ${LINES}\n`);
});
