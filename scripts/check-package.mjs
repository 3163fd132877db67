// `node scripts/check-package.mjs`: what `npm publish` would ship, checked before it ships.
// Runs `npm pack --dry-run --json` and fails (exit 1, one line per problem) unless
//   - the tarball holds exactly the allowlist below — the bundles (each entry and the chunk files
//     ncc splits its dynamic imports into), action.yml, stop/, README, LICENSE, CHANGELOG and
//     package.json: no tests, no sources, no scripts, no CI;
//   - package.json's `files` is that allowlist, with no runtime dependencies of any kind (the
//     bundles carry everything) and the metadata a registry page needs, published with provenance;
//   - each bundle imports nothing but Node's own modules (so it runs with no node_modules);
//   - the tarball stays within the size budget (stated in the README, "Command line", and in
//     the CHANGELOG).
// Run from .ci/run after `npm run build`; the install itself is tested by
// __tests__/package/tarball.int.test.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

/** package.json's `files`, and every file the tarball must hold (npm adds package.json). */
const FILES_FIELD = ['dist/', 'action.yml', 'stop/', 'README.md', 'LICENSE', 'CHANGELOG.md'];
const EXPECTED = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'action.yml',
  'dist/cli.js',
  'dist/index.js',
  'dist/package.json',
  'package.json',
  'stop/action.yml',
];
/** A chunk of an entry's bundle: `dist/<id>.cli.js`, loaded by dist/cli.js on demand. */
const CHUNK = /^dist\/\d+\.(?:cli|index)\.js$/;
/**
 * The size budget. Most of it is the two bundles: the action's, and the CLI's entry with its
 * chunks (gzipped about 265 kB and 130 kB at 0.1.0).
 */
const BUDGET_PACKED = 450 * 1000;
const BUDGET_UNPACKED = 1600 * 1000;

const problems = [];
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
if (JSON.stringify(pkg.files) !== JSON.stringify(FILES_FIELD))
  problems.push(`package.json files: expected ${JSON.stringify(FILES_FIELD)}`);
for (const field of [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'bundleDependencies',
  'bundledDependencies',
]) {
  const entries = Object.keys(pkg[field] ?? {});
  if (entries.length > 0)
    problems.push(
      `package.json ${field}: must be empty, the bundles carry everything (got ${entries.join(', ')}); move them to devDependencies`,
    );
}
if (pkg.publishConfig?.provenance !== true || pkg.publishConfig?.access !== 'public')
  problems.push('package.json publishConfig: expected { "access": "public", "provenance": true }');
for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'license', 'engines'])
  if (pkg[field] === undefined) problems.push(`package.json ${field}: missing`);
if (pkg.bin?.['single-listener-check'] !== 'dist/cli.js')
  problems.push('package.json bin: single-listener-check must be dist/cli.js');

// --ignore-scripts: nothing runs before the listing; the bundles are checked as committed.
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const paths = packed.files.map((f) => f.path).sort();
for (const file of paths)
  if (!EXPECTED.includes(file) && !CHUNK.test(file))
    problems.push(`tarball: ${file} is not in the allowlist`);
for (const file of EXPECTED)
  if (!paths.includes(file)) problems.push(`tarball: ${file} is missing`);

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const bundles = paths.filter((file) => file.startsWith('dist/') && file.endsWith('.js'));
for (const bundle of bundles) {
  const code = readFileSync(bundle, 'utf8');
  // What ncc leaves outside the bundle: the static imports at its top (after the shebang),
  // `createRequire(import.meta.url)("x")` calls, and any literal require("x") or import("x").
  // A chunk's own loading is `import("./"+name)`, not a literal: only its entry's folder.
  const top = /^(?:#![^\n]*\n)?((?:import[^;"]*"[^"]+";)*)/.exec(code)[1];
  const named = [
    ...[...top.matchAll(/"([^"]+)"/g)],
    ...code.matchAll(/\(import\.meta\.url\)\(\s*"([^"]+)"\s*\)/g),
    ...code.matchAll(/\b(?:require|import)\(\s*"([^"]+)"\s*\)/g),
  ].map((m) => m[1]);
  const foreign = [...new Set(named.filter((name) => !builtins.has(name)))];
  if (foreign.length > 0)
    problems.push(`${bundle}: imports ${foreign.join(', ')}, which the package does not ship`);
}

if (packed.size > BUDGET_PACKED)
  problems.push(`tarball: ${kB(packed.size)} packed, over the budget of ${kB(BUDGET_PACKED)}`);
if (packed.unpackedSize > BUDGET_UNPACKED)
  problems.push(
    `tarball: ${kB(packed.unpackedSize)} unpacked, over the budget of ${kB(BUDGET_UNPACKED)}`,
  );

console.log(
  `${packed.filename}: ${packed.entryCount} files, ${kB(packed.size)} packed (budget ${kB(BUDGET_PACKED)}), ${kB(packed.unpackedSize)} unpacked (budget ${kB(BUDGET_UNPACKED)})`,
);
for (const problem of problems) console.error(`check-package: ${problem}`);
process.exitCode = problems.length > 0 ? 1 : 0;
