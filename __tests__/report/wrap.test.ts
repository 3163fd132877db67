import fc from 'fast-check';
import { visibleLength, wrapText } from '../../src/report/wrap.js';

describe('wrapText', () => {
  test('breaks at spaces with a hanging indent, each line within the width', () => {
    const text =
      'Several sockets are bound to the same address: they were bound with SO_REUSEPORT, and the kernel spreads connections between them.';
    expect(wrapText(text, 40, 'Diagnosis: ', '           ')).toEqual([
      'Diagnosis: Several sockets are bound to',
      '           the same address: they were',
      '           bound with SO_REUSEPORT, and',
      '           the kernel spreads',
      '           connections between them.',
    ]);
  });

  test('text that fits is left as it is, spaces included', () => {
    expect(wrapText('a  b', 10, '- ')).toEqual(['- a  b']);
  });

  test('a word longer than a line is never split: it gets a line of its own', () => {
    const url = 'http://127.0.0.1:5000/api/a-very-long-path/that/does/not/fit';
    expect(wrapText(`see ${url} for more`, 30, '  ', '    ')).toEqual([
      '  see',
      `    ${url}`,
      '    for more',
    ]);
  });

  test('colour codes take no room', () => {
    const dim = '\x1b[2m(5 ms)\x1b[0m';
    expect(visibleLength(`ok ${dim}`)).toBe(9);
    expect(wrapText(`a b ${dim}`, 14, '  ✔ ', '    ')).toEqual([`  ✔ a b ${dim}`]);
  });

  test('any text: no line too wide unless it is one word, and no word is lost or split', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9:/.,—-]{1,30}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 20, max: 120 }),
        (words, width) => {
          const lines = wrapText(words.join(' '), width, '>> ', '   ');
          expect(lines[0]!.startsWith('>> ')).toBe(true);
          for (const line of lines.slice(1)) expect(line).toMatch(/^ {3}\S/);
          for (const line of lines) {
            const content = line.slice(3);
            if (visibleLength(line) > width) expect(content).not.toContain(' ');
          }
          expect(lines.map((l) => l.slice(3)).join(' ')).toBe(words.join(' '));
        },
      ),
      { numRuns: 300 },
    );
  });
});
