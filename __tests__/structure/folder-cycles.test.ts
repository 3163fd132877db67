/**
 * No import cycle between the top-level folders of src/ (a file directly in src/ counts as a
 * folder of its own): each folder can be read, and changed, knowing only the folders below it.
 */
import { folderEdges } from './source-graph.js';

/** The folders on a cycle through `start`, as `a → b → a`, or null. */
function cycleThrough(start: string, next: Map<string, string[]>): string | null {
  const path = [start];
  const seen = new Set<string>();
  const walk = (node: string): boolean => {
    for (const to of next.get(node) ?? []) {
      if (to === start) return path.push(to) > 0;
      if (seen.has(to)) continue;
      seen.add(to);
      path.push(to);
      if (walk(to)) return true;
      path.pop();
    }
    return false;
  };
  return walk(start) ? path.join(' → ') : null;
}

test('no cycle between the top-level folders of src/', () => {
  const edges = [...folderEdges()];
  const next = new Map<string, string[]>();
  for (const [edge] of edges) {
    const [from, to] = edge.split(' → ') as [string, string];
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const cycles = [...next.keys()].flatMap((node) => cycleThrough(node, next) ?? []);
  const why = (cycle: string) =>
    cycle
      .split(' → ')
      .slice(1)
      .map((to, i, rest) => {
        const from = i === 0 ? cycle.split(' → ')[0]! : rest[i - 1]!;
        return `${from} → ${to}: ${folderEdges().get(`${from} → ${to}`)}`;
      })
      .join('; ');
  expect(cycles.map(why)).toEqual([]);
});

test('the graph is read from the sources: a known edge is found with the import behind it', () => {
  expect(folderEdges().get('checklist → platform')).toMatch(/^checklist\/.+\.ts → platform\//);
});
