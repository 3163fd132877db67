/**
 * The port watch's cheap read where every inventory starts a process (macOS, Windows): TCP
 * connects from this process to the port's candidate addresses, which start nothing. The
 * inventory (lsof, PowerShell) runs only when their answers change — and, because a connect
 * cannot see a second listener on an address one already accepts on (SO_REUSEPORT on macOS, a
 * SO_REUSEADDR hijack on Windows), also at a bounded cadence (docs/platforms.md, "How the port
 * is watched off Linux"). The signal only says when to look; every listener reported comes from
 * an inventory.
 */
import os from 'node:os';
import type { ListenerTable } from './types.js';

export interface SignalCadence {
  /** A full inventory at least this often while the port has a listener: a second one hides behind it. */
  listeningInventoryMs: number;
  /** …and while it has none: a safety net for listeners no connect reaches. */
  idleInventoryMs: number;
  /** After an inventory failed, how long the signal waits before asking for another. */
  retryMs: number;
  /**
   * How often, at most, an address is connected to when it accepts (the backend sees every
   * connect) or is only one of this host's interfaces (a rare place to bind alone): each connect
   * costs about 0.15 ms of CPU, loopback is probed on every poll.
   */
  slowProbeMs: number;
  /** A connect neither accepted nor refused within this is `silent` (a full backlog, a filter). */
  connectTimeoutMs: number;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now: () => number;
  /** This host's own addresses, connected to besides loopback (a backend may bind only one). */
  hostAddresses: () => string[];
}

/**
 * How often the watch polls the signal: a few connects, no process. Each poll's wake-ups cost
 * more CPU than its connects on a busy runner; 40 ms keeps a change seen within 50 ms.
 */
export const SIGNAL_POLL_MS = 40;

const DEFAULT_CADENCE: SignalCadence = {
  listeningInventoryMs: 2_000,
  idleInventoryMs: 10_000,
  retryMs: 500,
  slowProbeMs: 500,
  connectTimeoutMs: 200,
  now: () => performance.now(),
  hostAddresses: interfaceAddresses,
};

const LOOPBACK = ['127.0.0.1', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '*', '']);
/** A host with dozens of interfaces (container bridges) is probed on the first ones only. */
const MAX_CANDIDATES = 16;
/** Interfaces change rarely: read them once a second, not on every poll. */
const HOST_REREAD_MS = 1_000;
/** Not an id of any socket: makes the watch's id set differ, so it takes an inventory. */
const INVENTORY_DUE = 'signal:inventory-due';

/** What one connect said: accepting, refused, silent (timed out), or the error's code. */
type ConnectState = string;

interface Probe {
  state: ConnectState;
  atMs: number;
}

/** What the last inventory of a watched port saw, and what the signal said as it began. */
interface PortState {
  ids: string[];
  /** The signal as that inventory began; null before the first one. */
  signal: string | null;
  /** Its sockets' own addresses, connected to as well. */
  addresses: string[];
  listening: boolean;
  inventoryAtMs: number;
  failedAtMs: number | null;
  probes: Map<string, Probe>;
}

export interface InventorySignal {
  /**
   * Runs one inventory. For a watched port, the signal is probed afresh as it starts, and its
   * socket ids are kept for `socketIds`; other ports (a one-off `listeners`) are not connected to.
   */
  track(port: number, inventory: () => Promise<ListenerTable>): Promise<ListenerTable>;
  /**
   * Platform.listSocketIds: the last inventory's ids while the signal is unchanged and no
   * inventory is due; otherwise ids that differ from them, so the watch takes an inventory.
   */
  socketIds(port: number): Promise<string[]>;
}

export function createInventorySignal(options: Partial<SignalCadence> = {}): InventorySignal {
  const cadence = { ...DEFAULT_CADENCE, ...options };
  const ports = new Map<number, PortState>();
  let host = { addresses: [] as string[], atMs: -Infinity };
  const hostAddresses = () => {
    if (cadence.now() - host.atMs >= HOST_REREAD_MS) {
      host = { addresses: cadence.hostAddresses(), atMs: cadence.now() };
    }
    return host.addresses;
  };

  const candidates = (state: PortState) =>
    [...new Set([...LOOPBACK, ...state.addresses, ...hostAddresses()])]
      .filter((a) => !WILDCARDS.has(a))
      .slice(0, MAX_CANDIDATES);

  /** Connects where needed and returns the signal: every address's state but `refused`. */
  const probe = async (port: number, state: PortState, fresh: boolean): Promise<string> => {
    const addresses = candidates(state);
    const everyPoll = new Set([...LOOPBACK, ...state.addresses]);
    await Promise.all(
      addresses.map(async (address) => {
        const last = state.probes.get(address);
        const slow = last?.state === 'accepting' || !everyPoll.has(address);
        if (!fresh && slow && last && cadence.now() - last.atMs < cadence.slowProbeMs) return;
        const atMs = cadence.now();
        state.probes.set(address, { state: await connectState(address, port, cadence), atMs });
      }),
    );
    return addresses
      .map((a) => `${a}=${state.probes.get(a)?.state ?? 'refused'}`)
      .filter((entry) => !entry.endsWith('=refused'))
      .sort()
      .join(' ');
  };

  return {
    async track(port, inventory) {
      const state = ports.get(port);
      if (!state) return inventory();
      const startedMs = cadence.now();
      // Probed before the inventory reads the table: a change after that shows as a new signal.
      const signal = probe(port, state, true);
      let table: ListenerTable;
      try {
        table = await inventory();
      } catch (error) {
        state.failedAtMs = cadence.now();
        await signal;
        throw error;
      }
      Object.assign(state, {
        ids: table.map((s) => s.socketId),
        signal: await signal,
        addresses: [...new Set(table.map((s) => s.address))],
        listening: table.length > 0,
        inventoryAtMs: startedMs,
        failedAtMs: null,
      });
      return table;
    },

    async socketIds(port) {
      const state = ports.get(port);
      if (!state) {
        ports.set(port, {
          ids: [],
          signal: null,
          addresses: [],
          listening: false,
          inventoryAtMs: -Infinity,
          failedAtMs: null,
          probes: new Map(),
        });
        return [INVENTORY_DUE];
      }
      const nowMs = cadence.now();
      if (state.failedAtMs !== null && nowMs - state.failedAtMs < cadence.retryMs) {
        return state.ids;
      }
      const signal = await probe(port, state, false);
      const accepting = signal.includes('=accepting');
      const everyMs =
        state.listening || accepting ? cadence.listeningInventoryMs : cadence.idleInventoryMs;
      const due = state.failedAtMs !== null || nowMs - state.inventoryAtMs >= everyMs;
      return signal === state.signal && !due ? state.ids : [...state.ids, INVENTORY_DUE];
    },
  };
}

/** One connect, closed at once: accepted, refused, silent, or another error's code. */
export async function connectState(
  host: string,
  port: number,
  { connectTimeoutMs }: Pick<SignalCadence, 'connectTimeoutMs'> = DEFAULT_CADENCE,
): Promise<ConnectState> {
  // Loaded on first use: Linux never connects, and a short command should not compile net.
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    // The socket's own idle timer: cheaper than a timer of our own on every poll.
    const socket = new Socket();
    const done = (state: ConnectState) => {
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(connectTimeoutMs, () => done('silent'));
    socket.once('connect', () => done('accepting'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? 'error')),
    );
    socket.connect(port, host);
  });
}

/** This host's non-loopback addresses; IPv6 link-local ones need a scope and are left out. */
function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal && !/^fe80:/i.test(i.address))
    .map((i) => i!.address);
}
