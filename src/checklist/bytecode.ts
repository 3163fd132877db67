/**
 * Finds and removes Python bytecode under a folder: every `__pycache__` and stray `*.pyc`/`*.pyo`,
 * never descending into `.git`, `node_modules` or virtual environments (folders holding `pyvenv.cfg`).
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const SKIP_DIRS = new Set(['.git', 'node_modules']);

interface Scan {
  hasPython: boolean;
  cacheDirs: string[];
  strayFiles: string[];
}

async function scan(root: string): Promise<Scan> {
  const out: Scan = { hasPython: false, cacheDirs: [], strayFiles: [] };
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) return;
    const subdirs: Promise<void>[] = [];
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === '__pycache__') out.cacheDirs.push(full);
        else if (!SKIP_DIRS.has(e.name)) subdirs.push(walk(full));
      } else if (e.isFile()) {
        if (e.name.endsWith('.py')) out.hasPython = true;
        else if (e.name.endsWith('.pyc') || e.name.endsWith('.pyo')) out.strayFiles.push(full);
      }
    }
    await Promise.all(subdirs);
  };
  await walk(root);
  // A cache without sources still means Python ran here.
  out.hasPython ||= out.cacheDirs.length > 0 || out.strayFiles.length > 0;
  return out;
}

export interface ClearResult {
  hasPython: boolean;
  removed: { dirs: number; files: number };
  /** Bytecode paths still present after removal. */
  remaining: string[];
}

export async function clearBytecode(root: string): Promise<ClearResult> {
  const found = await scan(root);
  await Promise.all(
    [...found.cacheDirs, ...found.strayFiles].map((p) =>
      rm(p, { recursive: true, force: true }).catch(() => undefined),
    ),
  );
  const after = await scan(root);
  return {
    hasPython: found.hasPython,
    removed: { dirs: found.cacheDirs.length, files: found.strayFiles.length },
    remaining: [...after.cacheDirs, ...after.strayFiles],
  };
}
