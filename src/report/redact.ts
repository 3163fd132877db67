/**
 * Secrets → `***` (SPEC §4): values that came from `${VAR}` and request header values must not
 * reach the terminal, the summary or the report files. Every character covered by any
 * occurrence of any secret is hidden, overlapping occurrences included, and each covered run
 * becomes one `***`, so no piece of a secret survives whatever the order of the secrets.
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

/**
 * Redaction for a stream of text such as the backend log, where a secret can be split across
 * two chunks. `push` returns the redacted text up to the last newline seen and keeps the
 * unfinished line; `flush` returns the rest at the end. A secret that contains a newline
 * holds back enough characters to be seen whole; an overlong line without a newline is
 * released once it passes MAX_PENDING, minus what could still be the start of a secret.
 * No character of a secret is ever released; the concatenated outputs equal
 * `createRedactor(secrets).text(whole input)`, except that two touching occurrences split
 * across pushes may show as two masks instead of one.
 */
export interface LineRedactor {
  push(chunk: string): string;
  flush(): string;
}

export const MAX_PENDING = 64 * 1024;

export function createLineRedactor(secrets: readonly string[]): LineRedactor {
  const list = distinctSecrets(secrets);
  const longest = Math.max(0, ...list.map((s) => s.length));
  const longestMultiline = Math.max(
    0,
    ...list.filter((s) => s.includes('\n')).map((s) => s.length),
  );
  let pending = '';

  return {
    push(chunk) {
      pending += chunk;
      if (list.length === 0) {
        const end = pending.lastIndexOf('\n') + 1;
        const out = pending.slice(0, end);
        pending = pending.slice(end);
        return out;
      }
      let end = pending.lastIndexOf('\n') + 1;
      // A secret completed later starts no earlier than (length - its length + 1).
      if (pending.length - end > MAX_PENDING) end = pending.length - (longest - 1);
      if (longestMultiline > 0) end = Math.min(end, pending.length - (longestMultiline - 1));
      const ranges = coveredRanges(pending, list);
      // Never release part of an occurrence already in the buffer.
      for (const [from, to] of ranges) if (from < end && end < to) end = from;
      end = Math.max(0, end);
      const out = mask(
        pending.slice(0, end),
        ranges.filter(([, to]) => to <= end),
      );
      pending = pending.slice(end);
      return out;
    },
    flush() {
      const out = list.length === 0 ? pending : mask(pending, coveredRanges(pending, list));
      pending = '';
      return out;
    },
  };
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
