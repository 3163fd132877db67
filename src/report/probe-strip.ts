/**
 * One endpoint's probes at a glance: a strip of verdicts (`✅✅❌✅`) and, per process that
 * answered, how it answered (`pid 4402 `flask run`: 200 ×6`). Probes that were not attributed
 * are counted apart, never guessed onto a process.
 */
import type { ProbeResult } from '../checklist/types.js';

export const PROBE_ICON = { ok: '✅', failed: '❌' } as const;

export function probeStrip(probes: readonly ProbeResult[]): string {
  return probes.map((p) => (p.ok ? PROBE_ICON.ok : PROBE_ICON.failed)).join('');
}

/** What one probe got back: its HTTP status, or `no answer`. */
export function answerLabel(p: ProbeResult): string {
  return p.status === null ? 'no answer' : String(p.status);
}

/** `200 ×6, 404 ×2`, in the order the answers first came. */
export function countAnswers(probes: readonly ProbeResult[]): string {
  const counts = new Map<string, number>();
  for (const p of probes) counts.set(answerLabel(p), (counts.get(answerLabel(p)) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${label} ×${n}`).join(', ');
}

export interface AnswerGroup {
  /** The process that answered; null for probes not attributed, undefined when none was tried. */
  by: { pid: number; command: string } | null | undefined;
  probes: ProbeResult[];
  /** The reasons probes were not attributed (only for `by: null`). */
  reasons: string[];
}

/** The probes grouped by who answered them, in the order each answerer first answered. */
export function groupByAnswerer(probes: readonly ProbeResult[]): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  for (const p of probes) {
    const key =
      p.answeredBy === undefined
        ? 'untried'
        : p.answeredBy === null
          ? 'unattributed'
          : `pid ${p.answeredBy.pid}`;
    const group = groups.get(key) ?? { by: p.answeredBy, probes: [], reasons: [] };
    group.probes.push(p);
    if (p.answeredBy === null && p.unattributed && !group.reasons.includes(p.unattributed))
      group.reasons.push(p.unattributed);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The probes one of these pids answered (the processes of one listener). */
export function answeredByAny(
  probes: readonly ProbeResult[],
  pids: ReadonlySet<number>,
): ProbeResult[] {
  return probes.filter((p) => p.answeredBy && pids.has(p.answeredBy.pid));
}
