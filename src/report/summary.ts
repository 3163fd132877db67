/**
 * The GitHub job summary (README, "Reports"): verdict with the "why" callout, one table of items
 * per service, the diagnosis of failing items, each endpoint's probes, one listener table per
 * port, the timeline chart, the backend log tail (once, collapsed) and the reproduce command. Every piece of untrusted text goes through markdown.ts; the whole stays under
 * SUMMARY_LIMIT_BYTES, dropping the least useful parts first and saying what was left out.
 */
import type { ItemResult, ItemStatus, RunResult, ServiceResult } from '../checklist/types.js';
import { ganttChart } from './gantt.js';
import { codeBlock, htmlEscape, mdInline, mdParagraph, mdTable, mdWithCode } from './markdown.js';
import { probeSection } from './summary-probes.js';
import { cell, portListenerTable } from './summary-listeners.js';
import { shellLines } from './shell-lines.js';
import {
  cleanText,
  countStatuses,
  cut,
  describeCounts,
  describePorts,
  formatDuration,
} from './text.js';
import { whyCallout } from './why.js';

/** GitHub refuses step summaries over 1 MiB; stay well below it. */
export const SUMMARY_LIMIT_BYTES = 512 * 1024;
const LINE_MAX = 1000;
const DETAIL_LINES_MAX = 60;

const ICON: Record<ItemStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️' };
const verdictIcon = (result: 'pass' | 'fail') => (result === 'pass' ? ICON.pass : ICON.fail);

/** A piece of the summary. When it is too large, parts with the highest `dropRank` go first (0: never). */
interface Part {
  text: string;
  dropRank: 0 | 1 | 2 | 3;
  label: string;
}

export function renderSummary(result: RunResult, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const parts: Part[] = [
    { text: head(result), dropRank: 0, label: 'verdict' },
    ...result.services.flatMap((service) => serviceParts(service, result.durationMs)),
    {
      text: `### Reproduce locally\n\n${codeBlock(shellLines(result.reproduce), 'sh')}`,
      dropRank: 0,
      label: 'reproduce command',
    },
  ];
  return fit(parts, limitBytes);
}

/** The verdict heading, the "why" callout right under it, then the counts and run facts. */
function head(result: RunResult): string {
  const ports = result.services.map((s) => s.port);
  const verdict = `single-listener-check ${result.result === 'pass' ? 'passed' : 'failed'}`;
  const why = whyCallout(result);
  const lines = [
    `## ${verdictIcon(result.result)} ${verdict}${ports.length > 0 ? ` — ${describePorts(ports)}` : ''}`,
    ...(why ? ['', why] : []),
    '',
    `**${describeCounts(countStatuses(result.services.flatMap((s) => s.items)))}** in ${formatDuration(result.durationMs)}` +
      ` · ${mdInline(result.platform)} · ${mdInline(`${result.tool.name} ${result.tool.version}`)}` +
      ` · started ${mdInline(result.startedAt)}`,
  ];
  const several = result.services.length > 1;
  for (const service of result.services.filter((s) => s.attach))
    lines.push('', attachNote(service, several));
  if (result.interrupted)
    lines.push('', `> **Interrupted:** ${mdInline(cut(result.interrupted, LINE_MAX))}`);
  if (result.error)
    lines.push('', `> **Internal error:** ${mdInline(cut(result.error, LINE_MAX))}`);
  return lines.join('\n');
}

/**
 * Attach mode checks whatever listens: the reader must know nothing was started (README, "Attach
 * mode").
 */
function attachNote(service: ServiceResult, several: boolean): string {
  const which = several ? ` (${mdInline(service.name)})` : '';
  return `> **Attach mode${which}:** nothing was started; checked the server already listening on port ${service.port}, started elsewhere.`;
}

/**
 * The checklist's rows; items skipped for the same reason share one row (`⏭️ 8 items skipped`),
 * where the first of them stood.
 */
function checklistRows(items: readonly ItemResult[]): string[][] {
  const reason = (item: ItemResult) => item.summary.replace(/^skipped: /, '');
  const skipped = new Map<string, ItemResult[]>();
  for (const item of items.filter((i) => i.status === 'skip'))
    skipped.set(reason(item), [...(skipped.get(reason(item)) ?? []), item]);
  return items.flatMap((item) => {
    const same = item.status === 'skip' ? skipped.get(reason(item))! : [item];
    if (same.length < 2)
      return [
        [ICON[item.status], cell(item.title), cell(item.summary), formatDuration(item.durationMs)],
      ];
    if (same[0] !== item) return [];
    return [[ICON.skip, `${same.length} items skipped`, cell(reason(item)), '—']];
  });
}

