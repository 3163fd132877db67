import { UsageError } from '../errors.js';
import { createRedactor } from '../format/redact.js';

/**
 * One thing wrong with the configuration. `field` is in the vocabulary of the source the
 * value came from: `--ready-timeout` for a flag, `ready-timeout` for an action input,
 * `services[1].readyTimeout` for the config file.
 */
export interface Problem {
  field: string;
  reason: string;
  /** The offending value, shown as `(got …)`; omitted when there is none (a missing key). */
  value?: unknown;
}

/**
 * Thrown by the value readers with a reason only: the caller knows which field the value
 * belongs to, and names it in its own vocabulary.
 */
export class InvalidValue extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidValue';
  }
}

const MAX_SHOWN = 60;

/** The value JSON-quoted and cut to a readable length, on one line. */
function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value); // circular or otherwise unserialisable
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/**
 * `<field>: <reason> (got <value>)`. Secrets (values from ${VAR}, header values) inside a
 * shown string are replaced by `***`: a bad value must not leak a token into the log.
 */
export function formatProblem(problem: Problem, secrets: readonly string[] = []): string {
  const head = `${problem.field}: ${problem.reason}`;
  if (problem.value === undefined) return head;
  return `${head} (got ${describeValue(createRedactor(secrets).deep(problem.value))})`;
}

/** Runs a reader; an InvalidValue becomes a Problem for `field` instead of an exception. */
export function attempt<T>(
  problems: Problem[],
  field: string,
  value: unknown,
  read: (value: unknown) => T,
): T | undefined {
  try {
    return read(value);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    problems.push({ field, reason: error.message, value });
    return undefined;
  }
}

/** The public single-value parsers: a reader's InvalidValue as a one-line UsageError. */
export function parseOrThrow<T>(read: (value: unknown) => T, value: unknown, field: string): T {
  const problems: Problem[] = [];
  const result = attempt(problems, field, value, read);
  if (problems.length > 0) throw new UsageError(problems.map((p) => formatProblem(p)));
  return result as T;
}

/** Key path as a user writes it: `services[1].endpoints[0].headers.Authorization`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][\w-]*$/.test(segment))
      text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? '(top level)' : text;
}

/** Later items whose key an earlier item already has, each with the index of that first one. */
export function duplicates<T>(
  items: readonly T[],
  keyOf: (item: T) => string | number | undefined,
): Array<{ index: number; firstIndex: number }> {
  const first = new Map<string | number, number>();
  const found: Array<{ index: number; firstIndex: number }> = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else found.push({ index, firstIndex: earlier });
  });
  return found;
}

/** "Did you mean" for a misspelt key or flag: `readyTimout` → `readyTimeout`, `ready-timeout` → `readyTimeout`. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const normal = normalise(word);
  const sameSpelling = candidates.find((c) => normalise(c) === normal);
  if (sameSpelling !== undefined) return sameSpelling;
  const budget = normal.length < 5 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(normal, normalise(candidate));
    if (distance <= budget && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** Case, dashes and underscores do not count: `ready_timeout`, `ReadyTimeout`. */
function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

/** Optimal string alignment distance (an adjacent swap costs one edit). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Infinity; // beyond any budget; skip the work
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
