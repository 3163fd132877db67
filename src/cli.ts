#!/usr/bin/env node
/** The `single-listener-check` bin: everything lives in main(); this only sets the exit code. */
import { main } from './cli/main.js';
import { tolerateClosedOutput } from './closed-output.js';

tolerateClosedOutput();
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
