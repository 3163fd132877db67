/** Later items whose key an earlier item already has, each with the index of that first one. */
export function duplicates<T>(
  items: readonly T[],
  keyOf: (item: T) => string | number | undefined,
): Array<{ index: number; firstIndex: number }> {
  const first = new Map<string | number, number>();
  const found: Array<{ index: number; firstIndex: number }> = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else found.push({ index, firstIndex: earlier });
  });
  return found;
}
