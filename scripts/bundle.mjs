// Bundles the two entry points with ncc into single files: dist/index.js (the action) and
// dist/cli.js (the CLI). ncc writes `<out>/index.js`, so each entry is built to a scratch
// folder and moved into place.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync, readdirSync, chmodSync } from 'node:fs';

const entries = { 'index.js': 'src/index.ts', 'cli.js': 'src/cli.ts' };
for (const [out, entry] of Object.entries(entries)) {
  const scratch = `build/${out}`;
  rmSync(scratch, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      entry,
      '-o',
      scratch,
      '--minify',
      '--no-source-map-register',
      '-q',
    ],
    { stdio: 'inherit' },
  );
  const extra = readdirSync(scratch).filter((f) => f !== 'index.js' && f !== 'package.json');
  if (extra.length > 0)
    throw new Error(`ncc emitted extra files for ${entry}: ${extra.join(', ')}`);
}
// Replace dist/ only once every entry built: a failed build never leaves it empty.
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
for (const out of Object.keys(entries)) renameSync(`build/${out}/index.js`, `dist/${out}`);
chmodSync('dist/cli.js', 0o755);
// ncc bundles ESM as ESM: tell Node so.
writeFileSync('dist/package.json', '{ "type": "module" }\n');
rmSync('build', { recursive: true, force: true });
