/** The reproduce command, broken across lines, is still the same command for a real shell. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellLines } from '../../src/report/shell-lines.js';

/** The words `sh` makes of `command` (printf prints each argument NUL-terminated). */
function words(command: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
}

const REPRODUCE =
  "npx single-listener-check run --start 'python3 app.py --port 5000 & sleep 1' --cwd '/tmp/a b' --port 5000 --env 'X=it'\\''s --here' --endpoint \"GET /api/x --y\" --probes 8";

test('one option per line, each continued with a backslash, quotes never split', () => {
  expect(shellLines(REPRODUCE)).toEqual([
    'npx single-listener-check run \\',
    "  --start 'python3 app.py --port 5000 & sleep 1' \\",
    "  --cwd '/tmp/a b' \\",
    '  --port 5000 \\',
    "  --env 'X=it'\\''s --here' \\",
    '  --endpoint "GET /api/x --y" \\',
    '  --probes 8',
  ]);
});

test('a real shell reads the lines as the same words as the one-line command', () => {
  expect(words(shellLines(REPRODUCE).join('\n'))).toEqual(words(REPRODUCE));
  expect(words(shellLines(REPRODUCE).join('\n'))).toContain("X=it's --here");
});

test('joining the lines back gives the same command, for any quoting', () => {
  const word = fc.oneof(
    fc.constantFrom('--a', '--port', '5000', 'x', ' --', '"', "'", '\\', '--b=1'),
    fc.string({ maxLength: 6 }),
  );
  // Words quoted the way reproduce.ts quotes them: single quotes, ' as '\''.
  const quoted = fc
    .array(word, { maxLength: 8 })
    .map((ws) =>
      ws
        .map((w, i) =>
          i % 2 === 0 ? `--f${i}` : `'${w.replace(/\0/g, '').replace(/'/g, "'\\''")}'`,
        )
        .join(' '),
    );
  fc.assert(
    fc.property(quoted, (cmd) => {
      const command = `npx single-listener-check run ${cmd}`.trim();
      const lines = shellLines(command);
      const unbroken = lines.map((l, i) =>
        (i === 0 ? l : l.slice(2)).slice(0, i < lines.length - 1 ? -2 : undefined),
      );
      expect(unbroken.join(' ')).toBe(command);
      expect(words(lines.join('\n'))).toEqual(words(command));
    }),
    { numRuns: 40 },
  );
});
