/**
 * The YAML config file: found, read as strict UTF-8, parsed with duplicate keys as errors.
 * Every failure is a Problem naming the file (and line:col where the parser knows it).
 */
import { readFileSync, statSync } from 'node:fs';
import { isCollection, Lexer, LineCounter, parseDocument, visit } from 'yaml';
import type { Problem } from './problems.js';

/** Far above any real config; keeps a mistaken `--config big.log` from being parsed. */
const MAX_BYTES = 1024 * 1024;

export type FileRead = { ok: true; data: unknown } | { ok: false; problems: Problem[] };

/** Reads and parses `file` (absolute). An empty file is an empty configuration. */
export function readConfigFile(file: string): FileRead {
  const fail = (reason: string, where = file): FileRead => ({
    ok: false,
    problems: [{ field: where, reason }],
  });
  let bytes: Buffer;
  try {
    if (statSync(file).size > MAX_BYTES)
      return fail('is larger than 1 MiB; is this the config file?');
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail('config file not found');
    if (code === 'EISDIR') return fail('is a directory, not a config file');
    return fail(`cannot be read (${code ?? (error as Error).message})`);
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string')
    return fail(
      `is not valid UTF-8 text (byte 0x${text.byte.toString(16).padStart(2, '0')}); save it as UTF-8`,
      `${file}:${text.line}`,
    );
  return parseYaml(text, file);
}

/** The text, or where the first invalid byte is. */
function decodeUtf8(bytes: Uint8Array): string | { byte: number; line: number } {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
    return { byte: bytes[offset] ?? 0, line };
  }
}

/**
 * The smallest prefix that fails to decode ends at the first invalid byte. A streaming
 * decode keeps an incomplete trailing character pending instead of failing, so a prefix
 * that merely cuts a valid character in two still decodes.
 */
function firstInvalidByte(bytes: Uint8Array): number {
  const decodes = (end: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0; // decodes
  let high = bytes.length; // fails
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (decodes(middle)) low = middle;
    else high = middle;
  }
  // Byte high-1 made it fail; the fault may be a lead byte before it whose sequence it cut.
  for (let at = high - 2; at >= Math.max(0, high - 4); at--) {
    const byte = bytes[at] as number;
    if (byte >= 0xc0) return at;
    if (byte < 0x80) break;
  }
  return high - 1;
}

/**
 * The parser recurses per nesting level, and very deep input can abort the whole process
 * (V8 fails to compile a regular expression near the stack limit), so depth is checked on
 * the lexer's flat token stream first. Real configs nest a handful of levels.
 */
const MAX_FLOW_DEPTH = 64;
const MAX_INDENT = 512;

function tooDeep(text: string): boolean {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') depth++;
    else if (token === ']' || token === '}') depth--;
    if (depth > MAX_FLOW_DEPTH) return true;
  }
  return text.split('\n').some((line) => line.length - line.trimStart().length > MAX_INDENT);
}

function parseYaml(text: string, file: string): FileRead {
  if (tooDeep(text))
    return {
      ok: false,
      problems: [{ field: file, reason: 'is nested too deeply to be a config file' }],
    };
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const { line, col } = lines.linePos(offset ?? 0);
    return `${file}:${line}:${col}`;
  };
  const problems: Problem[] = doc.errors.map((error) => ({
    field: at(error.pos[0]),
    reason: `invalid YAML: ${error.message.split('\n')[0]}`,
  }));
  // A mapping used as a key would be stringified (with a process warning) into nonsense.
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key))
        problems.push({
          field: at(pair.key.range?.[0]),
          reason: 'a key must be a plain string, not a list or mapping',
        });
    },
  });
  if (problems.length > 0) return { ok: false, problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      problems: [{ field: file, reason: `invalid YAML: ${(error as Error).message}` }],
    };
  }
  if (isCyclic(data))
    return {
      ok: false,
      problems: [{ field: file, reason: 'an alias refers to its own anchor (a loop)' }],
    };
  if (data === null || data === undefined) return { ok: true, data: {} };
  if (Object.getPrototypeOf(data) !== Object.prototype)
    // a list, a scalar, or !!binary bytes
    return {
      ok: false,
      problems: [
        { field: file, reason: 'expected a mapping of settings at the top level', value: data },
      ],
    };
  return { ok: true, data };
}

/** Depth-first with the usual colouring: shared (aliased) nodes are walked once. */
function isCyclic(
  value: unknown,
  ancestors = new Set<object>(),
  done = new Set<object>(),
): boolean {
  if (value === null || typeof value !== 'object' || done.has(value)) return false;
  if (ancestors.has(value)) return true;
  ancestors.add(value);
  const cyclic = Object.values(value).some((child) => isCyclic(child, ancestors, done));
  ancestors.delete(value);
  done.add(value);
  return cyclic;
}
