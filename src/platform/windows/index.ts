/**
 * Windows: listeners and processes from PowerShell (Get-NetTCPConnection, Win32_Process) as
 * JSON; when PowerShell is missing or fails, `netstat -ano` and `tasklist`. When PowerShell
 * answers with rows it could not attribute (no OwningProcess) or not in the expected shape,
 * `netstat -ano` cross-checks it: a socket no source can name is reported as owner unknown. The
 * port watch polls connects, not PowerShell (connect-signal).
 */
import { createInventorySignal, SIGNAL_POLL_MS, type SignalCadence } from '../connect-signal.js';
import { isMissingTool, runCommand, type RunCommand } from '../run-command.js';
import {
  withSkipped,
  type ListenerSocket,
  type ListenerTable,
  type Platform,
  type ProcessInfo,
  type SkippedRow,
} from '../types.js';
import { NETSTAT_ARGS, parseNetstatTable, type NetstatTable } from './netstat.js';
import {
  createPowerShell,
  listenersScript,
  processesScript,
  type PowerShell,
} from './powershell.js';
import { parseListenerReport, parseWin32ProcessJson } from './powershell-json.js';
import { windowsStopping } from './stop.js';
import { parseTasklistCsv, TASKLIST_ARGS } from './tasklist.js';
import {
  identifySockets,
  type UnownedTcpRow,
  type WindowsSocket,
  type WindowsTcpRow,
} from './tcp-rows.js';

/** A listening row nobody could attribute, with why. */
interface Unattributed extends UnownedTcpRow {
  reason: string;
}

/** What the sources together saw on the port. */
interface Inventory {
  listeners: WindowsTcpRow[];
  unattributed: Unattributed[];
  skipped: SkippedRow[];
  /** The running processes among the owners; null: none could be read. */
  processes: ProcessInfo[] | null;
  /** Owners no tool could look up (the others missing from `processes` have exited). */
  unlooked?: number[];
}

const NO_OWNER_PS =
  'Get-NetTCPConnection names no owning process for this socket, and netstat -ano does not list it';
const NO_OWNER_PS_ONLY =
  'Get-NetTCPConnection names no owning process for this socket, and netstat -ano could not be run to cross-check';
const NO_OWNER_NETSTAT = 'netstat -ano prints no pid for this socket';
const NO_OWNER_EITHER =
  'neither Get-NetTCPConnection nor netstat -ano names an owning process for this socket';

export interface WindowsPlatformOptions {
  /** The watch's signal and inventory cadence (tests shorten it). */
  signal?: Partial<SignalCadence>;
}

export function createWindowsPlatform(
  run: RunCommand,
  { signal: cadence }: WindowsPlatformOptions = {},
): Platform {
  const powershell = createPowerShell(run);
  const signal = createInventorySignal(cadence);

  const readInventory = async (port: number): Promise<ListenerTable> => {
    const inventory = await readListeners(run, powershell, port);
    const owners = new Map(inventory.processes?.map((p) => [p.pid, p]));
    const known = (pid: number) =>
      inventory.processes !== null && !(inventory.unlooked ?? []).includes(pid);
    const sockets = [
      ...identifySockets(inventory.listeners).map((s) =>
        toListener(s, owners.get(s.pid), known(s.pid)),
      ),
      ...unknownSockets(inventory.unattributed),
    ];
    return withSkipped(sockets, inventory.skipped);
  };

  const getProcesses = async (pids: readonly number[]) => {
    const valid = [...new Set(pids)].filter((pid) => Number.isSafeInteger(pid) && pid >= 0);
    if (valid.length === 0) return [];
    const all = await requireProcesses(run, powershell, valid);
    return all.filter((p) => valid.includes(p.pid));
  };

  return {
    name: 'win32',
    watchPollMs: SIGNAL_POLL_MS,
    listListeners: (port) => signal.track(port, () => readInventory(port)),
    // Connects, no process: PowerShell runs when the answer changes or an inventory is due.
    listSocketIds: (port) => signal.socketIds(port),
    // Another process's environment is not readable on Windows: the run's processes are its tree.
    markerState: async () => 'unreadable',
    findMarked: async () => [],
    async getProcess(pid) {
      return (await getProcesses([pid]))[0] ?? null;
    },
    getProcesses,
    livenessPollMs: 250,
    listProcesses: () => requireProcesses(run, powershell, null),
    ...windowsStopping(run),
  };
}

