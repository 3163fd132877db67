// Bundles the two entry points with ncc: dist/index.js (the action) and dist/cli.js (the CLI).
// Each dynamic import() becomes a chunk file beside its entry, named `<id>.<entry>` (for example
// dist/603.cli.js): the CLI's entry answers `--version` alone and each command loads only its own
// code. ncc minifies an entry but not its chunks, so the chunks are minified here the same way.
// The bundles are CommonJS: Node loads them without its ESM loader (a tenth of its own start-up)
// and reads chunks with a synchronous require (docs/benchmarks.md, "Start-up").
//
// `node scripts/bundle.mjs --entry src/cli.ts --out DIR [--transpile-only] [--no-minify]` bundles
// one entry the same way into DIR/index.js (tests use it to run the CLI as built from src/).
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ncc from '@vercel/ncc';
import { minify } from 'terser';

/** ncc's own settings for the entry it minifies: names kept, so error messages stay readable. */
const TERSER = {
  module: false,
  compress: false,
  mangle: { keep_classnames: true, keep_fnames: true },
};
/** dist/ sits in a `"type": "module"` package: its .js files are CommonJS only if it says so. */
const PACKAGE_JSON = '{ "type": "commonjs" }\n';

/** Writes `entry` bundled as `<dir>/<filename>` and its chunks `<dir>/<id>.<filename>`. */
async function build(entry, dir, filename, { transpileOnly = false, minified = true } = {}) {
  const { code, assets } = await ncc(resolve(entry), {
    filename,
    esm: false,
    minify: minified,
    transpileOnly,
    sourceMapRegister: false,
    quiet: true,
    // No build cache: its key is the entry's absolute path, so a fresh clone builds uncached and
    // a cached build elsewhere may differ from it; dist/ must be what any clone builds.
    cache: false,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${filename}`, code);
  for (const [name, { source }] of Object.entries(assets)) {
    if (!new RegExp(`^\\d+\\.${filename.replace('.', '\\.')}$`).test(name))
      throw new Error(`ncc emitted an unexpected file for ${entry}: ${name}`);
    const text = minified ? (await minify(String(source), TERSER)).code : source;
    writeFileSync(`${dir}/${name}`, text);
  }
  writeFileSync(`${dir}/package.json`, PACKAGE_JSON);
}

const { values } = parseArgs({
  options: {
    entry: { type: 'string' },
    out: { type: 'string' },
    'transpile-only': { type: 'boolean', default: false },
    'no-minify': { type: 'boolean', default: false },
  },
});
if (values.entry !== undefined && values.out !== undefined) {
  await build(values.entry, values.out, 'index.js', {
    transpileOnly: values['transpile-only'],
    minified: !values['no-minify'],
  });
} else {
  rmSync('build', { recursive: true, force: true });
  await build('src/index.ts', 'build', 'index.js');
  await build('src/cli.ts', 'build', 'cli.js');
  chmodSync('build/cli.js', 0o755);
  // Replace dist/ only once every entry built: a failed build never leaves it empty.
  rmSync('dist', { recursive: true, force: true });
  renameSync('build', 'dist');
}
