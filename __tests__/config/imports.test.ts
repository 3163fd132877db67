/**
 * config/ is the bottom of the program: it reads settings and knows nothing of what runs them.
 * Its modules import only each other, errors.ts, format/ (leaf helpers), Node and its npm
 * dependencies — no http/,
 * checklist/ or cli/ (the wait-on syntax lives here; http/ only checks parsed resources).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CONFIG = path.resolve('src', 'config');

test.each(readdirSync(CONFIG).filter((f) => f.endsWith('.ts')))('config/%s', (file) => {
  const source = readFileSync(path.join(CONFIG, file), 'utf8');
  const imports = [...source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1]);
  expect(imports.length).toBeGreaterThan(0);
  const outside = imports.filter(
    (target) =>
      target!.startsWith('.') &&
      !target!.startsWith('./') &&
      target !== '../errors.js' &&
      !target!.startsWith('../format/'),
  );
  expect(outside).toEqual([]);
});
