/** The timeline chart: a Mermaid gantt the strict reader accepts, with each listener's lifetime. */
import { ganttChart, ganttName } from '../../src/report/gantt.js';
import { passingRun, gunicornSocket } from '../fixtures/report/results.js';
import { readGantt } from './gantt-syntax.js';

test('a late second listener is a bar that starts after ready; items are bars, moments milestones', () => {
  const service = passingRun().services[0]!;
  const late = {
    ...gunicornSocket,
    socketId: '99',
    processes: [{ ...gunicornSocket.processes[0]!, pid: 4999 }],
  };
  service.listeners = [gunicornSocket, late];
  service.socketSpans = [
    { socketId: gunicornSocket.socketId, firstSeenMs: 700, goneMs: 2300 },
    { socketId: '99', firstSeenMs: 1500, goneMs: null },
  ];
  service.items[4] = { ...service.items[4]!, status: 'fail' };
  const tasks = readGantt(ganttChart(service, 2410));
  const listeners = tasks.filter((t) => t.section === 'Listeners');
  expect(listeners.map((t) => [t.name, t.startMs, t.endMs, t.tags])).toEqual([
    ['pid 4101 python3 on 127.0.0.1 port 5000', 700, 2300, ['crit']],
    ['pid 4999 python3 on 127.0.0.1 port 5000', 1500, 2410, ['crit']], // still up: to the end
  ]);
  const ready = tasks.find((t) => t.name === 'ready')!;
  expect(ready.tags).toEqual(['milestone']);
  expect(listeners[1]!.startMs).toBeGreaterThan(ready.startMs);
  const single = tasks.find((t) => t.name === 'Exactly one listener')!;
  expect(single).toMatchObject({ section: 'Checklist', tags: ['crit'] });
  // Skipped items have no bar; a bar is at least 1 ms wide.
  expect(tasks.some((t) => t.name === 'Python bytecode cache cleared')).toBe(false);
  for (const t of tasks.filter((x) => !x.tags.includes('milestone')))
    expect(t.endMs).toBeGreaterThan(t.startMs);
});

test('a holder read before the watch began spans the whole run', () => {
  const service = passingRun().services[0]!;
  service.socketSpans = [];
  const tasks = readGantt(ganttChart(service, 900));
  expect(tasks.filter((t) => t.section === 'Listeners')).toEqual([
    expect.objectContaining({
      name: 'pid 4101 python3 on 127.0.0.1 port 5000 before the run',
      startMs: 0,
      endMs: 900,
    }),
  ]);
});

test('task names Mermaid would misread become plain text', () => {
  expect(ganttName('GET /a:b#c;d %%e')).toBe('GET /a b c d e');
  expect(ganttName('section 2')).toBe('· section 2');
  expect(ganttName('click me')).toBe('· click me');
  expect(ganttName('<script>')).toBe('script');
  expect(ganttName(':::')).toBe('·');
  const service = passingRun().services[0]!;
  service.timeline.push({ event: 'title: x # y; %% z', atMs: 10 });
  service.items[8] = { ...service.items[8]!, title: 'dateFormat YYYY : 1' };
  expect(() => readGantt(ganttChart(service, 900))).not.toThrow();
});

test('the strict reader refuses what Mermaid would not read as this chart', () => {
  const block = (line: string) =>
    ['```mermaid', 'gantt', '    dateFormat x', '    section Run', line, '```'].join('\n');
  expect(readGantt(block('    ok :done, t1, 0, 5'))).toHaveLength(1);
  for (const bad of [
    '    a:b :t1, 0, 5', // a colon in the name
    '    a #b :t1, 0, 5',
    '    late :t1, 9, 5', // ends before it starts
    '    m :milestone, t1, 0, 5', // a milestone with a length
    '    x :soon, t1, 0, 5', // not a tag
    '    title x :t1, 0, 5', // a keyword first
    '    x :t1, 0s, 5',
  ])
    expect(() => readGantt(block(bad))).toThrow(/gantt line 5/);
  expect(() => readGantt(block('    a :t1, 0, 5\n    b :t1, 0, 5'))).toThrow(/used twice/);
  expect(() => readGantt('```mermaid\ngantt\n    section R\n    a :t1, 0, 5\n```')).toThrow(
    /dateFormat x/,
  );
});
