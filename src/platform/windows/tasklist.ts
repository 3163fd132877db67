/**
 * `tasklist /FO CSV /NH` → process names, for when PowerShell is unavailable. Rows look like
 * `"python.exe","6156","Console","1","25.340 K"`; tasklist gives no parent, start time or
 * command line.
 */
import type { ProcessInfo } from '../types.js';

export const TASKLIST_ARGS = ['/FO', 'CSV', '/NH'] as const;

/** Never throws: lines that are not CSV rows with a numeric pid (e.g. "INFO: …") are skipped. */
export function parseTasklistCsv(output: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of output.split(/\r?\n/)) {
    const fields = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) =>
      (m[1] ?? '').replaceAll('""', '"'),
    );
    const [name = '', pidText = ''] = fields;
    if (fields.length < 2 || !/^\d{1,10}$/.test(pidText)) continue;
    processes.push({
      pid: Number(pidText),
      ppid: null,
      name,
      command: '',
      startedAt: null,
      state: 'running',
    });
  }
  return processes;
}
