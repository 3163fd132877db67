/**
 * The backend's output: copied whole (redacted) to its log file when that is not the file the
 * backend writes itself, streamed line by line to the job log,
 * matched against the expect/forbid patterns as it arrives, and kept as a 50-line tail.
 * Memory stays bounded whatever the backend prints: only the tail and one partial line are held.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { DEFAULT_FORBID_LOG } from '../config/types.js';

const TAIL_LINES = 50;
/** A "line" longer than this is split: a backend printing without newlines must not grow memory. */
const MAX_LINE_CHARS = 64 * 1024;

const DEFAULT_SOURCES = new Set(DEFAULT_FORBID_LOG.map((source) => new RegExp(source).source));

/**
 * The default forbid-log patterns ignore case (docs/configuration.md, "Log patterns"): Node 20's
 * RegExp has no inline `(?i)`, so the flag is added here, to the defaults only — a pattern the
 * user writes is matched as written.
 */
export function forbidPattern(re: RegExp): RegExp {
  return DEFAULT_SOURCES.has(re.source) && !re.flags.includes('i')
    ? new RegExp(re.source, `${re.flags}i`)
    : re;
}

export interface LogCaptureOptions {
  /** Where to write the redacted copy; null when the backend's own output file is the log. */
  logPath: string | null;
  expect: RegExp[];
  forbid: RegExp[];
  /** Applied to every line before it is stored, streamed or matched (secrets → ***). */
  redact: (line: string) => string;
  /** Receives each complete line for the job log. */
  onLine?: (line: string) => void;
}

export class LogCapture {
  private readonly file: WriteStream | null;
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private readonly tailLines: string[] = [];
  /** How often each expect pattern matched; the first line each forbid pattern matched. */
  readonly expectCounts: number[];
  readonly forbidHits: (string | null)[];
  private closed: Promise<void> | null = null;
  private readonly forbid: RegExp[];

  constructor(private readonly opts: LogCaptureOptions) {
    this.file = opts.logPath === null ? null : createWriteStream(opts.logPath);
    this.expectCounts = opts.expect.map(() => 0);
    this.forbid = opts.forbid.map(forbidPattern);
    this.forbidHits = opts.forbid.map(() => null);
  }

  write(chunk: Buffer): void {
    let text = this.partial + this.decoder.write(chunk);
    let newline: number;
    while ((newline = text.indexOf('\n')) !== -1) {
      this.line(text.slice(0, newline).replace(/\r$/, ''));
      text = text.slice(newline + 1);
    }
    while (text.length > MAX_LINE_CHARS) {
      this.line(text.slice(0, MAX_LINE_CHARS));
      text = text.slice(MAX_LINE_CHARS);
    }
    this.partial = text;
  }

  private line(raw: string): void {
    const line = this.opts.redact(raw);
    this.file?.write(line + '\n');
    this.tailLines.push(line);
    if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
    this.opts.expect.forEach((re, i) => {
      if (re.test(line)) this.expectCounts[i]! += 1;
    });
    this.forbid.forEach((re, i) => {
      if (this.forbidHits[i] === null && re.test(line)) this.forbidHits[i] = line;
    });
    this.opts.onLine?.(line);
  }

  tail(): string[] {
    return this.partial
      ? [...this.tailLines.slice(1 - TAIL_LINES), this.partial]
      : [...this.tailLines];
  }

  /** Flushes the last partial line and closes the file; safe to call more than once. */
  close(): Promise<void> {
    if (!this.closed) {
      const rest = this.partial + this.decoder.end();
      this.partial = '';
      if (rest) this.line(rest);
      this.closed = new Promise((resolve) => (this.file ? this.file.end(resolve) : resolve()));
    }
    return this.closed;
  }
}
