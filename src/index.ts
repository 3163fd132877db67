// The action's entry (dist/index.js).
import { run } from './action/main.js';
import { tolerateClosedOutput } from './closed-output.js';

tolerateClosedOutput();
// No top-level await: the bundle is CommonJS (scripts/bundle.mjs).
void run().then((code) => {
  process.exitCode = code;
});
