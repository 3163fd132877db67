/** The real runner behind the macOS and Windows platforms: exit codes resolve, a missing tool and a hang reject. */
import { isMissingTool, runCommand } from '../../src/platform/run-command.js';

const node = process.execPath;

test('a non-zero exit resolves with its code and output (lsof exits 1 for "no match")', async () => {
  const result = await runCommand(node, [
    '-e',
    'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)',
  ]);
  expect(result).toEqual({ stdout: 'out', stderr: 'err', code: 3 });
});

test('arguments pass without a shell, and the environment is the one given', async () => {
  const result = await runCommand(
    node,
    ['-e', 'process.stdout.write(process.argv[1] + "|" + process.env.LC_ALL)', 'a b; $(x) "q"'],
    {
      env: { LC_ALL: 'C' },
    },
  );
  expect(result).toEqual({ stdout: 'a b; $(x) "q"|C', stderr: '', code: 0 });
});

test('a tool that is not installed rejects, recognisably', async () => {
  const error = await runCommand('no-such-tool-single-listener-check', []).catch((e: unknown) => e);
  expect(isMissingTool(error)).toBe(true);
  expect(isMissingTool(new Error('other'))).toBe(false);
});

test('a tool that hangs is stopped at the timeout and rejects', async () => {
  await expect(
    runCommand(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 }),
  ).rejects.toThrow(/did not finish within 0.3 s and was stopped/);
});
