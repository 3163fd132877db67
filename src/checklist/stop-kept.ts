/**
 * Stops the backends a keep-running run left behind (kept-backends.json in the report folder):
 * each only when its pid still names the process that was started (pid + start time), never a
 * stranger that reused the pid; then waits until its port is free. Entries that end well are
 * removed from the file; the others stay, so a second attempt can see them.
 */
import { rm } from 'node:fs/promises';
import type { ListenerSocket, Platform, ProcessInfo } from '../platform/types.js';
import { stopProcessTree, type StopOutcome } from '../process/stop.js';
import { isSameProcess } from '../process/tree.js';
import {
  keptBackendsPath,
  readKeptBackends,
  writeKeptBackends,
  type KeptBackend,
} from './kept-backends.js';
import { waitForPortFree } from '../process/wait.js';

/** After the tree is gone, how long the kernel gets to release the socket (as in teardown). */
const RELEASE_MS = 2000;

export interface KeptStop {
  kept: KeptBackend;
  /**
   * `stopped`: the recorded process was running and was stopped (see `outcome`); `exited`: it had
   * already exited; `pid-reused`: its pid now names another process (`stranger`), left alone.
   */
  fate: 'stopped' | 'exited' | 'pid-reused';
  stranger?: ProcessInfo;
  outcome: StopOutcome;
  /** What still listens on the port at the end: [] when it is free. */
  held: ListenerSocket[];
  /** Nothing of the backend survived or was refused, and the port is free. */
  ok: boolean;
}

const NOTHING_STOPPED: StopOutcome = { stopped: [], killed: [], survivors: [], refused: [] };

async function stopKept(platform: Platform, kept: KeptBackend): Promise<KeptStop> {
  const now = await platform.getProcess(kept.process.pid);
  const running = now !== null && now.state !== 'exited';
  const fate = !running ? 'exited' : isSameProcess(now, kept.process) ? 'stopped' : 'pid-reused';
  // The run's other processes (daemonized, setsid) carry its marker, whatever became of the pid.
  const marked = kept.marker ? await platform.findMarked(kept.marker) : [];
  const members = [...(fate === 'stopped' ? [kept.process] : []), ...marked];
  const outcome =
    members.length > 0
      ? await stopProcessTree(platform, fate === 'stopped' ? kept.process.pid : 0, {
          graceMs: kept.stopTimeoutMs,
          members,
        })
      : NOTHING_STOPPED;
  const held = await waitForPortFree(platform, kept.port, RELEASE_MS);
  const ok = outcome.survivors.length === 0 && outcome.refused.length === 0 && held.length === 0;
  return { kept, fate, ...(fate === 'pid-reused' ? { stranger: now! } : {}), outcome, held, ok };
}

async function readRecord(reportDir: string): Promise<KeptBackend[]> {
  const fail = (why: string) => new Error(`cannot read ${keptBackendsPath(reportDir)}: ${why}`);
  let kept: unknown;
  try {
    kept = await readKeptBackends(reportDir);
  } catch (err) {
    throw fail((err as Error).message);
  }
  if (!Array.isArray(kept)) throw fail('expected a list of backends');
  return kept as KeptBackend[];
}

/** Stops every kept backend, last started first; [] when none was recorded in `reportDir`. */
export async function stopKeptBackends(platform: Platform, reportDir: string): Promise<KeptStop[]> {
  const kept = await readRecord(reportDir);
  if (kept.length === 0) return [];
  const results: KeptStop[] = [];
  for (const backend of [...kept].reverse()) results.push(await stopKept(platform, backend));
  const left = kept.filter((backend) => results.some((r) => r.kept === backend && !r.ok));
  if (left.length > 0) await writeKeptBackends(reportDir, left);
  else await rm(keptBackendsPath(reportDir), { force: true });
  return results;
}
