/**
 * The run as a Mermaid `gantt` chart (GitHub draws ```mermaid blocks in job summaries): the
 * run's moments as milestones, each listener's lifetime as the port watch saw it, and each
 * checklist item as a bar — a second listener that appeared late is seen at once. Times are
 * milliseconds since the run started (`dateFormat x`); report.json keeps the numbers.
 */
import type { ItemResult, ServiceResult } from '../checklist/types.js';
import type { ListenerSocket } from '../platform/types.js';
import { topmost } from '../process/tree.js';
import { portSockets } from './summary-listeners.js';
import { cleanText } from './text.js';

/** Words that open a directive at the start of a gantt line: a task name never starts with one. */
const KEYWORDS =
  /^(?:gantt|title|section|dateFormat|axisFormat|tickInterval|todayMarker|excludes|includes|weekday|weekend|inclusiveEndDates|topAxis|accTitle|accDescr|click|displayMode)\b/i;
const NAME_MAX = 60;

/**
 * A task name Mermaid reads as plain text: `:` ends a name, `;` a statement, `#` opens an entity
 * and `%%` a comment, so they and the rest of the punctuation Mermaid may read become spaces.
 */
export function ganttName(text: string): string {
  const name = cleanText(text)
    .replace(/[^\p{L}\p{N} ._()/+,=?*@!$~'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, NAME_MAX)
    .trim();
  if (name === '') return '·';
  return KEYWORDS.test(name) ? `· ${name}` : name;
}

interface Task {
  name: string;
  tags: ('done' | 'active' | 'crit' | 'milestone')[];
  startMs: number;
  endMs: number;
}

const TAG: Record<ItemResult['status'], Task['tags']> = {
  pass: ['done'],
  warn: ['active'],
  fail: ['crit'],
  skip: [],
};

/** The run's own moments: start, backend started, ready, checks, teardown (listeners are bars). */
function milestones(service: ServiceResult): Task[] {
  return service.timeline
    .filter((e) => !e.event.startsWith('listener '))
    .map((e) => ({ name: e.event, tags: ['milestone'], startMs: e.atMs, endMs: e.atMs }));
}

function listenerName(socket: ListenerSocket | undefined, socketId: string): string {
  if (!socket) return `socket ${socketId}`;
  const main = topmost(socket.processes)[0];
  const who = main ? `pid ${main.pid} ${main.name}` : 'owner unknown';
  const where = socket.family === 'IPv6' ? `[${socket.address}]` : socket.address;
  return `${who} on ${where} port ${socket.port}`;
}

/**
 * Each socket's lifetime as the watch saw it; a holder read before the watch began (a stale
 * server that kept anything from starting) spans the whole run.
 */
function listenerBars(service: ServiceResult, runMs: number): Task[] {
  const spans = service.socketSpans ?? [];
  const before = portSockets(service).filter((s) => !spans.some((x) => x.socketId === s.socketId));
  const failed = service.items.some(
    (i) => (i.id === 'single-listener' || i.id === 'port-free') && i.status === 'fail',
  );
  const tags: Task['tags'] = failed ? ['crit'] : ['active'];
  return [
    ...before.map((socket) => ({
      name: `${listenerName(socket, socket.socketId)} before the run`,
      tags,
      startMs: 0,
      endMs: runMs,
    })),
    ...[...spans]
      .sort((a, b) => a.firstSeenMs - b.firstSeenMs)
      .map((span) => ({
        name: listenerName(
          service.listeners.find((s) => s.socketId === span.socketId),
          span.socketId,
        ),
        tags,
        startMs: span.firstSeenMs,
        endMs: span.goneMs ?? runMs,
      })),
  ];
}

function itemBars(service: ServiceResult): Task[] {
  return service.items
    .filter((i) => i.status !== 'skip')
    .map((i) => ({
      name: i.title,
      tags: TAG[i.status],
      startMs: i.startedAtMs,
      endMs: i.startedAtMs + i.durationMs,
    }));
}

function taskLine(task: Task, n: number): string {
  const start = Math.max(0, Math.round(task.startMs));
  // A bar is at least 1 ms wide, or Mermaid draws nothing.
  const end = task.tags.includes('milestone') ? start : Math.max(start + 1, Math.round(task.endMs));
  const tags = task.tags.map((t) => `${t}, `).join('');
  return `    ${ganttName(task.name)} :${tags}t${n}, ${start}, ${end}`;
}

/** The ```mermaid block for one service; `runMs`: the run's length (listeners still up end there). */
export function ganttChart(service: ServiceResult, runMs: number): string {
  const sections: [string, Task[]][] = [
    ['Run', milestones(service)],
    ['Listeners', listenerBars(service, runMs)],
    ['Checklist', itemBars(service)],
  ];
  const lines = [
    '```mermaid',
    'gantt',
    '    dateFormat x',
    '    axisFormat %M:%S.%L',
    '    todayMarker off',
  ];
  let n = 0;
  for (const [section, tasks] of sections) {
    if (tasks.length === 0) continue;
    lines.push(`    section ${section}`, ...tasks.map((task) => taskLine(task, ++n)));
  }
  lines.push('```');
  return lines.join('\n');
}
