/**
 * The live terminal view (README, "Reports"): a header per service, one line per item with an icon
 * as it finishes (details and diagnosis indented below for fail and warn), the backend's log lines,
 * and a progress line while waiting. On a TTY the progress line is rewritten in place; off a TTY
 * (CI logs) it is printed at most once every PROGRESS_INTERVAL_MS. Colour only when asked. The same
 * icons are used everywhere: ✔ pass, ✖ fail, ⚠ warn, ↷ skip.
 */
import type { ItemResult, ItemStatus, RunResult } from '../checklist/types.js';
import { renderListenerTable } from './listener-table.js';
import {
  cleanText,
  countStatuses,
  describeCounts,
  describePorts,
  formatDuration,
  probesDisagree,
} from './text.js';

export interface TerminalOutput {
  write(s: string): void;
  isTTY: boolean;
  /** Terminal width, when known: the live line is cut to it so `\r` can rewrite it. */
  columns?: number;
}

export interface TerminalOptions {
  /** The caller passes isTTY && !NO_COLOR. */
  color: boolean;
  /** Clock for the off-TTY progress throttle (tests). */
  now?: () => number;
}

export interface ReportPaths {
  reportPath: string;
  junitPath: string;
}

export interface TerminalReporter {
  /** `attach`: nothing is started, the server already on the port is checked (said at once). */
  serviceStarted(name: string, port: number, attach?: boolean): void;
  itemStarted(id: string, title: string): void;
  progress(text: string): void;
  /** One backend log line, streamed to the job log under its service's name. */
  logLine(service: string, line: string): void;
  itemFinished(item: ItemResult): void;
  finished(result: RunResult, reports?: ReportPaths): void;
}

export const PROGRESS_INTERVAL_MS = 5000;

export const ICONS: Record<ItemStatus, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '↷' };
const STATUS_COLOR: Record<ItemStatus, number> = { pass: 32, fail: 31, warn: 33, skip: 2 };
const CLEAR_LINE = '\r\x1b[2K';
const INDENT = '      ';
const LISTENER_COMMAND_MAX = 100;

export function createTerminalReporter(
  out: TerminalOutput,
  opts: TerminalOptions,
): TerminalReporter {
  const now = opts.now ?? Date.now;
  const paint = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const oneLine = (s: string) => cleanText(s).replace(/[\n\t]+/g, ' ');

  let current: string | null = null; // title of the running item, if announced
  let live: string | null = null; // the progress line now on screen (TTY only)
  let quietSince: number | null = null; // off a TTY: when the last progress line was printed
  let services = 0;

  const clearLive = () => {
    if (live !== null) out.write(CLEAR_LINE);
    live = null;
  };
  const showLive = (text: string) => {
    const line = `  ${paint(2, '…')} ${oneLine(current ? `${current} — ${text}` : text)}`;
    const next = out.columns ? line.slice(0, Math.max(20, out.columns - 1)) : line;
    // Polls come every few ms; the screen only changes when the text does.
    if (next === live) return;
    live = next;
    out.write(`${CLEAR_LINE}${live}`);
  };

  return {
    serviceStarted(name, port, attach = false) {
      clearLive();
      out.write(`${services++ > 0 ? '\n' : ''}${paint(1, `${oneLine(name)} — port ${port}`)}\n`);
      if (attach)
        out.write(
          `  ${paint(33, `attach mode: nothing is started; checking the server already listening on port ${port}`)}\n`,
        );
    },

    itemStarted(_id, title) {
      current = oneLine(title);
      quietSince = null;
      if (out.isTTY) showLive('running');
    },

    progress(text) {
      if (out.isTTY) return showLive(text);
      const t = now();
      if (quietSince === null) quietSince = t;
      else if (t - quietSince >= PROGRESS_INTERVAL_MS) {
        quietSince = t;
        out.write(`  … ${oneLine(current ? `${current} — ${text}` : text)}\n`);
      }
    },

    logLine(service, line) {
      const prefix = paint(2, `${oneLine(service)} │`);
      const text = cleanText(line)
        .split('\n')
        .map((l) => `${prefix} ${l}\n`)
        .join('');
      // On a TTY the live line is cleared, the log line printed, and the live line redrawn below.
      out.write(live === null ? text : `${CLEAR_LINE}${text}${live}`);
    },

    itemFinished(item) {
      clearLive();
      current = null;
      quietSince = null;
      const icon = paint(STATUS_COLOR[item.status], ICONS[item.status]);
      const lines = [
        `  ${icon} ${oneLine(item.title)} — ${oneLine(item.summary)} ${paint(2, `(${formatDuration(item.durationMs)})`)}`,
      ];
      if (item.status === 'fail' || item.status === 'warn' || probesDisagree(item)) {
        lines.push(...itemDetailLines(item).map((l) => `${INDENT}${l}`));
      }
      out.write(lines.map((l) => `${l}\n`).join(''));
    },

    finished(result, reports) {
      clearLive();
      const items = result.services.flatMap((s) =>
        s.items.map((item) => ({ service: s.name, item })),
      );
      const failed = items.filter(({ item }) => item.status === 'fail');
      const passed = result.result === 'pass';
      const ports = result.services.map((s) => s.port);
      const lines = [
        '',
        paint(
          passed ? 32 : 31,
          `${passed ? ICONS.pass : ICONS.fail} single-listener-check ${passed ? 'passed' : 'failed'}` +
            `${ports.length > 0 ? ` — ${describePorts(ports)}` : ''}: ` +
            `${describeCounts(countStatuses(items.map(({ item }) => item)))} (${formatDuration(result.durationMs)})`,
        ),
      ];
      if (failed.length > 0) {
        lines.push(
          `  failed: ${failed.map(({ service, item }) => oneLine(`${service} ${item.id}`)).join(', ')}`,
        );
      }
      if (result.interrupted) lines.push(`  interrupted: ${oneLine(result.interrupted)}`);
      if (result.error) lines.push(`  internal error: ${oneLine(result.error)}`);
      if (reports) lines.push(`  report: ${reports.reportPath}`, `  junit:  ${reports.junitPath}`);
      for (const s of result.services) {
        if (s.logPath) lines.push(`  backend log (${oneLine(s.name)}): ${oneLine(s.logPath)}`);
      }
      out.write(lines.map((l) => `${l}\n`).join(''));
    },
  };
}

/** Diagnosis, details, disagreeing probes and measured listeners of one item, as plain lines. */
function itemDetailLines(item: ItemResult): string[] {
  const lines = item.diagnosis
    ? [`Diagnosis: ${cleanText(item.diagnosis).replace(/\n/g, ' ')}`]
    : [];
  lines.push(...item.details.flatMap((d) => cleanText(d).split('\n')));
  if (item.probes && probesDisagree(item)) {
    for (const p of item.probes) {
      const failures = p.failures.length > 0 ? ` — ${p.failures.join('; ')}` : '';
      lines.push(
        cleanText(
          `probe ${p.n}: ${p.ok ? ICONS.pass : ICONS.fail} ${p.status ?? 'no response'} (${formatDuration(p.durationMs)})${failures}`,
        ).replace(/\n/g, ' '),
      );
    }
  }
  if (item.listeners && item.listeners.length > 0) {
    lines.push(
      ...renderListenerTable(item.listeners, { maxCommandLength: LISTENER_COMMAND_MAX }).split(
        '\n',
      ),
    );
  }
  return lines;
}
