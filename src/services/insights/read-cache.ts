// Figures computed once and served again until the kept aggregates change
// (docs/insights.md, "Speed"). Each entry's key starts with the aggregates'
// version (insights_version, raised in the same transaction as any change to
// them), so a completion, the refresh job or a rebuild makes every older
// entry unreachable: nothing is ever served from before a change that had
// committed when the request began. Per owner (one per app's store, so two
// databases in one process never share entries), least recently used first
// out. Holds only aggregate figures (tables of counts), never names.

const LIMIT = 400;

const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

/** The value for this key, computed by `compute` when not already held (concurrent requests share one computation). */
export function cachedRead<T>(owner: object, key: string, compute: () => Promise<T>): Promise<T> {
  let cache = caches.get(owner);
  if (cache === undefined) {
    cache = new Map();
    caches.set(owner, cache);
  }
  const held = cache.get(key);
  if (held !== undefined) {
    cache.delete(key);
    cache.set(key, held);
    return held as Promise<T>;
  }
  const made = compute();
  cache.set(key, made);
  // A failure is not kept: the next request tries again.
  made.catch(() => { if (cache.get(key) === made) cache.delete(key); });
  while (cache.size > LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return made;
}

/** How many entries an owner holds (for tests). */
export function cachedEntries(owner: object): number {
  return caches.get(owner)?.size ?? 0;
}
