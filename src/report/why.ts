/**
 * The "why" callout under the verdict of a failed run: one short paragraph per failed listener or
 * ready item, the cause in plain words joined from what the run measured (who held the port,
 * which process answered which probe, whether the run started them, the crash line), and the
 * next step as a fenced command to copy.
 */
import { groupListeners } from '../checklist/listener-count.js';
import type { ItemResult, ProbeResult, RunResult, ServiceResult } from '../checklist/types.js';
import type { ListenerSocket, ProcessInfo } from '../platform/types.js';
import { topmost } from '../process/tree.js';
import { formatAge } from '../format/age.js';
import { formatEndpoint } from './listener-table.js';
import { codeBlock, mdCode, mdInline, mdWithCode } from './markdown.js';
import { answeredByAny, countAnswers } from './probe-strip.js';
import { portSockets } from './summary-listeners.js';
import { cut, formatDuration, shortCommand } from './text.js';

const COMMAND_MAX = 80;
const LINE_MAX = 600;
/** A holder that started this much before the run is said to be older than it (start times are coarse). */
const OLDER_MS = 2000;
const COUNT_WORDS = ['No', 'One', 'Two', 'Three', 'Four', 'Five'];

/** One paragraph: prose, optionally a fenced block under it and a line after that. */
interface Paragraph {
  text: string;
  block?: string;
  then?: string;
}

/** The callout as a blockquote, or null when nothing failed that it explains. */
export function whyCallout(result: RunResult): string | null {
  const several = result.services.length > 1;
  const paragraphs = result.services.flatMap((service) =>
    serviceParagraphs(service, result).map((p) =>
      several ? { ...p, text: `**${mdInline(service.name)}:** ${p.text}` } : p,
    ),
  );
  if (paragraphs.length === 0) return null;
  const lines = paragraphs.flatMap((p, i) => [
    ...(i > 0 ? [''] : []),
    p.text,
    ...(p.block ? ['', ...p.block.split('\n')] : []),
    ...(p.then ? ['', p.then] : []),
  ]);
  return lines.map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
}

const LISTENER_ITEMS = ['port-free', 'ready', 'single-listener', 'listener-owner'];

function serviceParagraphs(service: ServiceResult, result: RunResult): Paragraph[] {
  // Ages as of the run's end, when the summary is written.
  const end = new Date(Date.parse(result.startedAt) + result.durationMs);
  const failed = service.items.filter((i) => i.status === 'fail');
  const listenerItems = failed.filter((i) => LISTENER_ITEMS.includes(i.id));
  // Other failures (an endpoint's 404) get a plain paragraph only when no listener item
  // explains the run: a flapping endpoint is explained by the servers that answered it.
  const items = listenerItems.length > 0 ? listenerItems : failed;
  return items.map((item) => {
    switch (item.id) {
      case 'port-free':
        return staleHolder(item, service, end) ?? plain(item);
      case 'ready':
        return crash(item) ?? plain(item);
      case 'single-listener':
        return severalServers(item, service, result, end) ?? plain(item);
      default:
        return plain(item);
    }
  });
}

function plain(item: ItemResult): Paragraph {
  const diagnosis = item.diagnosis ? ` ${mdWithCode(cut(item.diagnosis, LINE_MAX))}` : '';
  return {
    text: `**${mdInline(item.title)}:** ${mdInline(cut(item.summary, LINE_MAX))}.${diagnosis}`,
  };
}

/** `pid 4402 `flask run``: the topmost holder stands for a listener (gunicorn's master). */
function named(p: ProcessInfo): string {
  return `pid ${p.pid} ${mdCode(shortCommand(p.command || p.name || 'command unreadable', COMMAND_MAX))}`;
}

function mainProcess(listener: ListenerSocket[]): ProcessInfo | undefined {
  return topmost(listener.flatMap((s) => s.processes))[0];
}

