// The action's entry (dist/index.js).
import { run } from './action/main.js';

process.exitCode = await run();
