/** The import graph of src/, read from the sources: which top-level folder imports which. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SRC = path.resolve('src');

/** Every .ts file under src/, as paths relative to it. */
export function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The relative modules a file imports or re-exports (type-only imports included: they couple too). */
export function relativeImports(source: string): string[] {
  const specifiers = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g);
  return [...specifiers].map((m) => m[1]!);
}

/** `checklist` for src/checklist/items/ready.ts; a file directly in src/ is its own node. */
export function topLevel(file: string): string {
  const [first, ...rest] = file.split(path.sep);
  return rest.length > 0 ? first! : first!.replace(/\.ts$/, '');
}

/** folder → folder edges, each with one import that makes it (`checklist/diagnosis.ts → report/age.ts`). */
export function folderEdges(): Map<string, string> {
  const edges = new Map<string, string>();
  for (const file of sourceFiles()) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    for (const spec of relativeImports(text)) {
      const target = path.relative(SRC, path.resolve(SRC, path.dirname(file), spec));
      const [from, to] = [topLevel(file), topLevel(target.replace(/\.js$/, '.ts'))];
      if (from !== to && !edges.has(`${from} → ${to}`)) {
        edges.set(`${from} → ${to}`, `${file} → ${target}`);
      }
    }
  }
  return edges;
}
