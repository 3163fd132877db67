/**
 * The JSON our PowerShell scripts print → rows. Tolerates what either PowerShell does to it:
 * a single object where an array was meant, `null` for an empty CommandLine, nothing at all,
 * and dates as ISO strings (pwsh, or `ToString('o')`) or `/Date(ms)/` (Windows PowerShell 5.1).
 */
import { skippedText, type ProcessInfo, type SkippedRow } from '../types.js';
import { toCount, type UnownedTcpRow, type WindowsTcpRow } from './tcp-rows.js';

export interface ListenerReport {
  listeners: WindowsTcpRow[];
  /** Rows with an address and port but no usable OwningProcess (null, missing, not a number). */
  unowned: UnownedTcpRow[];
  /** Rows, or the whole answer, not in the shape the script prints: the port is unknown. */
  skipped: SkippedRow[];
  /** Win32_Process rows for the listeners' owning pids: a pid missing here no longer runs. */
  processes: ProcessInfo[];
}

const SOURCE = 'Get-NetTCPConnection';

/** `{ Listeners, Processes }` from the listener script; null when the text is not that JSON. */
export function parseListenerReport(text: string): ListenerReport | null {
  const json = decodeJson(text);
  if (json === undefined || Array.isArray(json) || (json !== null && typeof json !== 'object'))
    return null;
  const report = asRecord(json);
  const listeners: WindowsTcpRow[] = [];
  const unowned: UnownedTcpRow[] = [];
  const skipped: SkippedRow[] = [];
  // Empty output is "no listener"; any other object must carry the Listeners key.
  if (json !== null && !('Listeners' in report)) {
    skipped.push(skippedJson(json, 'the answer has no Listeners list'));
  }
  const listed = report.Listeners;
  if (listed !== undefined && listed !== null && typeof listed !== 'object') {
    skipped.push(skippedJson(listed, 'Listeners is not a list of rows'));
  }
  for (const value of asRows(listed)) {
    const row = toTcpRow(value);
    if (row === null) skipped.push(skippedJson(value, 'no local address and port'));
    else if (row.pid === null) unowned.push({ address: row.address, port: row.port });
    else listeners.push({ address: row.address, port: row.port, pid: row.pid });
  }
  return { listeners, unowned, skipped, processes: asRows(report.Processes).flatMap(toProcess) };
}

/** Win32_Process rows from the process script; null when the text is not JSON. */
export function parseWin32ProcessJson(text: string): ProcessInfo[] | null {
  const json = decodeJson(text);
  return json === undefined ? null : asRows(json).flatMap(toProcess);
}

/** ISO 8601 for the date forms PowerShell prints; null for anything else. */
export function parsePowerShellDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const msDate = /^\\?\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\\?\/$/.exec(value);
  const ms = msDate
    ? Number(msDate[1])
    : /^\d{4}-\d{2}-\d{2}T/.test(value)
      ? Date.parse(value)
      : NaN;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Parsed JSON; null for empty output (nothing found); undefined when the text is not JSON. */
function decodeJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return null;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * PowerShell unwraps a one-element array into the object itself, and an empty one into nothing;
 * an array serialised as an object (ConvertTo-Json without -InputObject on some hosts, or a
 * collection passed through a remoting session) arrives as `{"value": […], "Count": n}`.
 */
function asRows(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  return isWrappedArray(record) ? (record.value as unknown[]) : [value];
}

function isWrappedArray(record: Record<string, unknown>): boolean {
  const keys = Object.keys(record);
  return (
    Array.isArray(record.value) &&
    keys.length === 2 &&
    keys.includes('Count') &&
    typeof record.Count === 'number'
  );
}

/** A row on a readable address and port (pid null when unusable), or null when not even that. */
function toTcpRow(value: unknown): { address: string; port: number; pid: number | null } | null {
  const row = asRecord(value);
  const address = row.LocalAddress;
  const port = toCount(row.LocalPort);
  const valid = typeof address === 'string' && address !== '' && port !== null && port <= 65535;
  return valid ? { address, port, pid: toCount(row.OwningProcess) } : null;
}

function skippedJson(value: unknown, reason: string): SkippedRow {
  return { source: SOURCE, text: skippedText(JSON.stringify(value) ?? String(value)), reason };
}

function toProcess(value: unknown): ProcessInfo[] {
  const row = asRecord(value);
  const pid = toCount(row.ProcessId);
  if (pid === null) return [];
  return [
    {
      pid,
      ppid: toCount(row.ParentProcessId),
      name: typeof row.Name === 'string' ? row.Name : '',
      command: typeof row.CommandLine === 'string' ? row.CommandLine : '',
      startedAt: parsePowerShellDate(row.CreationDate),
      state: 'running',
    },
  ];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
