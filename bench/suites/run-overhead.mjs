// 5. Whole-run overhead beyond the backend's own start, and 6. 200 endpoints × 3 probes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, timeCommand } from '../lib/procs.mjs';
import { summarize } from '../lib/stats.mjs';
import { reportTimes, runOurs, scratchDir } from '../lib/tools.mjs';

/** The target: what we add to a run beyond the backend's own start, over Node's own start. */
const OVER_FLOOR_MS = 120;
const FIVE_ENDPOINTS = ['/api/a', '/api/b 200 json', 'GET /api/c 2xx', '/api/d', 'GET /api/e 200'];

/** Where a run's time went, from the parent's clock, report.json and the backend's listen mark. */
function phases(result) {
  const t = reportTimes(result.report);
  const listenAt = result.backendAt;
  // Spawn time = the 'backend started' mark, taken after spawn() returned: the backend's own
  // start is counted from then, so the overhead below is, if anything, overstated.
  const spawnAt = t.event('backend started');
  const total = result.exitAt - result.spawnAt;
  const ownStart = listenAt - spawnAt;
  const runEnd = t.origin + result.report.durationMs;
  return {
    total,
    ownStart,
    overhead: total - ownStart,
    'CLI start → run begins': t.origin - result.spawnAt,
    'run begins → backend spawned': spawnAt - t.origin,
    'listen() → ready': t.event('ready') - listenAt,
    'ready → checks done': t.itemStart('teardown') - t.event('ready'),
    teardown: t.itemEnd('teardown') - t.itemStart('teardown'),
    'teardown → reports written': runEnd - t.itemEnd('teardown'),
    'run ends → process exits': result.exitAt - runEnd,
  };
}

function failedItems(report) {
  return report.services[0].items
    .filter((i) => i.status === 'fail')
    .map((i) => `${i.id}: ${i.summary}`);
}

export async function runOverhead({ cli, runs }) {
  const samples = [];
  const floor = [];
  const failures = new Set();
  const args = ['--health', '/health', ...FIVE_ENDPOINTS.flatMap((e) => ['--endpoint', e])];
  for (let i = 0; i < runs; i++) {
    // The floor, interleaved with the runs: the same machine load for both.
    floor.push((await timeCommand(process.execPath, ['-e', '0'])).ms);
    const result = await runOurs(cli, { port: await freePort(), args });
    for (const f of failedItems(result.report)) failures.add(f);
    samples.push(phases(result));
  }
  const stat = (key) => summarize(samples.map((s) => s[key]));
  const overhead = stat('overhead');
  const nodeFloor = summarize(floor);
  const limit = nodeFloor.median + OVER_FLOOR_MS;
  const breakdown = Object.keys(samples[0]).filter(
    (k) => !['total', 'ownStart', 'overhead'].includes(k),
  );
  return {
    id: 'run-overhead',
    title:
      "Whole-run overhead beyond the backend's own start (health + 5 endpoints × 3 probes, teardown)",
    rows: [
      { tool: 'overhead = whole run − backend spawn→listen', stats: overhead, role: 'ours' },
      { tool: 'node -e 0 (node floor)', stats: nodeFloor, role: 'floor' },
      { tool: 'whole run (spawn of the CLI → its exit)', stats: stat('total'), role: 'detail' },
      { tool: "backend's own spawn → listen()", stats: stat('ownStart'), role: 'detail' },
      ...breakdown.map((k) => ({ tool: `  of which: ${k}`, stats: stat(k), role: 'detail' })),
    ],
    target: {
      text: `≤ node -e 0 + ${OVER_FLOOR_MS} ms (= ${limit.toFixed(0)} ms here)`,
      met: overhead.median <= limit && failures.size === 0,
    },
    notes: [
      `"CLI start → run begins" is Node's start and ours: ${(stat('CLI start → run begins').median - nodeFloor.median).toFixed(0)} ms over node -e 0 (medians).`,
      ...(failures.size > 0 ? [`failed items: ${[...failures].join('; ')}`] : []),
    ],
  };
}

export async function manyEndpoints({ cli, runs, count = 200 }) {
  const dir = scratchDir();
  const config = join(dir, 'many-endpoints.yml');
  const lines = Array.from({ length: count }, (_, i) => `  - GET /e/${i} 200 json`);
  writeFileSync(config, `endpoints:\n${lines.join('\n')}\n`);
  const spans = [];
  const totals = [];
  const failures = new Set();
  for (let i = 0; i < runs; i++) {
    const result = await runOurs(cli, { port: await freePort(), args: ['--config', config] });
    for (const f of failedItems(result.report)) failures.add(f);
    const endpoints = result.report.services[0].items.filter((it) => it.id.startsWith('endpoint:'));
    if (endpoints.length !== count)
      failures.add(`${endpoints.length} endpoint items, not ${count}`);
    const first = Math.min(...endpoints.map((it) => it.startedAtMs));
    const last = Math.max(...endpoints.map((it) => it.startedAtMs + it.durationMs));
    spans.push(last - first);
    totals.push(result.exitAt - result.spawnAt);
  }
  const span = summarize(spans);
  return {
    id: 'many-endpoints',
    title: `${count} endpoints × 3 probes against a local backend`,
    rows: [
      { tool: `${count} endpoint items, first probe → last answer`, stats: span, role: 'ours' },
      { tool: 'whole run (spawn of the CLI → its exit)', stats: summarize(totals), role: 'detail' },
    ],
    target: { text: '≤ 2 s, bounded concurrency', met: span.median <= 2000 && failures.size === 0 },
    notes: [
      "Endpoints are probed 8 at a time (the runner's bound), each probe on a fresh connection.",
      ...(failures.size > 0 ? [`failed: ${[...failures].slice(0, 3).join('; ')}`] : []),
    ],
  };
}
