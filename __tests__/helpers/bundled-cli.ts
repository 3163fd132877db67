/**
 * The CLI and the action bundled from the sources as they are now, for tests that run the real
 * program as a child process (as users run it) without depending on, or rewriting, the
 * committed dist/.
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
const BUNDLE = 'scripts/bundle.mjs';
const BUNDLES = path.join(tmpdir(), 'slc-test-bundles');
/** Bundles of older sources are removed once this old (a run in progress may still use one). */
const STALE_BUNDLE_MS = 60 * 60 * 1000;

/**
 * The CLI (`src/cli.ts`) bundled by scripts/bundle.mjs as `npm run build` bundles dist/cli.js,
 * but from the sources as they are now, into a cache folder keyed by their hash (and the build
 * script's): dist/ itself is left alone.
 * Takes a few seconds the first time after a change.
 */
export function bundledCli(): string {
  // --transpile-only: type errors elsewhere in the tree (tsc reports them) must not stop it.
  return path.join(
    bundled('src/cli.ts', 'cli', '.', ['--transpile-only', '--no-minify']),
    'index.js',
  );
}

/**
 * A folder laid out as the action runs from it — `dist/index.js` bundled from `src/index.ts`
 * as it is now — for the harness's `actionPath` (GITHUB_ACTION_PATH).
 */
export function bundledActionPath(): string {
  return bundled('src/index.ts', 'action', 'dist', ['--no-minify']);
}

/** The cache folder holding `entry` bundled as `<folder>/<subdir>/index.js`. */
function bundled(entry: string, kind: string, subdir: string, flags: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...listFiles(path.join(REPO, 'src')).sort(), path.join(REPO, BUNDLE)]) {
    hash.update(file).update(readFileSync(file));
  }
  const target = path.join(BUNDLES, `${hash.digest('hex').slice(0, 16)}-${kind}`);
  const bundle = path.join(target, subdir, 'index.js');
  if (existsSync(bundle)) return target;
  mkdirSync(BUNDLES, { recursive: true });
  pruneStaleBundles();
  const building = mkdtempSync(path.join(BUNDLES, 'building-'));
  const out = path.join(building, subdir);
  try {
    // The build dist/ gets (CommonJS, chunk files, their package.json), unminified.
    execFileSync(process.execPath, [BUNDLE, '--entry', entry, '--out', out, ...flags], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(bundle)) throw error; // else another worker built it first
  }
  return target;
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
