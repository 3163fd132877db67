/**
 * zod's issues for the config file as Problems: the key path as the field, the offending
 * value, and plain wording ("expected a list", "unknown key; did you mean readyTimeout?").
 */
import type { z } from 'zod';
import { fieldPath, type Problem } from './problems.js';
import { NESTED_KEYS } from './schema.js';
import { closest } from './problems.js';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

/**
 * Validates `data` (one mapping of the file) against `schema`; issues become Problems whose
 * field is the key path (`prefix` + the issue's path), with the offending value.
 */
export function validate<T extends z.ZodType>(
  schema: T,
  data: unknown,
  prefix: PropertyKey[],
  rootKeys: string[],
): { data?: z.output<T>; problems: Problem[] } {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { data: parsed.data, problems: [] };
  const problems = parsed.error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path, rootKeys);
      return issue.keys.map((key) => ({
        field: fieldPath([...prefix, ...issue.path, key]),
        reason: unknownKeyReason(key, issue.path, known),
        value: valueAt(data, [...issue.path, key]),
      }));
    }
    const value = valueAt(data, issue.path);
    const field = fieldPath([...prefix, ...issue.path]);
    if (isRequestHeader(issue.path))
      return [
        { field, reason: `${reasonOf(issue, value)} (value not shown: header values are secrets)` },
      ];
    return [{ field, reason: reasonOf(issue, value), value }];
  });
  return { problems };
}

function reasonOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'custom') return issue.message;
  if (value === undefined) return 'is required';
  if (value === null) return 'has no value';
  if (issue.code === 'invalid_type')
    return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `must list at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
  return issue.message;
}

/** `endpoints[i].headers.X` — not `expect.headers`, which are expected response headers. */
function isRequestHeader(path: PropertyKey[]): boolean {
  const at = path.lastIndexOf('headers');
  return at >= 2 && path[at - 2] === 'endpoints';
}

function knownKeysAt(path: PropertyKey[], rootKeys: string[]): string[] {
  const owner = [...path].reverse().find((segment) => typeof segment === 'string');
  return owner !== undefined && owner in NESTED_KEYS
    ? NESTED_KEYS[owner as keyof typeof NESTED_KEYS]
    : rootKeys;
}

function unknownKeyReason(key: string, path: PropertyKey[], known: string[]): string {
  if (known === NESTED_KEYS.endpoints && NESTED_KEYS.expect.includes(key))
    return `unknown key; did you mean expect.${key}? (response checks go under expect)`;
  if (path.length === 0 && key === 'reportDir')
    return 'unknown key here; reportDir is a top-level setting of the whole run';
  const suggestion = closest(key, known);
  return suggestion === undefined ? 'unknown key' : `unknown key; did you mean ${suggestion}?`;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') {
      if (segment === 0) continue; // a one-item list written as the item alone (oneOrMore)
      return undefined;
    }
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}
