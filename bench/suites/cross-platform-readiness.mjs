// macOS and Windows readiness, measured on any OS: the real macOS and Windows platform modules
// and the real port watch, their tools played by a runner that describes a real Node listener
// and takes the time the tools take (lsof, netstat, ps 30 ms each; PowerShell 400 ms: a warm
// powershell.exe running a CIM query). Per platform: listen() → the listener, with its holder,
// in the watch's inventory (what `ready` judges ownership from), against the previous release's
// watch (a full inventory every 100 ms / 500 ms); then inventories and CPU over a 10 s wait.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import net from 'node:net';
import { bundle } from '../lib/build.mjs';
import { freePort } from '../lib/procs.mjs';
import { ms, summarize } from '../lib/stats.mjs';

const DELAYS = { lsofMs: 30, netstatMs: 30, psMs: 30, powershellMs: 400 };
const LONG_WAIT_MS = 10_000;

/**
 * The server listens 1–2 s after the watch starts (past the inventory the watch starts with),
 * spread evenly so every phase of the previous release's cycle (poll + inventory) is sampled.
 */
const listenDelays = (runs) =>
  Array.from({ length: runs }, (_, i) => Math.round(1000 + (1000 * (i + 0.5)) / runs));

async function load() {
  const path = bundle('bench/cross-platform-entry.ts', 'cross-platform');
  return import(new URL(`../../${path}`, import.meta.url).href);
}

/** The two platforms as a machine: tools played for `server`, not root on macOS (as on GitHub). */
function platforms(mod) {
  return [
    {
      name: 'macOS',
      tools: 'lsof ∥ netstat, then ps: 30 ms each',
      previousPollMs: 100,
      make: (server) => {
        const tools = mod.fakeMacTools(mod.listenersOf(server), DELAYS);
        return { tools, platform: mod.createDarwinPlatform(tools.run, { uid: 501 }) };
      },
    },
    {
      name: 'Windows',
      tools: 'one PowerShell call: 400 ms',
      previousPollMs: 500,
      make: (server) => {
        const tools = mod.fakeWindowsTools(mod.listenersOf(server), DELAYS);
        return { tools, platform: mod.createWindowsPlatform(tools.run) };
      },
    },
  ];
}

/** The previous release's watch: every poll a full inventory, at its old interval. */
const previous = (platform, pollMs) => ({
  ...platform,
  watchPollMs: pollMs,
  listSocketIds: async (port) => (await platform.listListeners(port)).map((s) => s.socketId),
});

/**
 * One wait: the watch starts, the server listens `delayMs` later; returns the times from
 * listen() to the first inventory after it and to the listener in the watch's inventory, the
 * inventories taken, and this process's CPU time over the wait.
 */
async function oneWait(mod, target, delayMs, old) {
  const server = net.createServer((socket) => socket.destroy());
  const { tools, platform } = target.make(server);
  const port = await freePort();
  const watch = new mod.PortWatch(
    old ? previous(platform, target.previousPollMs) : platform,
    port,
    () => performance.now(),
    async () => {},
  );
  const cpu = process.cpuUsage();
  const begin = performance.now();
  watch.start();
  try {
    await sleep(delayMs);
    const listenedAt = await new Promise((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => done(performance.now()));
    });
    while (watch.current.length === 0) {
      await Promise.race([watch.changed(), sleep(5)]);
      if (performance.now() - listenedAt > 10_000)
        throw new Error('the watch never saw the listener');
    }
    const seenAt = performance.now();
    const used = process.cpuUsage(cpu);
    return {
      seen: seenAt - listenedAt,
      signal: (tools.inventoryStarts.find((t) => t >= listenedAt) ?? NaN) - listenedAt,
      inventories: tools.inventories,
      spawned: tools.spawned,
      cpuShare: (used.user + used.system) / 1000 / (seenAt - begin),
    };
  } finally {
    await watch.stop();
    server.close();
  }
}

/**
 * oneWait, on another port when the one picked was taken before the server listened (the port
 * is picked seconds ahead; a host busy with loopback connections hands it out meanwhile).
 */
async function measure(mod, target, delayMs, old) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await oneWait(mod, target, delayMs, old);
    } catch (error) {
      if (error.code !== 'EADDRINUSE' || attempt === 3) throw error;
    }
  }
}

const pct = (share) => `${(share * 100).toFixed(1)}%`;

export async function crossPlatformReadiness({ runs }) {
  const mod = await load();
  const sections = [];
  for (const target of platforms(mod)) {
    const now = [];
    const before = [];
    for (const delayMs of listenDelays(runs)) {
      now.push(await measure(mod, target, delayMs, false));
      before.push(await measure(mod, target, delayMs, true));
    }
    const long = await measure(mod, target, LONG_WAIT_MS, false);
    const longBefore = await measure(mod, target, LONG_WAIT_MS, true);
    const seen = summarize(now.map((r) => r.seen));
    const signal = summarize(now.map((r) => r.signal));
    const verdict = (met) => (met ? 'met' : 'missed');
    sections.push({
      id: `readiness-${target.name.toLowerCase()}`,
      title: `${target.name} readiness (tools played: ${target.tools}): listen() → the listener, with its holder, in the watch's inventory`,
      rows: [
        { tool: 'single-listener-check watch (connect signal)', stats: seen, role: 'ours' },
        {
          tool: 'signal: listen() → the inventory starts',
          stats: signal,
          role: 'detail',
        },
        {
          tool: `previous release (full inventory every ${target.previousPollMs} ms)`,
          stats: summarize(before.map((r) => r.seen)),
          role: 'peer',
        },
      ],
      target: {
        text: '≤ 50 ms after listen(); ≤ 3 inventories in a 10 s wait',
        met: seen.median <= 50 && long.inventories <= 3,
      },
      notes: [
        `Parts: the signal within 50 ms: ${verdict(signal.max <= 50)} (median ${ms(signal.median)}, max ${ms(signal.max)}); the listener named within 50 ms: ${verdict(seen.median <= 50)} (median ${ms(seen.median)}: the tools' own time follows the signal); ≤ 3 inventories in a 10 s wait: ${verdict(long.inventories <= 3)} (${long.inventories}).`,
        `10 s wait (the server listens 10 s after the watch starts): ${long.inventories} inventories, ${long.spawned} commands started, this process's CPU ${pct(long.cpuShare)} of one core; previous release: ${longBefore.inventories} inventories, ${longBefore.spawned} commands.`,
        'The inventory that names the holder runs after the signal changes, so the figure is the signal plus one inventory; readiness cannot be declared from the signal alone (it names no process).',
      ],
    });
  }
  return sections;
}
