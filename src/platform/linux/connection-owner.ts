/**
 * Which process accepted a connection, from /proc alone. The server's end of the connection is
 * the ESTABLISHED row of /proc/net/tcp{,6} whose local end is the server's address:port and whose
 * remote end is the client's (the client's own row is the reverse); its inode names the socket,
 * and the process whose fd table links to `socket:[inode]` holds it.
 *
 * The window: the server's end has no inode (0) while it waits in the accept queue, and none once
 * the server has closed it. So the caller asks after its connect completed and before it sends
 * anything, and this polls until the server accepted or `waitMs` ran out.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { ConnectionOwner, Family, ListenerSocket, TcpConnection } from '../types.js';
import { decodeIPv4, decodeIPv6 } from './proc-net-tcp.js';
import { findSocketHolders } from './socket-holders.js';

/** Between two reads of the table while the connection waits to be accepted. */
const POLL_MS = 1;
/** A server end still in SYN_RECV this long after the client connected waits for data. */
const DEFER_ACCEPT_AFTER_MS = 10;
const READ_BUFFER = Buffer.allocUnsafe(128 * 1024);

/** `::ffff:127.0.0.1` and `127.0.0.1` are one peer; a zone (`%eth0`) is not in the table. */
function sameAddress(a: string, b: string): boolean {
  const plain = (address: string) => address.replace(/^::ffff:/i, '').replace(/%.*$/, '');
  return plain(a) === plain(b);
}

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/**
 * The rows of a server end: local port = the server's, remote port = the client's, state 01
 * (ESTABLISHED) or 03 (SYN_RECV: the client's last handshake ACK not yet taken, which a listener
 * with TCP_DEFER_ACCEPT does until the request arrives); after the state come tx:rx, tr:when,
 * retrnsmt, uid, timeout, then the inode.
 */
function serverEndPattern(connection: TcpConnection): RegExp {
  const server = hexPort(connection.serverPort);
  const client = hexPort(connection.clientPort);
  return new RegExp(
    `^\\s*\\d+: ([0-9A-F]{8}|[0-9A-F]{32}):${server} ([0-9A-F]{8}|[0-9A-F]{32}):${client} (01|03)(?:\\s+\\S+){5}\\s+(\\d+)`,
    'gim',
  );
}

/** The server's end as its row shows it; inode '0' while it waits to be accepted. */
interface ServerEnd {
  state: 'ESTABLISHED' | 'SYN_RECV';
  inode: string;
}

/**
 * The server's end in one table, or null when the table has no such row. Established rows are spread over the whole table in hash order, so the table
 * is read up to the row (a read() returns whole rows: each chunk is searched on its own).
 */
function findInTable(path: string, connection: TcpConnection, pattern: RegExp): ServerEnd | null {
  const decode = path.endsWith('6') ? decodeIPv6 : decodeIPv4;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // no tcp6 table: no IPv6
  }
  try {
    for (;;) {
      const n = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, null);
      if (n === 0) return null;
      const chunk = READ_BUFFER.toString('latin1', 0, n);
      pattern.lastIndex = 0;
      for (let row = pattern.exec(chunk); row !== null; row = pattern.exec(chunk)) {
        const local = decode(row[1]!);
        const remote = decode(row[2]!);
        if (
          sameAddress(local, connection.serverAddress) &&
          sameAddress(remote, connection.clientAddress)
        )
          return { state: row[3] === '01' ? 'ESTABLISHED' : 'SYN_RECV', inode: row[4]! };
      }
    }
  } finally {
    closeSync(fd);
  }
}

const TABLE_OF = { IPv4: '/proc/net/tcp', IPv6: '/proc/net/tcp6' } as const;

/**
 * The tables that can hold the server's end, the likely one first: that of the known listeners'
 * family (an IPv4 connection accepted by a dual-stack `::` listener is a v4-mapped row of tcp6).
 * Each read of a table walks the kernel's established hash until a page is full, so even a small
 * table costs a whole walk: the other table is read only when the first has no row at all (a
 * listener of the other family that appeared since the listeners were read).
 */
function tablesFor(connection: TcpConnection, listeners: readonly ListenerSocket[]): string[] {
  const ipv4 = /^(::ffff:)?\d+\.\d+\.\d+\.\d+$/i.test(connection.serverAddress);
  if (!ipv4) return [TABLE_OF.IPv6];
  const known = new Set<Family>(listeners.map((socket) => socket.family));
  const v6First = known.has('IPv6') && !known.has('IPv4');
  return v6First ? [TABLE_OF.IPv6, TABLE_OF.IPv4] : [TABLE_OF.IPv4, TABLE_OF.IPv6];
}

