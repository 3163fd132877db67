/** Status expectations: codes (200), classes (2xx) and lists of them — parsing, matching, wording. */
import { InvalidValue, parseOrThrow } from './problems.js';
import type { StatusSpec } from './types.js';

/** An endpoint passes on any 2xx; a health path must answer exactly 200. */
export const DEFAULT_ENDPOINT_STATUS: StatusSpec = ['2xx'];
export const DEFAULT_HEALTH_STATUS: StatusSpec = [200];

type StatusClass = StatusSpec[number] & string;
const EXPECTED = 'expected a status code (100-599), a class (1xx-5xx) or a list such as 200,204';

/**
 * A status spec from a number (200), a string ('200', '2xx', '200,204') or a list of those
 * (the YAML form `[200, 3xx]`). Duplicates are dropped; order is kept for the wording.
 */
export function readStatus(value: unknown): StatusSpec {
  const entries = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : [value];
  if (entries.length === 0) throw new InvalidValue(`is an empty list; ${EXPECTED}`);
  const spec: StatusSpec = [];
  for (const entry of entries) {
    const parsed = readEntry(entry);
    if (!spec.includes(parsed)) spec.push(parsed);
  }
  return spec;
}

function readEntry(entry: unknown): number | StatusClass {
  if (typeof entry === 'number') return checkCode(entry);
  if (typeof entry !== 'string') throw new InvalidValue(EXPECTED);
  const text = entry.trim();
  if (/^\d{3}$/.test(text)) return checkCode(Number(text));
  const statusClass = /^(\d)xx$/i.exec(text);
  if (statusClass !== null) {
    const digit = Number(statusClass[1]);
    if (digit < 1 || digit > 5) throw new InvalidValue('a status class must be 1xx to 5xx');
    return `${digit}xx` as StatusClass;
  }
  throw new InvalidValue(text === '' ? `has an empty entry; ${EXPECTED}` : EXPECTED);
}

function checkCode(code: number): number {
  if (!Number.isInteger(code) || code < 100 || code > 599)
    throw new InvalidValue('a status code must be a whole number from 100 to 599');
  return code;
}

/** A status spec from text (`200`, `2xx`, `200,204`); a one-line UsageError naming `field` otherwise. */
export function parseStatus(text: string, field: string): StatusSpec {
  return parseOrThrow(readStatus, text, field);
}

/** True when any entry matches: an exact code, or a class by its first digit. Empty: any status. */
export function statusMatches(spec: StatusSpec, code: number): boolean {
  return (
    spec.length === 0 ||
    spec.some((entry) =>
      typeof entry === 'number' ? entry === code : Math.floor(code / 100) === Number(entry[0]),
    )
  );
}

/** "200", "2xx", "200 or 204", "200, 204 or 3xx". */
export function describeStatus(spec: StatusSpec): string {
  const parts = spec.map(String);
  return parts.length <= 1
    ? (parts[0] ?? 'any status')
    : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/** The same entries in the same order. */
export function sameStatus(a: StatusSpec, b: StatusSpec): boolean {
  return a.length === b.length && a.every((entry, i) => String(entry) === String(b[i]));
}
