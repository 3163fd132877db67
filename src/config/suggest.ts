/** "Did you mean" for a misspelt key or flag: `readyTimout` → `readyTimeout`, `ready-timeout` → `readyTimeout`. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const normal = normalise(word);
  const sameSpelling = candidates.find((c) => normalise(c) === normal);
  if (sameSpelling !== undefined) return sameSpelling;
  const budget = normal.length < 5 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(normal, normalise(candidate));
    if (distance <= budget && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** Case, dashes and underscores do not count: `ready_timeout`, `ReadyTimeout`. */
function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_]/g, '');
}

/** Optimal string alignment distance (an adjacent swap costs one edit). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Infinity; // beyond any budget; skip the work
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
