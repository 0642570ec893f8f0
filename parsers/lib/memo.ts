/**
 * Memo for per-line lookups whose inputs repeat (a router has a handful of log prefixes, of
 * neighbour MACs, of addresses); cleared when full so hostile input cannot grow it without bound.
 */
export function memo<T>(fn: (k: string) => T, size = 4096): (k: string) => T {
  const cache = new Map<string, T>();
  // Consecutive lines mostly repeat the last value: comparing beats hashing it again.
  let lastK: string | undefined;
  let lastV: T | undefined;
  return (k) => {
    if (k === lastK) return lastV as T;
    let v = cache.get(k);
    if (v === undefined && !cache.has(k)) {
      v = fn(k);
      if (cache.size >= size) cache.clear();
      cache.set(k, v);
    }
    lastK = k;
    lastV = v;
    return v as T;
  };
}
