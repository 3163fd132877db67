/**
 * The live terminal view (README, "Logs in CI"): a header per service, one line per item with an
 * icon as it finishes (details and diagnosis indented below for fail and warn), the backend's log
 * lines, and a progress line while waiting. On a TTY the progress line is rewritten in place;
 * off a TTY (CI logs) it becomes a heartbeat line printed at most once every
 * PROGRESS_INTERVAL_MS. In GitHub Actions (`groups`) each run of consecutive backend log lines
 * sits in a collapsed `::group::backend log (<service>)`, closed before anything else is printed,
 * so item lines, heartbeats and the verdict are never hidden inside a group. Prose (item lines,
 * diagnoses, details, the closing lines) wraps to the width with a hanging indent; tables and log
 * lines are printed whole. Colour only when asked (terminalColor). The same icons are used
 * everywhere: ✔ pass, ✖ fail, ⚠ warn, ↷ skip.
 */
import { LOG_TAIL_HEADING } from '../checklist/item.js';
import type { ItemResult, ItemStatus, RunResult } from '../checklist/types.js';
import { renderListenerTable } from './listener-table.js';
import { cleanText, countStatuses, describeCounts, describePorts, formatDuration } from './text.js';
import { wrapText } from './wrap.js';

export interface TerminalOutput {
  write(s: string): void;
  isTTY: boolean;
  /**
   * Terminal width, when known: the live line is cut to it so `\r` can rewrite it, and prose is
   * wrapped to it (else to DEFAULT_WIDTH).
   */
  columns?: number;
}

export interface TerminalOptions {
  /** ANSI colours: see terminalColor. */
  color: boolean;
  /**
   * GitHub Actions log groups around the backend's log lines (off a TTY only: a workflow command
   * must start a line, which a live `\r` line would break). The caller passes GITHUB_ACTIONS.
   */
  groups?: boolean;
  /** Clock for the off-TTY heartbeat throttle (tests). */
  now?: () => number;
  /** Off a TTY, the least time between two heartbeat lines; default PROGRESS_INTERVAL_MS. */
  progressIntervalMs?: number;
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
  /** Any other text for the log (the summary printed under act): outside any log group. */
  print(text: string): void;
  finished(result: RunResult, reports?: ReportPaths): void;
}

/**
 * Whether to colour the output: never when NO_COLOR is set to anything but "" (no-color.org; it
 * wins over FORCE_COLOR); always when FORCE_COLOR is set, except "0" and "false", which turn
 * colour off even on a TTY (Node.js's own reading of FORCE_COLOR); else only on a TTY.
 */
export function terminalColor(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY;
}

export const PROGRESS_INTERVAL_MS = 5000;

export const ICONS: Record<ItemStatus, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '↷' };
const STATUS_COLOR: Record<ItemStatus, number> = { pass: 32, fail: 31, warn: 33, skip: 2 };
const CLEAR_LINE = '\r\x1b[2K';
const INDENT = '      ';
const LISTENER_COMMAND_MAX = 100;
/**
 * Where prose wraps when the width is unknown: off a TTY (CI logs, pipes, files). GitHub's log
 * viewer would wrap a long line at its own width, but without the hanging indent.
 */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, a hanging indent leaves too little room: wrap as if this wide. */
const MIN_WIDTH = 40;

