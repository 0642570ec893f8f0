/**
 * The heaviest hitters of a stream of keys in fixed memory: the Space-Saving algorithm
 * (Metwally, Agrawal, El Abbadi 2005). At most `capacity` keys are kept; a new key when the table
 * is full replaces the one with the smallest count and inherits that count as its possible
 * overestimate (`error`). Every key seen more than total / capacity times is in the table, and
 * for each kept key `count - error <= true count <= count`. Used for the senders the receiver
 * refuses: 100,000 spoofed addresses cost `capacity` entries, not 100,000.
 */
export interface TopEntry {
  key: string;
  /** Upper bound of the key's occurrences. */
  count: number;
  /** How much of `count` may belong to keys evicted before it (0: exact). */
  error: number;
}

export class TopCounter {
  private readonly entries = new Map<string, TopEntry>();
  /** Occurrences of all keys, kept or not. */
  total = 0;
  /** Distinct keys that had to replace another (a lower bound of the distinct keys seen beyond capacity). */
  replaced = 0;

  constructor(readonly capacity = 64) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
  }

  add(key: string, n = 1): void {
    this.total += n;
    const e = this.entries.get(key);
    if (e) {
      e.count += n;
      return;
    }
    if (this.entries.size < this.capacity) {
      this.entries.set(key, { key, count: n, error: 0 });
      return;
    }
    // The table is small (tens of entries): a scan for the minimum is cheaper than keeping a
    // sorted structure up to date on every hit.
    let min: TopEntry | undefined;
    for (const x of this.entries.values()) if (!min || x.count < min.count) min = x;
    this.entries.delete(min!.key);
    this.replaced++;
    this.entries.set(key, { key, count: min!.count + n, error: min!.count });
  }

  /** The `n` largest, largest first. */
  top(n = this.capacity): TopEntry[] {
    return [...this.entries.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, n).map((e) => ({ ...e }));
  }

  get size(): number {
    return this.entries.size;
  }
}
