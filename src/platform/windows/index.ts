/**
 * Windows: listeners and processes from PowerShell (Get-NetTCPConnection, Win32_Process) as
 * JSON; when PowerShell is missing or fails, `netstat -ano` and `tasklist`.
 */
import { isMissingTool, runCommand, type RunCommand } from '../run-command.js';
import type { ListenerSocket, Platform, ProcessInfo } from '../types.js';
import { NETSTAT_ARGS, parseNetstatListeners } from './netstat.js';
import { listenersScript, processesScript, runPowerShell } from './powershell.js';
import { parseListenerReport, parseWin32ProcessJson } from './powershell-json.js';
import { parseTasklistCsv, TASKLIST_ARGS } from './tasklist.js';
import { identifySockets, type WindowsSocket, type WindowsTcpRow } from './tcp-rows.js';

export function createWindowsPlatform(run: RunCommand): Platform {
  const listListeners = async (port: number) => {
    const report = (await readWithPowerShell(run, port)) ?? (await readWithNetstat(run, port));
    const owners = new Map(report.processes?.map((p) => [p.pid, p]));
    const sockets = identifySockets(report.listeners.filter((row) => row.port === port));
    return sockets.map((socket) =>
      toListener(socket, owners.get(socket.pid), report.processes !== null),
    );
  };

  return {
    name: 'win32',
    // Every read starts PowerShell: poll rarely.
    watchPollMs: 500,
    listListeners,
    listSocketIds: async (port) => (await listListeners(port)).map((s) => s.socketId),
    listeningSocketsOf: async () => [],
    // Another process's environment is not readable on Windows: the run's processes are its tree.
    markerState: async () => 'unreadable',
    findMarked: async () => [],

    async getProcess(pid) {
      if (!Number.isSafeInteger(pid) || pid < 0) return null;
      return (await requireProcesses(run, [pid])).find((p) => p.pid === pid) ?? null;
    },

    listProcesses: () => requireProcesses(run, null),
  };
}

export const windowsPlatform: Platform = createWindowsPlatform(runCommand);

/** Listening rows and the running processes among their owners (null: none could be read). */
interface Inventory {
  listeners: WindowsTcpRow[];
  processes: ProcessInfo[] | null;
}

async function readWithPowerShell(run: RunCommand, port: number): Promise<Inventory | null> {
  const stdout = await runPowerShell(run, listenersScript(port));
  return stdout === null ? null : parseListenerReport(stdout);
}

async function readWithNetstat(run: RunCommand, port: number): Promise<Inventory> {
  const result = await run('netstat', NETSTAT_ARGS).catch((error: unknown) => {
    if (!isMissingTool(error)) throw error;
    throw new Error(
      'Neither PowerShell (pwsh, powershell.exe) nor netstat could be run: one is needed to read listeners on Windows',
    );
  });
  if (result.code !== 0)
    throw new Error(
      `netstat ${NETSTAT_ARGS.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  const listeners = parseNetstatListeners(result.stdout).filter((row) => row.port === port);
  const pids = [...new Set(listeners.map((row) => row.pid))];
  // PowerShell just failed: names from tasklist rather than waiting on PowerShell again.
  return { listeners, processes: pids.length === 0 ? [] : await readTasklist(run, pids) };
}

/** Win32_Process rows (all, or the given pids); tasklist when PowerShell fails; null when neither runs. */
async function readProcesses(
  run: RunCommand,
  pids: readonly number[] | null,
): Promise<ProcessInfo[] | null> {
  const stdout = await runPowerShell(run, processesScript(pids));
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
  pids: readonly number[] | null,
): Promise<ProcessInfo[]> {
  const processes = await readProcesses(run, pids);
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