export const windowsPlatform: Platform = createWindowsPlatform(runCommand);

/**
 * PowerShell first; netstat when it fails, or to cross-check an answer with rows it could not
 * attribute or read. netstat lists every socket with its pid (no administrator needed).
 */
async function readListeners(
  run: RunCommand,
  powershell: PowerShell,
  port: number,
): Promise<Inventory> {
  const stdout = await powershell(listenersScript(port));
  const report = stdout === null ? null : parseListenerReport(stdout);
  if (report === null) {
    const netstat = await readNetstat(run, port, true);
    const pids = [...new Set(netstat.rows.map((row) => row.pid))];
    return {
      listeners: netstat.rows,
      unattributed: netstat.unowned.map((row) => ({ ...row, reason: NO_OWNER_NETSTAT })),
      skipped: netstat.skipped,
      // PowerShell just failed: names from tasklist rather than waiting on PowerShell again.
      processes: pids.length === 0 ? [] : await readTasklist(run, pids),
    };
  }
  const onPort = <T extends UnownedTcpRow>(rows: T[]) => rows.filter((r) => r.port === port);
  const listeners = onPort(report.listeners);
  const unowned = onPort(report.unowned);
  if (unowned.length === 0 && report.skipped.length === 0) {
    return { listeners, unattributed: [], skipped: [], processes: report.processes };
  }
  const netstat = await readNetstat(run, port, false);
  if (netstat === null) {
    return {
      listeners,
      unattributed: unowned.map((row) => ({ ...row, reason: NO_OWNER_PS_ONLY })),
      skipped: report.skipped,
      processes: report.processes,
    };
  }
  const merged = crossCheck(listeners, unowned, netstat);
  const named = new Set(report.processes.map((p) => p.pid));
  const missing = [...new Set(merged.added.map((row) => row.pid))].filter((p) => !named.has(p));
  const more = missing.length === 0 ? [] : await readProcesses(run, powershell, missing);
  return {
    listeners: merged.listeners,
    unattributed: merged.unattributed,
    // netstat's table is the complete view: PowerShell's unreadable rows are covered by it.
    skipped: netstat.skipped,
    processes: [...report.processes, ...(more ?? [])],
    unlooked: more === null ? missing : [],
  };
}

/**
 * PowerShell's attributed rows, plus every netstat row on the port it did not list (each matched
 * once, by address and pid). An unowned PowerShell row takes the owner of an added netstat row
 * on its address; one that finds none stays unattributed, as do netstat's own unowned rows.
 */
function crossCheck(
  listeners: readonly WindowsTcpRow[],
  unowned: readonly UnownedTcpRow[],
  netstat: NetstatTable,
) {
  const unmatched = [...listeners];
  const added: WindowsTcpRow[] = [];
  for (const row of netstat.rows) {
    const i = unmatched.findIndex((r) => r.address === row.address && r.pid === row.pid);
    if (i >= 0) unmatched.splice(i, 1);
    else added.push(row);
  }
  const claimable = [...added];
  const unattributed: Unattributed[] = [];
  for (const row of unowned) {
    const i = claimable.findIndex((r) => r.address === row.address);
    if (i >= 0) claimable.splice(i, 1);
    else unattributed.push({ ...row, reason: NO_OWNER_PS });
  }
  // A pid-less netstat row is a socket one of the lists above already holds, when one is left
  // on its address; only the rest are more sockets.
  for (const row of netstat.unowned) {
    const named = unmatched.findIndex((r) => r.address === row.address);
    if (named >= 0) {
      unmatched.splice(named, 1);
      continue;
    }
    const same = unattributed.findIndex(
      (r) => r.address === row.address && r.reason === NO_OWNER_PS,
    );
    if (same >= 0) unattributed[same] = { ...row, reason: NO_OWNER_EITHER };
    else unattributed.push({ ...row, reason: NO_OWNER_NETSTAT });
  }
  return { listeners: [...listeners, ...added], added, unattributed };
}

