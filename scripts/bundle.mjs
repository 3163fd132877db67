// Bundles the two entry points with ncc: dist/index.js (the action) and dist/cli.js (the CLI).
// Each dynamic import() becomes a chunk file beside its entry, named `<id>.<entry>` (for example
// dist/603.cli.js): the CLI's entry answers `--version` alone and each command loads only its own
// code. ncc minifies an entry but not its chunks, so the chunks are minified here the same way.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ncc from '@vercel/ncc';
import { minify } from 'terser';

const entries = { 'index.js': 'src/index.ts', 'cli.js': 'src/cli.ts' };
/** ncc's own settings for the entry it minifies: names kept, so error messages stay readable. */
const TERSER = {
  module: true,
  compress: false,
  mangle: { keep_classnames: true, keep_fnames: true },
};

/** The files one entry bundles to, by name: the entry itself and its chunks. */
async function build(out, entry) {
  const { code, assets } = await ncc(resolve(entry), {
    filename: out,
    minify: true,
    sourceMapRegister: false,
    quiet: true,
  });
  const files = { [out]: code };
  for (const [name, { source }] of Object.entries(assets)) {
    if (name === 'package.json') continue; // written once below
    if (!new RegExp(`^\\d+\\.${out.replace('.', '\\.')}$`).test(name))
      throw new Error(`ncc emitted an unexpected file for ${entry}: ${name}`);
    files[name] = (await minify(String(source), TERSER)).code;
  }
  return files;
}

rmSync('build', { recursive: true, force: true });
mkdirSync('build');
for (const [out, entry] of Object.entries(entries)) {
  for (const [name, text] of Object.entries(await build(out, entry)))
    writeFileSync(`build/${name}`, text);
}
chmodSync('build/cli.js', 0o755);
// ncc bundles ESM as ESM: tell Node so.
writeFileSync('build/package.json', '{ "type": "module" }\n');
// Replace dist/ only once every entry built: a failed build never leaves it empty.
rmSync('dist', { recursive: true, force: true });
renameSync('build', 'dist');
