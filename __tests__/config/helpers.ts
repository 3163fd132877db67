/** Shared by the config tests: temporary folders and the problems a UsageError carries. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

/** SPEC §4's settings table as rows of cells (action input, CLI flag, config key, default). */
export function specSettingsTable(): string[][] {
  // CI clones the repository next to a copy of shared/, as on a developer's machine.
  const spec = readFileSync(path.resolve('..', 'shared', 'design', 'SPEC.md'), 'utf8');
  const table = spec.slice(spec.indexOf('| action input |'), spec.indexOf('Several backends'));
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
