/**
 * Escaping for untrusted text in GitHub-flavoured markdown. Markdown punctuation gets a
 * backslash (CommonMark reads `\[` as a literal `[`, and GFM tables read `\|` as a literal
 * pipe, not a cell border; `\@` and `\#` are no mention, e-mail or issue link); `&`, `<` and `>` become HTML
 * entities, so no raw HTML or entity can form; `\://` and `www\.` keep bare URLs from being
 * autolinked. A log line therefore cannot open a link, an image, emphasis, a code span, raw
 * HTML or a new table cell.
 */
import { cleanText } from './text.js';

const HTML_ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const MARKDOWN_PUNCTUATION = /[\\`*_[\]~$|@#]/g;

/** One line of inline text (newlines become spaces): safe in a table cell, heading or paragraph. */
export function mdInline(s: string): string {
  return (
    cleanText(s)
      .replace(/[\n\t]+/g, ' ')
      .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
      .replace(/[&<>]/g, (c) => HTML_ENTITY[c]!)
      // Bare URLs stay text, not GFM autolinks.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`)
  );
}

/**
 * One line that starts a paragraph: like mdInline, and a first character that could open a
 * list, thematic break or setext underline is escaped too (`#` and `>` already are).
 */
export function mdParagraph(s: string): string {
  return mdInline(s)
    .trimStart()
    .replace(/^(?:[+=-]|\d+(?=[.)]))/, (m) => (/\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Text for raw HTML (the `<details>` log block and its `<summary>`), where markdown is not read. */
export function htmlEscape(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (c) => HTML_ENTITY[c]!);
}

/** A fenced code block whose fence is longer than any backtick run in the content. */
export function codeBlock(lines: readonly string[], info = 'text'): string {
  const content = lines.map(cleanText).join('\n');
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}

/** A markdown table; cells are given already escaped. */
export function mdTable(
  header: readonly string[],
  align: readonly ('l' | 'c' | 'r')[],
  rows: readonly string[][],
): string {
  const rule = align.map((a) => (a === 'c' ? ':-:' : a === 'r' ? '--:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/**
 * A code span for one line of untrusted text (a command line): its backtick fence is longer
 * than any backtick run inside, so nothing in it is read as markdown. Not for table cells,
 * where GFM splits on `|` even inside code.
 */
export function mdCode(s: string): string {
  const text = cleanText(s).replace(/\s+/g, ' ').trim();
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * One line of our own prose that quotes commands in backticks (a diagnosis): each quote becomes a
 * code span to copy, everything else is escaped as mdInline. Either way untrusted text inside
 * stays inert, however its own backticks split it. Not for table cells.
 */
export function mdWithCode(s: string): string {
  return cleanText(s)
    .replace(/\n/g, ' ')
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? mdCode(part) : mdInline(part)))
    .join('');
}
