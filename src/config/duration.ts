/**
 * Durations as the config and flags write them (docs/configuration.md, "Durations"): `500ms`,
 * `30s`, `2m`, or bare milliseconds.
 */
import { InvalidValue, parseOrThrow } from './problems.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d{1,15}(?:\.\d{1,6})?)\s*(ms|s|m|h)?$/i;
/** setTimeout's ceiling (about 24.8 days); a longer timer fires at once in Node. */
const MAX_MS = 2 ** 31 - 1;
const EXPECTED = 'expected a duration such as 500ms, 30s, 2m or bare milliseconds';

/**
 * Positive whole milliseconds from a duration string, or from a number of milliseconds (YAML
 * `readyTimeout: 30000`). Throws InvalidValue with the reason.
 */
export function readDuration(value: unknown): number {
  if (typeof value === 'number') return checkRange(value);
  if (typeof value !== 'string') throw new InvalidValue(EXPECTED);
  const text = value.trim();
  if (text === '') throw new InvalidValue(`is empty; ${EXPECTED}`);
  const match = DURATION.exec(text);
  if (match === null) throw new InvalidValue(EXPECTED);
  const unit = (match[2] ?? 'ms').toLowerCase() as keyof typeof UNIT_MS;
  return checkRange(Number(match[1]) * UNIT_MS[unit]);
}

function checkRange(ms: number): number {
  if (!Number.isFinite(ms)) throw new InvalidValue(EXPECTED);
  if (ms < 1) throw new InvalidValue('must be at least 1ms');
  const rounded = Math.round(ms);
  if (rounded > MAX_MS) throw new InvalidValue(`must be at most ${MAX_MS}ms (about 24.8 days)`);
  return rounded;
}

/** Milliseconds; a one-line UsageError naming `field` and the text when it is not a duration. */
export function parseDuration(text: string, field: string): number {
  return parseOrThrow(readDuration, text, field);
}

/** `30s`, `2m`, `1500ms`: what readDuration takes back to the same milliseconds. */
export function durationText(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
