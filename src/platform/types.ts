/**
 * The listener inventory's common shape (README, "Platforms"). Each platform module only translates
 * its OS's view into it.
 */

export type Family = 'IPv4' | 'IPv6';

export interface ProcessInfo {
  pid: number;
  /** null when unknown (e.g. the process already exited on Windows). */
  ppid: number | null;
  /** Short process name (comm / image name). */
  name: string;
  /** Full command line, arguments joined with spaces; '' when unreadable. */
  command: string;
  /** Wall-clock start time, ISO 8601; null when unknown. */
  startedAt: string | null;
  /** Owning user id where the platform reports one (POSIX). */
  uid?: number;
  /** Process group id where the platform has process groups (POSIX). */
  pgid?: number;
  /** 'exited': the OS names this pid but it no longer runs (Windows creator pid, Linux zombie). */
  state?: 'running' | 'exited';
}

export interface ListenerSocket {
  /** Bound address without brackets: '0.0.0.0', '::', '127.0.0.1', '::1'. */
  address: string;
  port: number;
  family: Family;
  /** The socket's identity: Linux inode, macOS lsof `d` field, Windows a synthetic key. One socket, one id. */
  socketId: string;
  /** Every process that holds the socket (gunicorn master + workers, reloader parent + child). */
  processes: ProcessInfo[];
  /** Set when the holders could not be read (permissions, lsof without root): never silently empty. */
  ownerUnknown?: string;
}

/**
 * A row of a tool's listener output that could not be read (no numeric port or pid, a shape the
 * parser does not know). It may stand for a listener on the port, so it is counted and shown,
 * never dropped in silence. A row whose socket is readable but whose owner is not is a
 * ListenerSocket with `ownerUnknown` instead.
 */
export interface SkippedRow {
  /** The tool that printed it: 'netstat', 'lsof', 'Get-NetTCPConnection'. */
  source: string;
  /** The row as printed, trimmed and cut to 200 characters (JSON rows: their JSON). */
  text: string;
  /** Why it could not be read, as a phrase: 'the pid column is not a number'. */
  reason: string;
}

/**
 * listListeners's answer: the sockets, plus the rows that could not be read (absent or empty:
 * none). A plain ListenerSocket[] is a ListenerTable, so call sites that only want the sockets
 * stay unchanged; array methods (`filter`, `map`) return plain arrays without `skipped`.
 */
export type ListenerTable = ListenerSocket[] & { skipped?: SkippedRow[] };

/** The rows a listener read could not use ([] for a plain array). */
export function skippedRowsOf(sockets: readonly ListenerSocket[]): SkippedRow[] {
  return (sockets as Partial<ListenerTable>).skipped ?? [];
}

/** `sockets` carrying `skipped` (left off when empty). */
export function withSkipped(
  sockets: ListenerSocket[],
  skipped: readonly SkippedRow[],
): ListenerTable {
  const table: ListenerTable = sockets;
  if (skipped.length > 0) table.skipped = [...skipped];
  return table;
}

