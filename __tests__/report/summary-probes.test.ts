/** Each endpoint's probes in the summary: the strip, who answered how, the folded table. */
import type { ProbeResult, ServiceResult } from '../../src/checklist/types.js';
import { probeSection } from '../../src/report/summary-probes.js';
import { item, passingRun } from '../fixtures/report/results.js';
import { allNodes, parseMarkdown, textOf } from './markdown-ast.js';

function probe(n: number, status: number | null, more: Partial<ProbeResult> = {}): ProbeResult {
  const ok = status === 200;
  return { n, ok, status, durationMs: 2, failures: ok ? [] : [`got ${status}`], ...more };
}

function serviceWith(probes: ProbeResult[]): ServiceResult {
  const service = passingRun().services[0]!;
  return {
    ...service,
    items: [item('endpoint:GET /api/route', 'GET /api/route', 'fail', 'flapping', { probes })],
  };
}

const FLASK = { pid: 4402, command: 'flask run' };
const OLD = { pid: 4403, command: 'flask run --port 5000' };

test('attributed probes: the strip, then one line per process with its answers, in answer order', () => {
  const probes = [
    probe(1, 200, { answeredBy: FLASK }),
    probe(2, 404, { answeredBy: OLD }),
    probe(3, 200, { answeredBy: FLASK }),
    probe(4, null, { answeredBy: null, unattributed: 'the server did not accept in time' }),
    probe(5, 404, { answeredBy: OLD }),
  ];
  const md = probeSection(serviceWith(probes))!;
  expect(md.split('\n').slice(0, 6)).toEqual([
    '**GET /api/route** ✅❌✅❌❌',
    '',
    '- pid 4402 `flask run`: 200 ×2',
    '- pid 4403 `flask run --port 5000`: 404 ×2',
    '- not attributed (the server did not accept in time): no answer ×1',
    '',
  ]);
});

test('the per-probe table sits folded in <details> and names who answered each probe', async () => {
  const probes = [probe(1, 200, { answeredBy: FLASK }), probe(2, 404, { answeredBy: null })];
  const ast = await parseMarkdown(probeSection(serviceWith(probes))!);
  const html = allNodes(ast)
    .filter((n) => n.type === 'html')
    .map((n) => n.value);
  expect(html).toEqual(['<details>\n<summary>Each probe, in order</summary>', '</details>']);
  const rows = allNodes(ast)
    .find((n) => n.type === 'table')!
    .children!.map((row) => row.children!.map(textOf));
  expect(rows).toEqual([
    ['Probe', 'Result', 'Status', 'Answered by', 'Duration', 'Failures'],
    ['1', '✅', '200', 'pid 4402', '2 ms', '—'],
    ['2', '❌', '404', 'not attributed', '2 ms', 'got 404'],
  ]);
});

test('probes not tried for attribution: the strip and the answers on one line', () => {
  const md = probeSection(serviceWith([probe(1, 200), probe(2, 200), probe(3, 500)]))!;
  expect(md.split('\n')[0]).toBe('**GET /api/route** ✅✅❌ 200 ×2, 500 ×1');
});

test('no endpoint probed: no section', () => {
  const service = passingRun().services[0]!;
  expect(probeSection({ ...service, items: service.items.filter((i) => !i.probes) })).toBeNull();
});
