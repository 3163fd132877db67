/**
 * macOS's lsof, netstat and ps, and Windows's PowerShell, played by a runner that describes one
 * real listener — a Node server of this process — as those tools print it, each call taking the
 * time a real one takes. It counts what it was asked to start, so tests and the bench see how many
 * inventories a watch took. Shared by __tests__ and bench/ (bundled by bench/cross-platform-entry.ts).
 */
import type { Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandResult, RunCommand } from '../../src/platform/run-command.js';

export interface ToolDelays {
  lsofMs: number;
  netstatMs: number;
  psMs: number;
  powershellMs: number;
}

export interface FakeTools {
  run: RunCommand;
  /** Inventories started: lsof reads (macOS), Get-NetTCPConnection scripts (Windows). */
  readonly inventories: number;
  /** Every process the runner was asked to start. */
  readonly spawned: number;
  /** performance.now() as each inventory started. */
  readonly inventoryStarts: readonly number[];
}

const ok = (stdout: string): CommandResult => ({ stdout, stderr: '', code: 0 });

/** A listening socket as the tools print it; `pid` holds it. */
export interface DescribedListener {
  address: string;
  port: number;
  ipv6: boolean;
  pid: number;
}

/** What the tools list; read when the tool reads the table, at the end of its call. */
export type Listeners = () => DescribedListener[];

/** The server's socket while it listens, held by this process; none once it is closed. */
export function listenersOf(server: Server): Listeners {
  return () => {
    const address = server.address();
    if (address === null || typeof address === 'string') return [];
    const { address: host, port, family } = address;
    return [{ address: host, port, ipv6: family === 'IPv6', pid: process.pid }];
  };
}

/** Each listener's own socket id in its tool's form: distinct for listeners on one port. */
const kernelId = (l: DescribedListener, i: number) =>
  (l.port * 16 + i).toString(16).padStart(16, '0');

const NETSTAT_HEADER =
  'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usscnt rtncnt fltrs';

/** `lsof -F` (newline-separated), `netstat -anv -p tcp` (macOS 14 columns) and `ps -o …`. */
export function fakeMacTools(
  listeners: Listeners,
  delays: Pick<ToolDelays, 'lsofMs' | 'netstatMs' | 'psMs'>,
): FakeTools {
  const counts = { inventories: 0, spawned: 0, inventoryStarts: [] as number[] };
  const uid = process.getuid?.() ?? 501;
  const lsof = (l: DescribedListener, i: number) => [
    `p${l.pid}`,
    `R${process.ppid}`,
    'cnode',
    `f${21 + i}`,
    `t${l.ipv6 ? 'IPv6' : 'IPv4'}`,
    `d0x${kernelId(l, i)}`,
    `n${l.ipv6 ? `[${l.address}]` : l.address}:${l.port}`,
    'TST=LISTEN',
  ];
  const netstat = (l: DescribedListener, i: number) =>
    `tcp${l.ipv6 ? 6 : 4}       0      0  ${l.address}.${l.port}   *.*   LISTEN   131072  131072 ${l.pid}      0 00100 00000006 ${kernelId(l, i)} 00000000 00000900      1      0 000001`;
  const run: RunCommand = async (file, args) => {
    counts.spawned += 1;
    if (file === 'lsof') {
      counts.inventories += 1;
      counts.inventoryStarts.push(performance.now());
      await sleep(delays.lsofMs);
      const rows = listeners().flatMap(lsof);
      return rows.length === 0 ? { stdout: '', stderr: '', code: 1 } : ok([...rows, ''].join('\n'));
    }
    if (file === 'netstat') {
      await sleep(delays.netstatMs);
      return ok([NETSTAT_HEADER, ...listeners().map(netstat), ''].join('\n'));
    }
    if (file === 'ps') {
      await sleep(delays.psMs);
      const pids = args.at(-1)?.split(',').map(Number) ?? [];
      const names = args.some((a) => a.includes('comm='));
      const rows = pids.map((pid) =>
        names
          ? `${pid} node`
          : `${pid} ${process.ppid} ${pid} ${uid} Thu Dec  3 01:00:00 2026 node server.js`,
      );
      return ok([...rows, ''].join('\n'));
    }
    throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
  };
  return withCounts(run, counts);
}

/** `pwsh` answering our listeners script (Get-NetTCPConnection + Win32_Process) and processes script. */
export function fakeWindowsTools(
  listeners: Listeners,
  delays: Pick<ToolDelays, 'powershellMs'>,
): FakeTools {
  const counts = { inventories: 0, spawned: 0, inventoryStarts: [] as number[] };
  const processOf = (pid: number) => ({
    ProcessId: pid,
    ParentProcessId: process.ppid,
    Name: 'node.exe',
    CommandLine: 'node server.js',
    CreationDate: '2026-12-03T01:00:00.0000000+00:00',
  });
  const run: RunCommand = async (file, args) => {
    counts.spawned += 1;
    if (file !== 'pwsh') {
      throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
    }
    const script = Buffer.from(args.at(-1) ?? '', 'base64').toString('utf16le');
    const inventory = script.includes('Get-NetTCPConnection');
    if (inventory) {
      counts.inventories += 1;
      counts.inventoryStarts.push(performance.now());
    }
    await sleep(delays.powershellMs);
    const pids = [...script.matchAll(/ProcessId=(\d+)/g)].map((m) => Number(m[1]));
    if (!inventory) return ok(JSON.stringify(pids.map(processOf)));
    const rows = listeners().map((l) => ({
      LocalAddress: l.address,
      LocalPort: l.port,
      OwningProcess: l.pid,
    }));
    const owners = [...new Set(rows.map((r) => r.OwningProcess))].map(processOf);
    return ok(JSON.stringify({ Listeners: rows, Processes: owners }));
  };
  return withCounts(run, counts);
}

function withCounts(
  run: RunCommand,
  counts: { inventories: number; spawned: number; inventoryStarts: number[] },
): FakeTools {
  return {
    run,
    get inventories() {
      return counts.inventories;
    },
    get spawned() {
      return counts.spawned;
    },
    inventoryStarts: counts.inventoryStarts,
  };
}
