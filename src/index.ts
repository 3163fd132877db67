// The action's entry (dist/index.js).
import { run } from './action/main.js';
import { tolerateClosedOutput } from './closed-output.js';

tolerateClosedOutput();
process.exitCode = await run();