/** netstat's rows on the port; when it cannot run: an error if it was the last resort, else null. */
async function readNetstat(run: RunCommand, port: number, required: true): Promise<NetstatTable>;
async function readNetstat(
  run: RunCommand,
  port: number,
  required: false,
): Promise<NetstatTable | null>;
async function readNetstat(
  run: RunCommand,
  port: number,
  required: boolean,
): Promise<NetstatTable | null> {
  const result = await run('netstat', NETSTAT_ARGS).catch((error: unknown) => {
    if (!required) return null;
    if (!isMissingTool(error)) throw error;
    throw new Error(
      'Neither PowerShell (pwsh, powershell.exe) nor netstat could be run: one is needed to read listeners on Windows',
    );
  });
  if (result === null) return null;
  if (result.code !== 0) {
    if (!required) return null;
    throw new Error(
      `netstat ${NETSTAT_ARGS.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  const table = parseNetstatTable(result.stdout);
  return {
    rows: table.rows.filter((row) => row.port === port),
    unowned: table.unowned.filter((row) => row.port === port),
    skipped: table.skipped,
  };
}

/** Win32_Process rows (all, or the given pids); tasklist when PowerShell fails; null when neither runs. */
async function readProcesses(
  run: RunCommand,
  powershell: PowerShell,
  pids: readonly number[] | null,
): Promise<ProcessInfo[] | null> {
  const stdout = await powershell(processesScript(pids));
  return (stdout === null ? null : parseWin32ProcessJson(stdout)) ?? readTasklist(run, pids);
}

/** Names only (no parent, command line or start time); null when tasklist cannot run. */
async function readTasklist(
  run: RunCommand,
  pids: readonly number[] | null,
): Promise<ProcessInfo[] | null> {
  const result = await run('tasklist', TASKLIST_ARGS).catch(() => null);
  if (result?.code !== 0) return null;
  const all = parseTasklistCsv(result.stdout);
  return pids === null ? all : all.filter((p) => pids.includes(p.pid));
}

async function requireProcesses(
  run: RunCommand,
  powershell: PowerShell,
  pids: readonly number[] | null,
): Promise<ProcessInfo[]> {
  const processes = await readProcesses(run, powershell, pids);
  if (processes === null) {
    throw new Error(
      'Neither PowerShell (pwsh, powershell.exe) nor tasklist could be run: one is needed to read processes on Windows',
    );
  }
  return processes;
}

/**
 * The owner Windows names is the socket's creator. When it is gone (`knownProcesses` lists
 * every running owner), a child that inherited the handle may hold the socket: say so.
 */
function toListener(
  socket: WindowsSocket,
  owner: ProcessInfo | undefined,
  knownProcesses: boolean,
): ListenerSocket {
  const { socketId, address, port, family, pid } = socket;
  const listener: ListenerSocket = { socketId, address, port, family, processes: [] };
  if (owner) return { ...listener, processes: [owner] };
  const unnamed: ProcessInfo = { pid, ppid: null, name: '', command: '', startedAt: null };
  if (!knownProcesses) {
    return {
      ...listener,
      processes: [unnamed],
      ownerUnknown: `pid ${pid} could not be looked up (no PowerShell or tasklist)`,
    };
  }
  return {
    ...listener,
    processes: [{ ...unnamed, state: 'exited' }],
    ownerUnknown: `pid ${pid}, which Windows names as the socket's owner, has exited; a process it started may still hold the socket`,
  };
}

/** Sockets no source could attribute: no holder, the reason as `ownerUnknown`, ids `win:?:…`. */
function unknownSockets(rows: readonly Unattributed[]): ListenerSocket[] {
  const seen = new Map<string, number>();
  return rows.map(({ address, port, reason }) => {
    const family = address.includes(':') ? 'IPv6' : 'IPv4';
    const host = family === 'IPv6' ? `[${address}]` : address;
    const base = `win:?:${host}:${port}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const socketId = count === 1 ? base : `${base}#${count}`;
    return { socketId, address, port, family, processes: [], ownerUnknown: reason };
  });
}
