/**
 * The README's action reference says what action.yml says: the same inputs in the same order,
 * each with its description and its default (action.yml writes it as "Default: X" at the end of
 * the description), and the same outputs with their descriptions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readAction, REPO_ROOT } from './harness.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const action = readAction('action.yml');

/** The rows of the first table under `### <heading>`, cells trimmed, header and rule dropped. */
function tableUnder(heading: string): string[][] {
  const start = readme.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`README has no "### ${heading}" section`);
  const lines = readme.slice(start).split('\n').slice(2);
  const table = lines.slice(lines.findIndex((l) => l.startsWith('|')));
  const rows = table.slice(
    0,
    table.findIndex((l) => !l.startsWith('|')),
  );
  return rows.slice(2).map((row) =>
    row
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim()),
  );
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

test('the Inputs table lists every input of action.yml with its description and default', () => {
  const expected = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const [, description, defaultText] =
      /^(.*?)\s*Default: (.*)$/s.exec(input.description ?? '') ?? [];
    return [`\`${name}\``, normalize(description ?? ''), normalize(defaultText ?? '')];
  });
  expect(tableUnder('Inputs')).toEqual(expected);
});

test('the Outputs table lists every output of action.yml with its description', () => {
  const expected = Object.entries(action.outputs ?? {}).map(([name, output]) => [
    `\`${name}\``,
    normalize(output.description ?? ''),
  ]);
  expect(tableUnder('Outputs')).toEqual(expected);
});

test('the workflow section shows the stop action and the moving major tag', () => {
  expect(readme).toContain('## Use it in a workflow');
  expect(readme).toContain('uses: <owner>/single-listener-check/stop@v1');
  expect(readme).toMatch(/major\s+tag `v1` moves/);
});
