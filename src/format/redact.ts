/**
 * Secrets → `***` (docs/configuration.md, "Secrets"): values that came from `${VAR}` and request
 * header values must not reach the terminal, the summary or the report files. Every character
 * covered by any occurrence of any secret is hidden, overlapping occurrences included, and each
 * covered run becomes one `***`, so no piece of a secret survives whatever the order of the
 * secrets.
 */

export const MASK = '***';

export interface Redactor {
  text(s: string): string;
  /** A copy of `value` with every string in it (object keys too) redacted; other values kept. */
  deep<T>(value: T): T;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const list = distinctSecrets(secrets);
  const text = (s: string) => (list.length === 0 ? s : mask(s, coveredRanges(s, list)));
  const deep = <T>(value: T): T => copyRedacted(value, text, new WeakMap()) as T;
  return { text, deep };
}

function distinctSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

/** Merged, sorted [from, to) ranges covered by any occurrence of any secret. */
function coveredRanges(s: string, secrets: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const secret of secrets) {
    for (let at = s.indexOf(secret); at !== -1; at = s.indexOf(secret, at + 1))
      ranges.push([at, at + secret.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function mask(s: string, ranges: readonly [number, number][]): string {
  let out = '';
  let at = 0;
  for (const [from, to] of ranges) {
    out += s.slice(at, from) + MASK;
    at = to;
  }
  return out + s.slice(at);
}

function copyRedacted(
  value: unknown,
  text: (s: string) => string,
  seen: WeakMap<object, unknown>,
): unknown {
  if (typeof value === 'string') return text(value);
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(copyRedacted(item, text, seen));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) copy[text(key)] = copyRedacted(item, text, seen);
  return copy;
}
