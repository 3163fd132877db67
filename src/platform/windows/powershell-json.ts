/**
 * The JSON our PowerShell scripts print → rows. Tolerates what either PowerShell does to it:
 * a single object where an array was meant, `null` for an empty CommandLine, nothing at all,
 * and dates as ISO strings (pwsh, or `ToString('o')`) or `/Date(ms)/` (Windows PowerShell 5.1).
 */
import type { ProcessInfo } from '../types.js';
import { toCount, type WindowsTcpRow } from './tcp-rows.js';

export interface ListenerReport {
  listeners: WindowsTcpRow[];
  /** Win32_Process rows for the listeners' owning pids: a pid missing here no longer runs. */
  processes: ProcessInfo[];
}

/** `{ Listeners, Processes }` from the listener script; null when the text is not that JSON. */
export function parseListenerReport(text: string): ListenerReport | null {
  const json = decodeJson(text);
  if (json === undefined || Array.isArray(json) || (json !== null && typeof json !== 'object'))
    return null;
  const report = asRecord(json);
  return {
    listeners: asRows(report.Listeners).flatMap(toTcpRow),
    processes: asRows(report.Processes).flatMap(toProcess),
  };
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

/** PowerShell unwraps a one-element array into the object itself, and an empty one into nothing. */
function asRows(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value !== null && typeof value === 'object' ? [value] : [];
}

function toTcpRow(value: unknown): WindowsTcpRow[] {
  const row = asRecord(value);
  const address = row.LocalAddress;
  const port = toCount(row.LocalPort);
  const pid = toCount(row.OwningProcess);
  const valid =
    typeof address === 'string' && address !== '' && port !== null && port <= 65535 && pid !== null;
  return valid ? [{ address, port, pid }] : [];
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
