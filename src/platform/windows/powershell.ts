/**
 * PowerShell scripts that print JSON, run through `-EncodedCommand` (base64 of UTF-16LE) so no
 * quoting survives into a command line. Arrays are built with `@()` and passed with
 * `-InputObject`, so one row stays an array; dates are formatted with `ToString('o')`.
 */
import type { RunCommand } from '../run-command.js';

/** pwsh first (on every hosted runner), then Windows PowerShell 5.1 (on every Windows). */
const POWERSHELLS = ['pwsh', 'powershell.exe'] as const;

/**
 * A cold PowerShell that loads CIM takes a few seconds on a hosted runner; one that has not
 * answered in 8 s is hung. Both hanging cost 16 s once (then the fallback), not 30 s every read.
 */
export const POWERSHELL_TIMEOUT_MS = 8_000;

const PRELUDE = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  // Non-ASCII command lines survive the pipe; a process without a console cannot set it (ignored).
  'try { [Console]::OutputEncoding = [Text.Encoding]::UTF8 } catch { }',
];

/** Win32_Process rows → the fields ProcessInfo needs, the date as ISO 8601 with offset. */
const PROCESS_FIELDS =
  'ForEach-Object { [pscustomobject]@{ ProcessId = $_.ProcessId; ParentProcessId = $_.ParentProcessId; ' +
  'Name = $_.Name; CommandLine = $_.CommandLine; ' +
  "CreationDate = $(if ($_.CreationDate) { $_.CreationDate.ToString('o') }) } }";

/**
 * Listeners on the port and the processes that own them, in one PowerShell start:
 * `{ "Listeners": [{LocalAddress, LocalPort, OwningProcess}], "Processes": [Win32_Process] }`.
 * No match is a non-terminating error (silenced), not a failure.
 */
export function listenersScript(port: number): string {
  return [
    ...PRELUDE,
    `$listeners = @(Get-NetTCPConnection -State Listen -LocalPort ${port} -ErrorAction SilentlyContinue |`,
    '  Select-Object LocalAddress, LocalPort, OwningProcess)',
    '$ids = @($listeners | ForEach-Object { $_.OwningProcess } | Sort-Object -Unique)',
    '$processes = @()',
    'if ($ids.Count -gt 0) {',
    '  $filter = ($ids | ForEach-Object { "ProcessId=$_" }) -join \' OR \'',
    `  $processes = @(Get-CimInstance Win32_Process -Filter $filter | ${PROCESS_FIELDS})`,
    '}',
    'ConvertTo-Json -Depth 4 -InputObject ([ordered]@{ Listeners = $listeners; Processes = $processes })',
  ].join('\n');
}

/** Win32_Process rows as a JSON array: the given pids, or every process when `pids` is null. */
export function processesScript(pids: readonly number[] | null): string {
  const filter =
    pids === null ? '' : ` -Filter "${pids.map((pid) => `ProcessId=${pid}`).join(' OR ')}"`;
  return [
    ...PRELUDE,
    `ConvertTo-Json -Depth 3 -InputObject @(Get-CimInstance Win32_Process${filter} | ${PROCESS_FIELDS})`,
  ].join('\n');
}

export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Runs our scripts in the first PowerShell that works; remembers the ones that cannot. */
export type PowerShell = (script: string) => Promise<string | null>;

/**
 * The script's stdout, or null when no PowerShell could run it: missing, failing (e.g. no
 * Get-NetTCPConnection on this Windows) or hanging. The caller then falls back to the classic tools.
 * A PowerShell that is missing or ran into the time-out is not tried again by this runner: a
 * watch or liveness poll would otherwise wait out the same hang on every read.
 */
export function createPowerShell(run: RunCommand): PowerShell {
  const unusable = new Set<string>();
  return async (script) => {
    const args = ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodeCommand(script)];
    for (const shell of POWERSHELLS) {
      if (unusable.has(shell)) continue;
      // A rejection is a missing shell or the time-out: a non-zero exit resolves instead.
      const result = await run(shell, args, { timeoutMs: POWERSHELL_TIMEOUT_MS }).catch(() => {
        unusable.add(shell);
        return null;
      });
      if (result?.code === 0) return result.stdout;
    }
    return null;
  };
}
