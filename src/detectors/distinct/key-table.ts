/**
 * The keys remembered, in least-recently-seen order, and the memory budget. Everything kept is
 * charged in entries (an item 1, a per-target or per-port record 4, an episode's destination 1)
 * to its key and to the total. Beyond `maxKeys` keys, or `maxEntries` entries, the stalest key is
 * forgotten (its open episodes just end); a key quiet for a whole long window is dropped.
 */
import type { KeyCode } from './item-codes';
import { FORGOTTEN } from './kept-lines';
import type { Budget, Charged } from './records';
import type { Tracked } from './tracked';

export class KeyTable implements Budget {
  private readonly byKey = new Map<KeyCode, Tracked>();
  stalest: Tracked | undefined = undefined;
  freshest: Tracked | undefined = undefined;
  /** Entries charged in all. */
  total = 0;
  /** Keys forgotten to stay within the limits (expiry not counted). */
  evicted = 0;

  constructor(
    private readonly maxKeys: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: KeyCode): Tracked | undefined {
    return this.byKey.get(key);
  }

  /** A new key, as the freshest. */
  add(k: Tracked): void {
    this.byKey.set(k.key, k);
    this.append(k);
    this.total += k.cost;
  }

  /** `k` was just seen. */
  touch(k: Tracked): void {
    if (k === this.freshest) return;
    this.unlink(k);
    this.append(k);
  }

  charge(k: Charged, entries: number): void {
    k.cost += entries;
    this.total += entries;
  }

  /** Whether a limit is passed (checked after every event, so kept cheap). */
  get over(): boolean {
    return this.byKey.size > this.maxKeys || this.total > this.maxEntries;
  }

  /** Forgets the stalest keys while over a limit, never `keep` (the key being fed). */
  enforce(keep?: Tracked): void {
    let k = this.stalest;
    while (k !== undefined && k !== keep && (this.byKey.size > this.maxKeys || this.total > this.maxEntries)) {
      this.remove(k);
      this.evicted++;
      k = this.stalest;
    }
  }

  /** Drops keys last seen before `cut`, from the stale end. */
  expire(cut: number): void {
    let k = this.stalest;
    while (k !== undefined && k.last < cut) {
      this.remove(k);
      k = this.stalest;
    }
  }

  /** Every key, stalest first. */
  *[Symbol.iterator](): IterableIterator<Tracked> {
    for (let k = this.stalest; k !== undefined; k = k.next) yield k;
  }

  private remove(k: Tracked): void {
    this.byKey.delete(k.key);
    this.unlink(k);
    this.total -= k.cost;
    k.cost = 0;
    k.keptIn = FORGOTTEN;
  }

  private append(k: Tracked): void {
    k.prev = this.freshest;
    k.next = undefined;
    if (this.freshest !== undefined) this.freshest.next = k;
    else this.stalest = k;
    this.freshest = k;
  }

  private unlink(k: Tracked): void {
    if (k.prev !== undefined) k.prev.next = k.next;
    else this.stalest = k.next;
    if (k.next !== undefined) k.next.prev = k.prev;
    else this.freshest = k.prev;
    k.prev = k.next = undefined;
  }
}
