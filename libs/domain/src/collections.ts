/** Collection helpers free of I/O, shared by repositories, services and the dispatcher. */

/** The items by key, each group in the items' order (one pass; no group is copied as it grows). */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
