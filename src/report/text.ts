/** Plain-text helpers every reporter shares: control-character cleanup, cutting, counts (and durations, from format/). */
import type { ItemResult, ItemStatus } from '../checklist/types.js';

/* eslint-disable no-control-regex -- control characters are what these patterns look for */
// ANSI/VT escape sequences (CSI incl. the 8-bit form, OSC up to BEL or ST, two-byte ESC forms).
const ESCAPE_SEQUENCE =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
// Every other C0/C1 control character except tab and newline.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/* eslint-enable no-control-regex */

/**
 * Untrusted text made safe to show: line endings normalised to `\n`, escape sequences (colours,
 * cursor moves, terminal titles) removed, any other control character shown as U+FFFD.
 */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '\uFFFD');
}

/** `s` cut to at most `max` characters, saying how much was cut; never splits a surrogate pair. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}… (${s.length - end} more characters)`;
}

// The reporters take the one duration format along with these helpers.
export { formatDuration } from '../format/duration.js';

export type StatusCounts = Record<ItemStatus, number>;

export function countStatuses(items: readonly ItemResult[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}

/** `1 failed, 7 passed, 1 warning, 1 skipped` (zero counts left out). */
export function describeCounts(counts: StatusCounts): string {
  const parts = [
    counts.fail > 0 ? `${counts.fail} failed` : '',
    counts.pass > 0 ? `${counts.pass} passed` : '',
    counts.warn > 0 ? `${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}` : '',
    counts.skip > 0 ? `${counts.skip} skipped` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'no items';
}

/** "port 5000" or "ports 5000, 3000". */
export function describePorts(ports: readonly number[]): string {
  return `${ports.length === 1 ? 'port' : 'ports'} ${ports.join(', ')}`;
}

/**
 * A long command cut in the middle (`/usr/bin/python3 -u /ho…/server.py 5000 404`): its start
 * names the program and its end the arguments that tell two servers apart.
 */
export function shortCommand(command: string, max: number): string {
  const text = cleanText(command).replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) * 0.4);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}
