/**
 * The job summary's one listener table per port: every socket seen on it, its holders, and
 * when the port watch saw it appear and close (a listener that came late is seen at once).
 */
import type { ServiceResult, SocketSpan } from '../checklist/types.js';
import type { ListenerSocket } from '../platform/types.js';
import { formatEndpoint } from './listener-table.js';
import { mdInline, mdTable } from './markdown.js';
import { cleanText, cut, formatDuration } from './text.js';

const CELL_MAX = 300;

/** A table cell: one line, escaped, cut to a readable length. */
export function cell(s: string): string {
  return mdInline(cut(cleanText(s), CELL_MAX));
}

/**
 * The sockets of the port's table: the service's listener picture or, when that is empty, every
 * socket an item measured (each socket once).
 */
export function portSockets(service: ServiceResult): ListenerSocket[] {
  if (service.listeners.length > 0) return service.listeners;
  const byId = new Map<string, ListenerSocket>();
  for (const item of service.items)
    for (const s of item.listeners ?? []) if (!byId.has(s.socketId)) byId.set(s.socketId, s);
  return [...byId.values()];
}

/**
 * `+0.12 s → +3.40 s` or `+0.12 s → still listening`; a socket the watch never saw was read
 * before it began (a stale server that kept anything from starting); `—` for a result without
 * the watch's spans.
 */
function seen(spans: readonly SocketSpan[] | undefined, socketId: string): string {
  if (!spans) return '—';
  const span = spans.find((s) => s.socketId === socketId);
  if (!span) return 'before the run';
  const at = (ms: number) => `+${formatDuration(ms)}`;
  return `${at(span.firstSeenMs)} → ${span.goneMs === null ? 'still listening' : at(span.goneMs)}`;
}

/** Sockets in the order they appeared (those read before the watch first), then by pid. */
export function bySeen(
  service: ServiceResult,
  sockets: readonly ListenerSocket[],
): ListenerSocket[] {
  const firstSeen = (s: ListenerSocket) =>
    service.socketSpans?.find((x) => x.socketId === s.socketId)?.firstSeenMs ?? -1;
  const pid = (s: ListenerSocket) => Math.min(...s.processes.map((p) => p.pid), Infinity);
  return [...sockets].sort((a, b) => firstSeen(a) - firstSeen(b) || pid(a) - pid(b));
}

export function portListenerTable(service: ServiceResult): string {
  const sockets = bySeen(service, portSockets(service));
  const heading = `**Listeners on port ${service.port}**`;
  if (sockets.length === 0)
    return `${heading}\n\nNothing listened on port ${service.port} while it was watched.`;
  const distinct = (values: string[]) => [...new Set(values.filter(Boolean))];
  const table = mdTable(
    ['Address', 'Family', 'PIDs', 'Process', 'Command line', 'Started', 'Seen on the port'],
    ['l', 'l', 'l', 'l', 'l', 'l', 'l'],
    sockets.map((s) => {
      const starts = distinct(s.processes.map((p) => p.startedAt ?? '')).sort();
      return [
        cell(formatEndpoint(s.address, s.port)),
        s.family,
        s.processes.map((p) => `${p.pid}${p.state === 'exited' ? ' (exited)' : ''}`).join(', ') ||
          '—',
        s.ownerUnknown
          ? cell(`unknown: ${s.ownerUnknown}`)
          : cell(distinct(s.processes.map((p) => p.name.trim() || 'name unreadable')).join(', ')) ||
            '—',
        distinct(s.processes.map((p) => p.command))
          .map(cell)
          .join('<br>') || '—',
        starts[0] ? cell(starts[0]) : '—',
        seen(service.socketSpans, s.socketId),
      ];
    }),
  );
  return `${heading}\n\n${table}`;
}