/** A row's text as SkippedRow keeps it: trimmed, at most 200 characters. */
export function skippedText(row: string): string {
  const text = row.trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Whether a process's environment carries the run's marker: 'unreadable' when it cannot be read
 * (another user's, gone, a platform without environments) or a process title overwrote it.
 */
export type MarkerState = 'marked' | 'unmarked' | 'unreadable';

/** One TCP connection the run opened, as its client end sees it. */
export interface TcpConnection {
  /** The server's address and port: where the client connected to. */
  serverAddress: string;
  serverPort: number;
  /** The client's own (ephemeral) address and port. */
  clientAddress: string;
  clientPort: number;
}

/**
 * Which process holds the server's end of a connection (`pid`), or why that could not be read
 * (`unattributed`, a short phrase: "the server did not accept within 100 ms"). Never a guess.
 */
export type ConnectionOwner = { pid: number } | { unattributed: string };

/**
 * What stopProcesses ends. POSIX signals each group as a whole and each pid alone; Windows has
 * no signals and ends them with taskkill /F (the tree of `tree` with /T).
 */
export interface StopRequest {
  /** SIGTERM asks, SIGKILL forces; Windows forces either way (stopMethod 'taskkill'). */
  signal: 'SIGTERM' | 'SIGKILL';
  /** Processes stopped one by one (members of `groups` are left out: the group reaches them). */
  pids: readonly number[];
  /** Process groups signalled as a whole (POSIX only). */
  groups: readonly number[];
  /** A root whose whole tree is ended with it where the OS does that itself (taskkill /T). */
  tree?: number;
}

/** One platform's view of listening sockets and processes, and how it stops and starts them. */
export interface Platform {
  readonly name: 'linux' | 'darwin' | 'win32';
  /** How often the port watch calls listSocketIds: a file read on Linux, TCP connects elsewhere. */
  readonly watchPollMs: number;
  /**
   * The watch's pace once nothing changed for a while (absent: watchPollMs throughout);
   * docs/platforms.md says what each platform polls and how often.
   */
  readonly watchIdlePollMs?: number;
  /**
   * Every listening TCP socket on the port, on any address and both families; rows that could
   * not be read ride along as `skipped` (ListenerTable).
   */
  listListeners(port: number): Promise<ListenerTable>;
  /**
   * The watch's cheap read: the ids of the sockets listening on the port, without their holders.
   * The watch takes an inventory (listListeners) whenever they differ from its last one. On macOS
   * and Windows they are the last inventory's ids while a TCP connect's answer holds, and a set
   * that differs when an inventory is due (docs/platforms.md, "How the port is watched off Linux").
   */
  listSocketIds(port: number): Promise<string[]>;
  /**
   * Every listening TCP socket, on any port, held by one of these processes or their
   * descendants: a walk of their open files only, far cheaper than listListeners on a host with
   * many connections. Absent where it would cost as much as the inventory (macOS, Windows).
   */
  listeningSocketsOf?(pids: readonly number[]): Promise<ListenerSocket[]>;
  /** Whether the process's environment holds `marker` (`NAME=VALUE`). */
  markerState(pid: number, marker: string): Promise<MarkerState>;
  /** Every running process whose environment holds `marker` ([] where environments cannot be read). */
  findMarked(marker: string): Promise<ProcessInfo[]>;
  /** One process, or null when it does not exist. */
  getProcess(pid: number): Promise<ProcessInfo | null>;
  /**
   * The running processes among `pids`, in one read (absent: one getProcess per pid). Where each
   * read starts a process (PowerShell on Windows), liveness polls use this.
   */
  getProcesses?(pids: readonly number[]): Promise<ProcessInfo[]>;
  /** How often teardown re-checks liveness when each read starts a process (absent: 20 ms). */
  readonly livenessPollMs?: number;
  /**
   * The process that accepted `connection`: among the holders of `listeners` (the port's
   * listening sockets as last read; every process is searched only when none of them has it), the
   * one whose open files hold the server's end. Waits up to `waitMs` for the server to accept.
   * Absent where the OS does not show it (macOS, Windows): probes there are not attributed.
   */
  connectionOwner?(
    connection: TcpConnection,
    listeners: readonly ListenerSocket[],
    waitMs: number,
  ): Promise<ConnectionOwner>;
  /** Every process visible to us (for tree walks). */
  listProcesses(): Promise<ProcessInfo[]>;
  /**
   * How processes are ended: 'signals' (SIGTERM, then SIGKILL after the grace period) or
   * 'taskkill' (Windows has no polite stop: taskkill /F ends them at once, with no grace).
   */
  readonly stopMethod: 'signals' | 'taskkill';
  /**
   * Sends the stop. A target already gone, or not ours to signal, is passed over in silence:
   * the liveness read that follows decides what survived.
   */
  stopProcesses(request: StopRequest): Promise<void>;
  /** How the backend is spawned: in its own process group on POSIX (one signal reaches its tree). */
  readonly spawnOptions: { readonly detached: boolean };
  /**
   * A sentence naming the system service `proc` is when it is known to hold `port` (macOS's
   * AirPlay Receiver on 5000), else null. Absent: no such service is known on this OS.
   */
  knownHolder?(proc: ProcessInfo, port: number): string | null;
}