function serviceParts(service: ServiceResult, runMs: number): Part[] {
  const name = mdInline(service.name);
  const table =
    service.items.length === 0
      ? 'No checklist item ran.'
      : mdTable(
          ['', 'Item', 'Summary', 'Duration'],
          ['c', 'l', 'l', 'r'],
          checklistRows(service.items),
        );
  const parts: Part[] = [
    {
      text: `### ${verdictIcon(service.result)} ${name} — port ${service.port}\n\n${table}`,
      dropRank: 0,
      label: `checklist of ${service.name}`,
    },
  ];
  const shownLines = new Set<string>();
  for (const item of service.items) {
    const details =
      item.status === 'fail' || item.status === 'warn' ? itemDetails(item, shownLines) : null;
    if (details)
      parts.push({ text: details, dropRank: 1, label: `details of ${service.name} ${item.id}` });
  }
  const probes = probeSection(service);
  if (probes) parts.push({ text: probes, dropRank: 1, label: `probes of ${service.name}` });
  parts.push(
    {
      text: portListenerTable(service),
      dropRank: 2,
      label: `listeners of ${service.name}`,
    },
    {
      text: `**Timeline**\n\n${ganttChart(service, runMs)}`,
      dropRank: 2,
      label: `timeline of ${service.name}`,
    },
    { text: logBlock(service), dropRank: 3, label: `backend log of ${service.name}` },
  );
  return parts;
}

/**
 * What a failed or warning item adds to its table row: its diagnosis and the detail lines no
 * earlier item showed (`shown` collects them). The listener table, the probes and the log tail
 * are shown once each, further down; null when nothing is left.
 */
function itemDetails(item: ItemResult, shown: Set<string>): string | null {
  const logAt = item.details.indexOf('last log lines:');
  const details = (logAt < 0 ? item.details : item.details.slice(0, logAt)).filter(
    (line) => !shown.has(line),
  );
  for (const line of details) shown.add(line);
  if (!item.diagnosis && details.length === 0) return null;
  const blocks = [
    `#### ${ICON[item.status]} ${mdInline(item.title)}`,
    mdParagraph(cut(item.summary, LINE_MAX)),
  ];
  if (item.diagnosis) blocks.push(`**Diagnosis:** ${mdWithCode(cut(item.diagnosis, LINE_MAX))}`);
  if (details.length > 0) {
    const lines = details.slice(0, DETAIL_LINES_MAX).map((line) => cut(line, LINE_MAX));
    if (details.length > lines.length)
      lines.push(`… ${details.length - lines.length} more lines in report.json`);
    blocks.push(codeBlock(lines));
  }
  return blocks.join('\n\n');
}

function logBlock(service: ServiceResult): string {
  if (service.logTail.length === 0) {
    return service.logPath
      ? `The backend log is empty (full log: ${mdInline(service.logPath)}).`
      : 'No backend log was written.';
  }
  const where = service.logPath ? ` (full log: ${htmlEscape(service.logPath)})` : '';
  const lines = service.logTail
    .flatMap((line) => cleanText(line).split('\n'))
    .map((line) => htmlEscape(cut(line, LINE_MAX)));
  return [
    '<details>',
    `<summary>Backend log of ${htmlEscape(service.name)}: last ${service.logTail.length} lines${where}</summary>`,
    '',
    // A <pre> HTML block, not a fence: inside <details> the text is raw HTML, so it is
    // HTML-escaped, and the block can only end at a literal </pre>, which escaping removes.
    `<pre>\n${lines.join('\n')}\n</pre>`,
    '',
    '</details>',
  ].join('\n');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const SEPARATOR = '\n\n';

function fit(parts: Part[], limitBytes: number): string {
  const sizes = parts.map((p) => bytes(p.text) + SEPARATOR.length);
  const omitted: Part[] = [];
  const kept = parts.map(() => true);
  let size = sizes.reduce((a, b) => a + b, 0);
  const fits = () =>
    size + (omitted.length > 0 ? bytes(omittedNote(omitted.map((p) => p.label))) : 0) <= limitBytes;
  const dropOrder = parts
    .map((part, i) => ({ part, i }))
    .filter(({ part }) => part.dropRank > 0)
    .sort((a, b) => b.part.dropRank - a.part.dropRank || b.i - a.i);
  for (const { part, i } of dropOrder) {
    if (fits()) break;
    kept[i] = false;
    omitted.push(part);
    size -= sizes[i] ?? 0;
  }
  // Left out in drop order; listed in document order.
  omitted.sort((a, b) => parts.indexOf(a) - parts.indexOf(b));
  const body = parts.filter((_, i) => kept[i]).map((p) => p.text);
  if (omitted.length > 0) body.push(omittedNote(omitted.map((p) => p.label)));
  const text = `${body.join(SEPARATOR)}\n`;
  if (bytes(text) <= limitBytes) return text;
  // Even the essential parts are too large (thousands of items): cut at a line boundary.
  const note = `${SEPARATOR}${omittedNote(['everything below this point'])}\n`;
  const head = Buffer.from(text, 'utf8')
    .subarray(0, limitBytes - bytes(note))
    .toString('utf8');
  return head.slice(0, Math.max(0, head.lastIndexOf('\n'))) + note;
}

function omittedNote(labels: string[]): string {
  const listed =
    labels.slice(0, 20).join('; ') + (labels.length > 20 ? `; and ${labels.length - 20} more` : '');
  return `> ✂️ This summary was shortened to stay under GitHub's 1 MiB limit. Left out: ${mdInline(listed)}. report.json holds the whole result.`;
}
