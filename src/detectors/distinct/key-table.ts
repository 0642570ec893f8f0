/**
 * The keys remembered, and the memory budget. Everything kept is charged in entries (an item 1,
 * a per-target or per-port record 4, an episode's destination 1) to its key and to the total.
 * Beyond `maxKeys` keys, or `maxEntries` entries, a stale key is forgotten (its open episodes
 * just end); a key quiet for a whole long window is dropped.
 *
 * Keys wait in one queue in the order they were queued, each with the time it was queued at; a
 * key seen again is not moved (with the 24-hour window that relinking, three scattered writes per
 * event, was a tenth of the detector's time). The queue's head is looked at only to forget: a
 * head seen since it was queued gets a second chance — it is queued again as of its last time —
 * and a head not seen since goes. So a key is moved at most once per window it stays active,
 * and what goes first is a key unseen for longest among those queued earliest (the CLOCK
 * approximation of least-recently-seen).
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

  /** A new key, queued as of its last time. */
  add(k: Tracked): void {
    this.byKey.set(k.key, k);
    k.queuedAt = k.last;
    this.append(k);
    this.total += k.cost;
  }

  charge(k: Charged, entries: number): void {
    k.cost += entries;
    this.total += entries;
  }

  /** Whether a limit is passed (checked after every event, so kept cheap). */
  get over(): boolean {
    return this.byKey.size > this.maxKeys || this.total > this.maxEntries;
  }

  /** Forgets stale keys while over a limit, never `keep` (the key being fed). */
  enforce(keep?: Tracked): void {
    while (this.over) {
      const k = this.stalest;
      if (k === undefined || (k === keep && this.byKey.size === 1)) return;
      if (k === keep || k.last > k.queuedAt) this.requeue(k); // the key being fed, or a second chance
      else {
        this.remove(k);
        this.evicted++;
      }
    }
  }

  /** Drops every key last seen before `cut`. */
  expire(cut: number): void {
    let k = this.stalest;
    while (k !== undefined && k.queuedAt < cut) {
      if (k.last < cut) this.remove(k);
      else this.requeue(k);
      k = this.stalest;
    }
  }

  /** Every key, in queue order (roughly stalest first). */
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

  private requeue(k: Tracked): void {
    this.unlink(k);
    k.queuedAt = k.last;
    this.append(k);
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