function joinAnd(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** `port-free` failed because the port was held: who held it, and the command that frees it. */
function staleHolder(item: ItemResult, service: ServiceResult, end: Date): Paragraph | null {
  // port-free names the command when a kill is the fix (not for a system service).
  if (!item.nextStep) return null;
  const listeners = groupListeners(item.listeners ?? []);
  const holders = listeners.flatMap((l) => {
    const main = mainProcess(l);
    if (!main) return [];
    const age = main.startedAt ? ` (started ${formatAge(main.startedAt, end)})` : '';
    return [`${named(main)}${age}`];
  });
  if (holders.length === 0) return null;
  const them = holders.length === 1 ? 'it' : 'them';
  return {
    text: `${joinAnd(holders)} held port ${service.port} before the run: stop ${them} with`,
    block: codeBlock([item.nextStep], 'sh'),
  };
}

/** `ready` failed because the backend died: the line of its log that says why. */
function crash(item: ItemResult): Paragraph | null {
  if (!item.crashLine) return null;
  const summary = item.summary.charAt(0).toUpperCase() + item.summary.slice(1);
  return {
    text: `${mdInline(cut(summary, LINE_MAX))}; its log ends with:`,
    block: codeBlock([cut(item.crashLine, LINE_MAX)]),
    then: 'The whole log is folded below; the command under **Reproduce locally** runs it again on your machine.',
  };
}

/** How a listener answered the probes, when probes were attributed to processes. */
function answers(listener: ListenerSocket[], probes: ProbeResult[]): string | null {
  if (!probes.some((p) => p.answeredBy)) return null;
  const pids = new Set(listener.flatMap((s) => s.processes.map((p) => p.pid)));
  const mine = answeredByAny(probes, pids);
  return mine.length === 0 ? 'answered no probe' : `answered ${countAnswers(mine)}`;
}

/**
 * `single-listener` failed with more than one listener: each server with how it answered and
 * how old it is, joined with `listener-owner`'s verdict on who started them.
 */
function severalServers(
  item: ItemResult,
  service: ServiceResult,
  result: RunResult,
  end: Date,
): Paragraph | null {
  const sockets =
    item.listeners && item.listeners.length > 0 ? item.listeners : portSockets(service);
  const spans = new Map((service.socketSpans ?? []).map((s) => [s.socketId, s]));
  const appearedMs = (listener: ListenerSocket[]) =>
    Math.min(...listener.map((s) => spans.get(s.socketId)?.firstSeenMs ?? Infinity));
  // In the order they appeared, then by pid: the first server first.
  const listeners = groupListeners(sockets).sort(
    (a, b) =>
      appearedMs(a) - appearedMs(b) || (mainProcess(a)?.pid ?? 0) - (mainProcess(b)?.pid ?? 0),
  );
  if (listeners.length < 2) return null;
  const probes = service.items.flatMap((i) => i.probes ?? []);
  const runStart = Date.parse(result.startedAt);
  // A listener first seen after single-listener's own read came late: it was not there when
  // the check first passed (the watch's read times are exact only to its poll).
  const checkedAt = item.startedAtMs + item.durationMs;
  const servers = listeners.map((listener) => {
    const main = mainProcess(listener);
    const notes: string[] = [];
    const answered = answers(listener, probes);
    if (answered) notes.push(answered);
    if (main?.startedAt && Date.parse(main.startedAt) < runStart - OLDER_MS)
      notes.push(`started ${formatAge(main.startedAt, end)}`);
    const appeared = Math.min(
      ...listener.map((s) => spans.get(s.socketId)?.firstSeenMs ?? Infinity),
    );
    if (Number.isFinite(appeared) && appeared > checkedAt)
      notes.push(`appeared at +${formatDuration(appeared)}, after the listener check had passed`);
    const who = main ? named(main) : 'a listener whose owner could not be read';
    return `${who}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  });
  const where = [...new Set(sockets.map((s) => formatEndpoint(s.address, s.port)))];
  const count = COUNT_WORDS[listeners.length] ?? String(listeners.length);
  const sentences = [
    `${count} servers answer on ${mdInline(joinAnd(where))}: ${joinAnd(servers)}.`,
  ];
  if (!probes.some((p) => p.answeredBy) && new Set(probes.map((p) => p.status)).size > 1)
    sentences.push(
      `The probes got ${countAnswers(probes)}; which server answered each was not attributed.`,
    );
  const owner = service.items.find((i) => i.id === 'listener-owner');
  if (owner?.status === 'pass' || owner?.status === 'warn')
    sentences.push(
      `${listeners.length === 2 ? 'Both' : `All ${listeners.length}`} were started by your start command.`,
    );
  return {
    text: `${sentences.join(' ')} Make it start one server (a second command after \`&\`, a reloader, a process manager), then watch the port while it runs with`,
    block: codeBlock([`npx single-listener-check listeners --port ${service.port}`], 'sh'),
  };
}
