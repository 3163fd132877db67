/** The harness itself: it reads GITHUB_OUTPUT as the runner does and refuses unsafe or unknown steps. */
import { assertRunnable, parseOutputsFile, type ActionMetadata } from './harness.js';

test('GITHUB_OUTPUT: name=value lines and name<<DELIMITER blocks, as @actions/core writes them', () => {
  const text = [
    'plain=a=b',
    'multi<<ghadelimiter_1',
    'line 1',
    '',
    'line 3',
    'ghadelimiter_1',
    'empty<<EOF',
    'EOF',
    'arrow=x<<y',
    '',
  ].join('\n');
  expect(parseOutputsFile(text)).toEqual({
    plain: 'a=b',
    multi: 'line 1\n\nline 3',
    empty: '',
    arrow: 'x<<y',
  });
});

test('GITHUB_OUTPUT: an unterminated block or a line without a name is an error', () => {
  expect(() => parseOutputsFile('a<<EOF\nvalue\n')).toThrow('unterminated');
  expect(() => parseOutputsFile('just text\n')).toThrow('invalid GITHUB_OUTPUT line');
});

function composite(step: Record<string, unknown>): ActionMetadata {
  return { name: 'x', description: 'x', runs: { using: 'composite', steps: [step] } };
}

test('refuses ${{ inside run:, a step without shell, and steps it does not imitate', () => {
  const run = (step: Record<string, unknown>) => () => assertRunnable(composite(step), 'a.yml');
  expect(run({ shell: 'bash', run: 'echo "${{ inputs.port }}"' })).toThrow('script injection');
  expect(run({ run: 'echo hi' })).toThrow('unsupported shell undefined');
  expect(run({ shell: 'pwsh', run: 'echo hi' })).toThrow('unsupported shell pwsh');
  expect(run({ uses: 'actions/checkout@v4' })).toThrow('only run steps');
  expect(run({ shell: 'bash', run: 'true', if: 'always()' })).toThrow('only run steps');
  expect(run({ shell: 'bash', run: 'echo "$PORT"' })).not.toThrow();
});
