// What the benchmarks run: a snapshot of the built CLI (dist/ may be rebuilt while we measure)
// and the Linux inventory bundled with ncc from bench/inventory-entry.ts. Output goes to
// node_modules/.cache (ignored by git, eslint and prettier). bench/tsconfig.json limits ncc's
// type check to the entries' own imports.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const BUILD_DIR = 'node_modules/.cache/single-listener-check-bench';
const NCC = 'node_modules/@vercel/ncc/dist/ncc/cli.js';

/** Bundles a bench entry with ncc, minified, as ES modules (the inventory is import()ed); returns its path. */
export function bundle(entry, name) {
  const out = `${BUILD_DIR}/${name}`;
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [NCC, 'build', entry, '-o', out, '--minify', '--no-source-map-register', '-q'],
    { stdio: 'inherit' },
  );
  writeFileSync(`${out}/package.json`, '{ "type": "module" }\n');
  return `${out}/index.js`;
}

const distReady = () => existsSync('dist/cli.js') && existsSync('dist/index.js');

/**
 * The CLI to run and the bundle sizes. dist/ is copied (another `npm run build` may replace it
 * while we measure); when it is absent even after a short wait, the same bundles are built from
 * src/ here instead — never by `npm run build`, which would delete others' dist/.
 */
export async function snapshotCli() {
  mkdirSync(BUILD_DIR, { recursive: true });
  for (let i = 0; i < 20 && !distReady(); i++) await sleep(500);
  if (distReady()) {
    // The entry, the chunk files it loads (`<id>.cli.js`) and the package.json giving their format.
    const out = `${BUILD_DIR}/dist-cli`;
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    const files = readdirSync('dist').filter((f) => /^(?:\d+\.)?cli\.js$|^package\.json$/.test(f));
    for (const file of files) copyFileSync(`dist/${file}`, `${out}/${file}`);
    return {
      cli: `${out}/cli.js`,
      sizes: cliSizes(out, 'cli.js', 'dist/index.js'),
      source: 'dist/',
    };
  }
  const cli = bundle('bench/cli-entry.ts', 'cli');
  const index = bundle('bench/action-entry.ts', 'action');
  const sizes = cliSizes(`${BUILD_DIR}/cli`, 'index.js', index);
  return {
    cli,
    sizes,
    source: 'src/ (dist/ was absent: bundled by the bench with the same ncc flags)',
  };
}

/** Bytes of the CLI's entry, of its chunks (loaded per command) and of the action's bundle. */
function cliSizes(dir, entry, index) {
  const chunks = readdirSync(dir).filter((f) => /^\d+\./.test(f));
  return {
    cli: statSync(`${dir}/${entry}`).size,
    chunks: chunks.reduce((sum, f) => sum + statSync(`${dir}/${f}`).size, 0),
    index: statSync(index).size,
  };
}

/** The inventory's module (listListeners, readListenRows, findSocketHolders), freshly bundled. */
export async function buildInventory() {
  const path = bundle('bench/inventory-entry.ts', 'inventory');
  return import(new URL(`../../${path}`, import.meta.url).href);
}