export function createTerminalReporter(
  out: TerminalOutput,
  opts: TerminalOptions,
): TerminalReporter {
  const now = opts.now ?? Date.now;
  const interval = opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  const groups = opts.groups === true && !out.isTTY;
  const paint = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const oneLine = (s: string) => cleanText(s).replace(/[\n\t]+/g, ' ');
  // One column short of the edge: some terminals wrap as soon as the last column is written.
  const width = Math.max(MIN_WIDTH, out.columns ? out.columns - 1 : DEFAULT_WIDTH);
  const wrap = (text: string, first: string, hanging: string) =>
    wrapText(text, width, first, hanging);

  let current: string | null = null; // title of the running item, if announced
  let live: string | null = null; // the progress line now on screen (TTY only)
  let quietSince: number | null = null; // off a TTY: when the last progress line was printed
  let services = 0;
  let group: string | null = null; // the service whose log group is open (groups only)
  let service: string | null = null; // the service whose items are running
  const streamed = new Set<string>(); // services whose log lines were printed outside groups
  let done = false; // finished: no group is opened after the verdict, nothing would close it

  const closeGroup = () => {
    if (group !== null) out.write('::endgroup::\n');
    group = null;
  };
  const clearLive = () => {
    closeGroup();
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
      service = name;
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
      else if (t - quietSince >= interval) {
        quietSince = t;
        closeGroup();
        out.write(`  … ${oneLine(current ? `${current} — ${text}` : text)}\n`);
      }
    },

    logLine(from, line) {
      // The prefix also keeps a log line from starting with `::` (a workflow command).
      const prefix = paint(2, `${oneLine(from)} │`);
      let text = cleanText(line)
        .split('\n')
        .map((l) => `${prefix} ${l}\n`)
        .join('');
      if (groups && !done && group !== from) {
        closeGroup();
        group = from;
        text = `::group::backend log (${oneLine(from)})\n${text}`;
      }
      if (!groups) streamed.add(from);
      // On a TTY the live line is cleared, the log line printed, and the live line redrawn below.
      out.write(live === null ? text : `${CLEAR_LINE}${text}${live}`);
    },

    itemFinished(item) {
      clearLive();
      current = null;
      quietSince = null;
      const icon = paint(STATUS_COLOR[item.status], ICONS[item.status]);
      const lines = wrap(
        `${oneLine(item.title)} — ${oneLine(item.summary)} ${paint(2, `(${formatDuration(item.durationMs)})`)}`,
        `  ${icon} `,
        '    ',
      );
      if (item.status === 'fail' || item.status === 'warn') {
        // The log lines were printed as they came: the tail is not printed a second time.
        const logAbove = service !== null && streamed.has(service) ? service : null;
        for (const { text, hanging } of itemDetailLines(item, logAbove)) {
          if (hanging === null) lines.push(`${INDENT}${text}`);
          else lines.push(...wrap(text, INDENT, INDENT + hanging));
        }
      }
      out.write(lines.map((l) => `${l}\n`).join(''));
    },

    print(text) {
      clearLive();
      out.write(text);
    },

    finished(result, reports) {
      clearLive();
      done = true;
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
      const closing = (label: string, text: string) =>
        lines.push(...wrap(oneLine(text), `  ${label}: `, ' '.repeat(label.length + 4)));
      if (failed.length > 0) closing('failed', describeFailed(failed, result.services.length));
      if (result.interrupted) closing('interrupted', result.interrupted);
      if (result.error) closing('internal error', result.error);
      if (reports) lines.push(`  report: ${reports.reportPath}`, `  junit:  ${reports.junitPath}`);
      for (const s of result.services) {
        if (s.logPath) lines.push(`  backend log (${oneLine(s.name)}): ${oneLine(s.logPath)}`);
      }
      out.write(lines.map((l) => `${l}\n`).join(''));
    },
  };
}

/**
 * The failed items as titled above them: `Exactly one listener, GET /api/items`; with several
 * services, each list after its service: `api: Exactly one listener; web: Port free before start`.
 */
function describeFailed(failed: { service: string; item: ItemResult }[], services: number): string {
  if (services === 1) return failed.map(({ item }) => item.title).join(', ');
  const byService = new Map<string, string[]>();
  for (const { service, item } of failed)
    byService.set(service, [...(byService.get(service) ?? []), item.title]);
  return [...byService].map(([service, titles]) => `${service}: ${titles.join(', ')}`).join('; ');
}

const DIAGNOSIS = 'Diagnosis: ';

/**
 * One line under an item: prose is wrapped to the width, its next lines indented by `hanging`;
 * the rest (tables, log lines) is printed whole (`hanging` null).
 */
interface DetailLine {
  text: string;
  hanging: string | null;
}

/**
 * Headline, diagnosis, details, disagreeing probes and measured listeners of one item.
 * `logAbove`: the service whose log lines were printed as they came, so a log tail in the
 * details is replaced by a pointer to them (a crash's traceback shows once).
 */
function itemDetailLines(item: ItemResult, logAbove: string | null): DetailLine[] {
  const prose = (text: string, hanging = '  '): DetailLine => ({
    text: cleanText(text).replace(/\n/g, ' '),
    hanging,
  });
  const whole = (text: string): DetailLine => ({ text, hanging: null });
  const lines: DetailLine[] = [];
  if (item.crashLine) lines.push(prose(item.crashLine));
  if (item.diagnosis)
    lines.push(prose(`${DIAGNOSIS}${item.diagnosis}`, ' '.repeat(DIAGNOSIS.length)));
  const details = item.details.flatMap((d) => cleanText(d).split('\n'));
  const tail = details.indexOf(LOG_TAIL_HEADING);
  lines.push(...(tail < 0 ? details : details.slice(0, tail)).map((d) => prose(d)));
  if (tail >= 0 && logAbove !== null)
    lines.push(prose(`${LOG_TAIL_HEADING} printed above as they came (${logAbove} │ …)`));
  else if (tail >= 0) lines.push(whole(LOG_TAIL_HEADING), ...details.slice(tail + 1).map(whole));
  if (item.probes && item.flapping) {
    for (const p of item.probes) {
      const failures = p.failures.length > 0 ? ` — ${p.failures.join('; ')}` : '';
      lines.push(
        prose(
          `probe ${p.n}: ${p.ok ? ICONS.pass : ICONS.fail} ${p.status ?? 'no response'} (${formatDuration(p.durationMs)})${failures}`,
        ),
      );
    }
  }
  if (item.listeners && item.listeners.length > 0) {
    const table = renderListenerTable(item.listeners, { maxCommandLength: LISTENER_COMMAND_MAX });
    lines.push(...table.split('\n').map(whole));
  }
  return lines;
}
