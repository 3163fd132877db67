/**
 * Every OS difference lives behind Platform (src/platform/): no other source reads
 * process.platform (or os.platform()); src/platform/index.ts reads it once to choose the
 * platform.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SRC, sourceFiles } from './source-graph.js';

test('no process.platform or os.platform() outside src/platform/', () => {
  const outside = sourceFiles()
    .filter((file) => !file.startsWith(`platform${path.sep}`))
    .filter((file) =>
      /\bprocess\.platform\b|\bos\.platform\(/.test(readFileSync(path.join(SRC, file), 'utf8')),
    );
  expect(outside).toEqual([]);
});

test('src/platform/index.ts is where the platform is chosen (the check looks at real files)', () => {
  const chooser = readFileSync(path.join(SRC, 'platform', 'index.ts'), 'utf8');
  expect(chooser).toMatch(/\bprocess\.platform\b/);
});
