/**
 * The one line of a crashed backend's log that says why it died: the exception line of a
 * Python traceback, the error line of a Node uncaught exception, or else the last generic
 * `Error:` line. Found once, on the `ready` item's result, so every reporter only shows it.
 */

/** `Error: …`, `TypeError [ERR_X]: …`, `SyntaxError: …`, `Uncaught RangeError: …`. */
const NODE_ERROR = /^(?:Uncaught )?[A-Z]\w*(?:Error|Exception)(?: \[[A-Z0-9_]+\])?: .+$/;
/** Lines that only frame a traceback or stack, never the cause. */
const FRAME = /^\s*(?:at |Node\.js v\d)/;
/** A generic error line, anywhere in it: `ERROR: could not bind`, `fatal error: …`, `error: …`. */
const GENERIC = /\b(?:error|fatal)\b\s*[:!]/i;

/** The cause of a crash from the last log lines, or undefined when no line names one. */
export function findCrashLine(lines: readonly string[]): string | undefined {
  const text = lines.map((line) => line.replace(/\s+$/, ''));
  return lastTraceback(text) ?? nodeError(text) ?? lastMatch(text, (l) => GENERIC.test(l));
}

/**
 * The exception line of the last Python traceback (chained ones: the last is the one raised):
 * the first line after it that is not indented, whatever the exception's name
 * (`django.core.exceptions.ImproperlyConfigured: …`).
 */
function lastTraceback(lines: string[]): string | undefined {
  const start = lines.map((l) => l.trim()).lastIndexOf('Traceback (most recent call last):');
  if (start < 0) return undefined;
  const indent = /^\s*/.exec(lines[start]!)![0].length;
  return lines
    .slice(start + 1)
    .find((l) => l.trim() !== '' && /^\s*/.exec(l)![0].length <= indent)
    ?.trim();
}

/**
 * Node prints `file:line`, the source line, a caret, a blank line, then `Error: message` and
 * the `at …` stack: the error line is the one right above the first stack frame.
 */
function nodeError(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i > 0; i--) {
    if (!/^\s+at /.test(lines[i]!) || /^\s+at /.test(lines[i - 1]!)) continue;
    const line = lines[i - 1]!.trim();
    if (NODE_ERROR.test(line) || GENERIC.test(line)) return line;
  }
  return lastMatch(lines, (l) => NODE_ERROR.test(l.trim()));
}

function lastMatch(lines: string[], test: (line: string) => boolean): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!FRAME.test(lines[i]!) && test(lines[i]!)) return lines[i]!.trim();
  }
  return undefined;
}
