/**
 * Writes report.json and junit.xml into report-dir. Each file is written to a temporary file
 * in the same directory, flushed, then renamed over the target: a reader (or a crash) sees
 * the old file or the new one, never a half-written one.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../checklist/types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';

export const REPORT_FILE = 'report.json';
export const JUNIT_FILE = 'junit.xml';

export interface WrittenReports {
  reportPath: string;
  junitPath: string;
}

/** Writes both files (creating the directory) and returns their absolute paths. Pass an already redacted result. */
export function writeReports(result: RunResult, reportDir: string): WrittenReports {
  const dir = path.resolve(reportDir);
  mkdirSync(dir, { recursive: true });
  const reportPath = path.join(dir, REPORT_FILE);
  const junitPath = path.join(dir, JUNIT_FILE);
  writeFileAtomic(reportPath, renderJson(result));
  writeFileAtomic(junitPath, renderJunit(result));
  return { reportPath, junitPath };
}

/** Replaces `file` with `content` atomically (same-directory temp file + rename); the temp file never outlives the call. */
export function writeFileAtomic(file: string, content: string): void {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
