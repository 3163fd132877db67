#!/usr/bin/env node
/**
 * The `single-listener-check` bin. For a short command, starting is most of its time, so this
 * file loads next to nothing: `--version` is answered here, and the CLI proper is imported only
 * for the other commands (the bundler puts each dynamic import in its own file, so a command
 * compiles only the code it runs; docs/benchmarks.md, "Start-up").
 */
import nodeModule from 'node:module';
import { fdOutput } from './cli/fd-output.js';
import { isVersionFlag } from './cli/version-flag.js';
import { EXIT } from './errors.js';
import { VERSION } from './version.js';

/** Node 22.8+: V8's compiled code is kept on disk between runs; absent on Node 20. */
type CompileCache = { enableCompileCache?: (directory?: string) => unknown };

const argv = process.argv.slice(2);
if (isVersionFlag(argv[0])) {
  fdOutput(1)(`${VERSION}\n`);
} else {
  // Before the first import below: every module loaded from here on is compiled once, then read
  // back from the cache (in NODE_COMPILE_CACHE if set, else the OS temp folder; off when
  // NODE_DISABLE_COMPILE_CACHE is set).
  (nodeModule as CompileCache).enableCompileCache?.();
  // Inside then(): the CommonJS bundle's import() reads the chunk synchronously and may throw.
  Promise.resolve()
    .then(() => import('./cli/main.js'))
    .then(
      async ({ main }) => {
        process.exitCode = await main(argv);
      },
      (error: unknown) => {
        // A chunk file missing from the install: one line, as for any internal error.
        const message = error instanceof Error ? error.message : String(error);
        const line = message.replace(/\s*\n\s*/g, ' ');
        fdOutput(2)(`single-listener-check: internal error: ${line}\n`);
        process.exitCode = EXIT.internal;
      },
    );
}
