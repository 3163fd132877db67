/** The reproduce command the summary ends with: the same run, from a terminal. */
import { reproduceCommand } from '../../src/checklist/reproduce.js';
import { parseRunFlags } from '../../src/config/flags.js';
import { loadConfig } from '../../src/config/load.js';

const configOf = (argv: string[]) =>
  loadConfig({ flags: parseRunFlags(argv), env: {}, cwd: process.cwd() });

test('attach mode reproduces with --attach, never as an empty --start', () => {
  expect(reproduceCommand(configOf(['--port', '5000', '--attach', '--health', '/h']))).toBe(
    'npx single-listener-check run --port 5000 --health /h --attach',
  );
});

test('a start command reproduces with --start, quoted', () => {
  expect(reproduceCommand(configOf(['--port', '5000', '--start', 'python app.py']))).toBe(
    "npx single-listener-check run --port 5000 --start 'python app.py'",
  );
});
