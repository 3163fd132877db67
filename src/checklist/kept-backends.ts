/**
 * Backends left running with keep-running, recorded in the report folder so `stop` (CLI or the
 * stop action, possibly in a later step) can find them and prove it stops the same process
 * (pid + start time), not a stranger that reused the pid.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServiceConfig } from '../config/types.js';
import type { ProcessInfo } from '../platform/types.js';

export interface KeptBackend {
  name: string;
  port: number;
  stopTimeoutMs: number;
  process: ProcessInfo;
  /** The run's marker (absent in records written before it existed): finds its daemons. */
  marker?: string;
}

const FILE = 'kept-backends.json';

export function keptBackendsPath(reportDir: string): string {
  return path.join(reportDir, FILE);
}

export async function readKeptBackends(reportDir: string): Promise<KeptBackend[]> {
  try {
    return JSON.parse(await readFile(keptBackendsPath(reportDir), 'utf8')) as KeptBackend[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function writeKeptBackends(reportDir: string, kept: KeptBackend[]): Promise<void> {
  await mkdir(reportDir, { recursive: true });
  const file = keptBackendsPath(reportDir);
  await writeFile(`${file}.tmp`, JSON.stringify(kept, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
}

export async function saveKeptBackend(
  reportDir: string,
  config: ServiceConfig,
  proc: ProcessInfo,
  marker: string,
): Promise<void> {
  const kept = (await readKeptBackends(reportDir)).filter((k) => k.name !== config.name);
  kept.push({
    name: config.name,
    port: config.port,
    stopTimeoutMs: config.stopTimeoutMs,
    process: proc,
    marker,
  });
  await writeKeptBackends(reportDir, kept);
}
