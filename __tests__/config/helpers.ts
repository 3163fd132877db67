/** Shared by the config tests: temporary folders and the problems a UsageError carries. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SETTING_ROWS } from '../../src/config/settings.js';
import { UsageError } from '../../src/errors.js';

const made: string[] = [];

/** A fresh folder, removed by `removeTempDirs` (call it in afterAll). */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-config-'));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The problems of the UsageError `run` throws; fails the test when it throws anything else or nothing. */
export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw new Error(`expected a UsageError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a UsageError, but the configuration was accepted');
}

/**
 * The settings table of docs/configuration.md as rows of cells (action input, CLI flag, config
 * key, default): the one statement of every setting a user reads, which the program must match.
 */
export function docsSettingsTable(): string[][] {
  const docs = readFileSync(path.resolve('docs', 'configuration.md'), 'utf8');
  const table = docs.slice(docs.indexOf('| action input '), docs.indexOf('\nDurations:'));
  return table
    .split('\n')
    .slice(2)
    .filter((row) => row.startsWith('|'))
    .map((row) =>
      row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/**
 * The settings table of docs/configuration.md as the settings table in src/config/settings.ts
 * renders it: names and defaults come from there, and only from there.
 */
export function renderedSettingsTable(): string[][] {
  return SETTING_ROWS.map((s) => [
    `\`${s.input}\`${s.list ? ' (lines)' : ''}`,
    `\`${s.flag}${s.arg === undefined ? '' : ` ${s.arg}`}\`${s.list ? ' (repeatable)' : ''}`,
    s.inFile === false ? '—' : `\`${s.key}\``,
    s.helpDefault,
  ]);
}

// ── The lines of the start-or-attach rule (README, "Attach mode"), exactly as the user reads them

const OTHER_SERVER = 'to check a server started elsewhere';
export const START_REQUIRED = {
  flag: `--start: is required unless --attach is given: give --start CMD (or start in the config file) to boot the backend, or --attach ${OTHER_SERVER}`,
  input: `start: is required unless attach is true (an empty input counts as not given): give the command that boots the backend (or start in the config file), or attach: true ${OTHER_SERVER}`,
  service: (index: number) =>
    `services[${index}].start: is required unless attach is true: give the command that boots this service, or attach: true ${OTHER_SERVER}`,
};
export const startEmpty = (field: string, value: string) =>
  `${field}: is empty; give the command that starts the backend, or leave start out and set attach ${OTHER_SERVER} (got ${JSON.stringify(value)})`;
export const startWithAttach = (start: string, attach: string, value: string) =>
  `${start}: cannot be combined with ${attach}: attach mode starts nothing and checks a server started elsewhere; give one or the other (got ${JSON.stringify(value)})`;
