/**
 * The CLI bundled from the sources as they are now, for tests that run the real program as a
 * child process (as users run it) without depending on, or rewriting, the committed dist/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NCC = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
const BUNDLES = path.join(tmpdir(), 'slc-test-bundles');
/** Bundles of older sources are removed once this old (a run in progress may still use one). */
const STALE_BUNDLE_MS = 60 * 60 * 1000;

/**
 * The CLI (`src/cli.ts`) bundled with ncc as `npm run build` bundles dist/cli.js, but from the
 * sources as they are now, into a cache folder keyed by their hash: dist/ itself is left alone.
 * Takes a few seconds the first time after a change.
 */
export function bundledCli(): string {
  const hash = createHash('sha256');
  for (const file of listFiles(path.join(REPO, 'src')).sort()) {
    hash.update(file).update(readFileSync(file));
  }
  const target = path.join(BUNDLES, hash.digest('hex').slice(0, 16));
  const bundle = path.join(target, 'index.js');
  if (existsSync(bundle)) return bundle;
  mkdirSync(BUNDLES, { recursive: true });
  pruneStaleBundles();
  const building = mkdtempSync(path.join(BUNDLES, 'building-'));
  try {
    // --transpile-only: type errors elsewhere in the tree (tsc reports them) must not stop it.
    execFileSync(
      process.execPath,
      [
        NCC,
        'build',
        'src/cli.ts',
        '-o',
        building,
        '-q',
        '--no-source-map-register',
        '--transpile-only',
      ],
      { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(bundle)) throw error; // else another worker built it first
  }
  return bundle;
}

function pruneStaleBundles(): void {
  for (const name of readdirSync(BUNDLES)) {
    const folder = path.join(BUNDLES, name);
    if (Date.now() - statSync(folder).mtimeMs > STALE_BUNDLE_MS)
      rmSync(folder, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}
