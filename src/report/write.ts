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
import { REPRODUCE_FILE } from '../checklist/reproduce.js';
import type { RunResult } from '../checklist/types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';

export const REPORT_FILE = 'report.json';
export const JUNIT_FILE = 'junit.xml';

export interface WrittenReports {
  reportPath: string;
  junitPath: string;
}

/**
 * Writes both files (creating the directory) and returns their absolute paths. Pass an already
 * redacted result, and the run's settings as a config file (`reproduceFile` in
 * checklist/reproduce.ts, placed in this folder) redacted too: secrets from `${VAR}` are
 * written as their `${VAR}`, and any other secret value as `***`, never as itself.
 */
export function writeReports(
  result: RunResult,
  reportDir: string,
  settings?: string,
): WrittenReports {
  const dir = path.resolve(reportDir);
  mkdirSync(dir, { recursive: true });
  const reportPath = path.join(dir, REPORT_FILE);
  const junitPath = path.join(dir, JUNIT_FILE);
  writeFileAtomic(reportPath, renderJson(result));
  writeFileAtomic(junitPath, renderJunit(result));
  if (settings !== undefined) writeFileAtomic(path.join(dir, REPRODUCE_FILE), settings);
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
