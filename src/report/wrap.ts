/**
 * Prose cut to a terminal's width with a hanging indent, so a long diagnosis reads as a paragraph
 * instead of being split mid-word by the terminal (README, "Logs in CI").
 */

// eslint-disable-next-line no-control-regex -- the colour codes the reporter itself adds
const COLOUR_CODE = /\x1b\[[0-9;]*m/g;

/** Characters a line takes on screen: colour codes take none. */
export function visibleLength(text: string): number {
  return [...text.replace(COLOUR_CODE, '')].length;
}

/**
 * `text` after `first` on the first line and after `hanging` on the next ones, each line at most
 * `width` characters on screen, broken at spaces only: a word longer than a line (a URL, a path)
 * gets a line of its own and is never split. Text that fits is returned as it is.
 */
export function wrapText(text: string, width: number, first = '', hanging = first): string[] {
  if (visibleLength(first + text) <= width) return [first + text];
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    if (!empty && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = hanging + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