/** Reads the server's end (null: no table has its row) each time it is called. */
function serverEndFinder(
  connection: TcpConnection,
  listeners: readonly ListenerSocket[],
): () => ServerEnd | null {
  const tables = tablesFor(connection, listeners);
  const pattern = serverEndPattern(connection);
  return () => {
    for (const table of tables) {
      const end = findInTable(table, connection, pattern);
      if (end !== null) return end;
    }
    return null;
  };
}

const pidList = (pids: readonly number[]) =>
  pids.length === 1 ? `pid ${pids[0]}` : `pids ${pids.join(', ')}`;

interface AcceptedBy {
  pids: number[];
  /** Holders of the port whose open files may not be read. */
  deniedHolders: number[];
  /** Other processes whose open files may not be read (only searched when no holder has it). */
  deniedOthers: number;
}

/**
 * Who holds the accepted socket: the port's holders, and with `everyone` every process when none
 * of them has it (a server that started, or a worker that was handed the socket, since the
 * holders were read).
 */
function acceptedBy(inode: string, holderPids: readonly number[], everyone: boolean): AcceptedBy {
  const wanted = new Set([inode]);
  const fromHolders = findSocketHolders(wanted, holderPids);
  const found = { pids: fromHolders.holders.get(inode) ?? [], deniedOthers: 0 };
  if (found.pids.length === 0 && everyone) {
    const all = findSocketHolders(wanted);
    found.pids = all.holders.get(inode) ?? [];
    found.deniedOthers = all.deniedPids.filter((pid) => !holderPids.includes(pid)).length;
  }
  return { ...found, deniedHolders: fromHolders.deniedPids };
}

/** Why nobody could be named for an accepted connection. */
function unattributedReason({ pids, deniedHolders, deniedOthers }: AcceptedBy): string {
  if (pids.length > 1) return `the connection is held by ${pidList(pids)}`;
  if (deniedHolders.length > 0) {
    return `permission denied reading the open files of ${pidList(deniedHolders)}`;
  }
  if (deniedOthers > 0) {
    return `no holder of the port has it, and permission denied reading the open files of ${deniedOthers} other processes`;
  }
  return 'no process holds the accepted connection any more';
}

export async function connectionOwner(
  connection: TcpConnection,
  listeners: readonly ListenerSocket[],
  waitMs: number,
): Promise<ConnectionOwner> {
  const deadline = performance.now() + waitMs;
  const serverEnd = serverEndFinder(connection, listeners);
  const holderPids = [...new Set(listeners.flatMap((s) => s.processes.map((p) => p.pid)))];
  let accepted: AcceptedBy | null = null;
  let [queued, searchedEveryone, deniedOthers] = [false, false, 0];
  let handshakeSince: number | null = null;
  for (;;) {
    const end = serverEnd();
    const inode = end?.inode ?? null;
    if (end?.state === 'SYN_RECV') {
      // On loopback the last ACK is taken within a millisecond; a handshake still open after
      // that is a listener with TCP_DEFER_ACCEPT, which completes it when the request arrives.
      handshakeSince ??= performance.now();
      if (performance.now() - handshakeSince >= DEFER_ACCEPT_AFTER_MS) {
        return {
          unattributed:
            'the server completes the connection only once the request arrives (TCP_DEFER_ACCEPT)',
        };
      }
    } else if (inode === '0') queued = true;
    else if (inode !== null) {
      // Every process is searched once; after that the holders only (a scan of every fd table
      // costs milliseconds).
      accepted = acceptedBy(inode, holderPids, !searchedEveryone);
      searchedEveryone = true;
      deniedOthers = Math.max(deniedOthers, accepted.deniedOthers);
      if (accepted.pids.length === 1) return { pid: accepted.pids[0]! };
      // A holder we may not read stays unreadable. Otherwise look again: the socket gets its
      // inode inside accept() just before its fd is installed, and a forking server holds it in
      // parent and child between fork() and the parent's close().
      if (accepted.pids.length === 0 && accepted.deniedHolders.length > 0) break;
    }
    if (performance.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (accepted) return { unattributed: unattributedReason({ ...accepted, deniedOthers }) };
  return {
    unattributed: queued
      ? `the server did not accept within ${waitMs} ms`
      : "the server's end of the connection is not in this network namespace's /proc/net/tcp",
  };
}
