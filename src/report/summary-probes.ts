/**
 * Each endpoint's probes in the job summary: a strip of verdicts, who answered how many of them
 * (per process, when probes were attributed), and the table of every probe folded in `<details>`.
 */
import type { ItemResult, ProbeResult, ServiceResult } from '../checklist/types.js';
import { mdCode, mdInline, mdTable } from './markdown.js';
import {
  PROBE_ICON,
  answerLabel,
  countAnswers,
  groupByAnswerer,
  probeStrip,
} from './probe-strip.js';
import { cell } from './summary-listeners.js';
import { formatDuration, shortCommand } from './text.js';

const COMMAND_MAX = 80;

function answererLine(group: ReturnType<typeof groupByAnswerer>[number]): string {
  const counts = countAnswers(group.probes);
  if (group.by === undefined) return counts;
  if (group.by === null) {
    const why = group.reasons.length > 0 ? ` (${mdInline(group.reasons.join('; '))})` : '';
    return `not attributed${why}: ${counts}`;
  }
  return `pid ${group.by.pid} ${mdCode(shortCommand(group.by.command, COMMAND_MAX))}: ${counts}`;
}

function answeredBy(p: ProbeResult): string {
  if (p.answeredBy === undefined) return '—';
  if (p.answeredBy === null)
    return cell(`not attributed${p.unattributed ? `: ${p.unattributed}` : ''}`);
  return `pid ${p.answeredBy.pid}`;
}

function probeTable(probes: ProbeResult[]): string {
  const table = mdTable(
    ['Probe', 'Result', 'Status', 'Answered by', 'Duration', 'Failures'],
    ['r', 'c', 'r', 'l', 'r', 'l'],
    probes.map((p) => [
      String(p.n),
      p.ok ? PROBE_ICON.ok : PROBE_ICON.failed,
      p.status === null ? '—' : answerLabel(p),
      answeredBy(p),
      formatDuration(p.durationMs),
      cell(p.failures.join('; ')) || '—',
    ]),
  );
  // A blank line after <summary>: GitHub reads the table inside as markdown.
  return `<details>\n<summary>Each probe, in order</summary>\n\n${table}\n\n</details>`;
}

function endpointProbes(item: ItemResult, probes: ProbeResult[]): string {
  const groups = groupByAnswerer(probes);
  const answerers =
    groups.length === 1 && groups[0]!.by === undefined
      ? [`${probeStrip(probes)} ${countAnswers(probes)}`]
      : [probeStrip(probes), '', ...groups.map((g) => `- ${answererLine(g)}`)];
  return [
    `**${mdInline(item.title)}** ${answerers[0]}`,
    ...answerers.slice(1),
    '',
    probeTable(probes),
  ].join('\n');
}

/** The probes part of one service, or null when it probed no endpoint. */
export function probeSection(service: ServiceResult): string | null {
  const probed = service.items.filter((i) => i.probes && i.probes.length > 0);
  if (probed.length === 0) return null;
  return probed.map((item) => endpointProbes(item, item.probes!)).join('\n\n');
}
