/**
 * `${VAR}` in the config file's string values (docs/configuration.md, "Secrets"), replaced from the
 * environment before validation. `$${` writes a literal `${`. Each substitution is recorded with
 * its key path, for secrets.ts to decide which values to hide.
 */
import { fieldPath, type Problem } from './problems.js';

export interface Substitution {
  path: PropertyKey[];
  /** The variable's name: the reproduce command writes `${name}` where the value was. */
  name: string;
  value: string;
}

export interface Interpolated {
  value: unknown;
  /** Non-empty values substituted for variables (an empty one has nothing to hide). */
  substitutions: Substitution[];
  problems: Problem[];
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Walks `tree` (parsed YAML) and returns a copy with every string interpolated. */
export function interpolate(tree: unknown, env: Record<string, string | undefined>): Interpolated {
  const result: Interpolated = { value: undefined, substitutions: [], problems: [] };
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, path, result);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]),
      );
    return node;
  };
  result.value = walk(tree, []);
  return result;
}

function interpolateString(
  text: string,
  env: Record<string, string | undefined>,
  path: PropertyKey[],
  result: Interpolated,
): string {
  const field = fieldPath(path);
  return text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    if (!match.endsWith('}') || name === undefined || !NAME.test(name)) {
      result.problems.push({
        field,
        reason: `invalid variable reference ${JSON.stringify(match.slice(0, 40))}; write \${NAME}, or $\${ for a literal \${`,
      });
      return match;
    }
    const value = env[name];
    if (value === undefined) {
      result.problems.push({ field, reason: `environment variable ${name} is not set` });
      return match;
    }
    if (value !== '') result.substitutions.push({ path, name, value });
    return value;
  });
}
