/**
 * The heavy form of a key: its distinct (target, port) items in the fast and the long window,
 * counted per target (distinct ports: what a vertical scan needs) and per port (distinct targets:
 * a sweep, a worm burst).
 *
 * One arrival queue holds (item, time) entries; the map `items` points each item at its live
 * entry (an item probed again gets a new entry, and the old one is stale). Two cursors walk the
 * queue: an item leaves the fast window when the fast cursor passes its live entry, and is
 * forgotten when the long cursor does. The queue is in arrival order, so each event only looks at
 * the heads; refreshing an item costs one map write and one entry, and leaving the fast window
 * none. An item added already older than the fast window (a key promoted from the light form,
 * memory restored) is marked never to count as fast.
 *
 * Windows are measured back from each event's own time: a late event counts as of its time and
 * its entry leaves the windows when the cursors reach it, with its neighbours in the queue.
 */
import { FORGOTTEN } from './kept-lines';
import { GROUP_COST, TargetGroup, type Budget, type Charged, type Episode, type PortGroup } from './records';

/** An item's code: target index × 2^24 + port code (a port code is below 2^24). */
export const ITEM_SPAN = 2 ** 24;
/** An item probed again within this keeps its time: bounds the work for a key hammering one port. */
export const REFRESH_MS = 1_000;

export class ItemWindows {
  /** Item → sequence number `s` of its live entry; `-s - 1` for an entry never in the fast window. */
  readonly items = new Map<number, number>();
  /** The queue: entry `s` is at index `s - base`. */
  private codes: number[] = [];
  private times: number[] = [];
  private base = 0;
  /** First entry not yet passed by the fast cursor / by the long cursor. */
  private fastHead = 0;
  private longHead = 0;
  readonly targets = new Map<number, TargetGroup>();
  private readonly byIndex: (TargetGroup | undefined)[] = [];
  private readonly freeIndexes: number[] = [];
  readonly ports = new Map<number, PortGroup>();
  /** An episode a rule opened on the key itself (a vertical scan); those on one port are on its group. */
  episode: Episode | undefined = undefined;
  /** Budget entries held by episodes on this key's ports (a rule may cap them per key). */
  portEpisodeEntries = 0;

  target(index: number): TargetGroup {
    return this.byIndex[index]!;
  }

  /** The target group of `code`, made if missing (charged to `k`). */
  targetGroup(k: Charged, budget: Budget, code: number): TargetGroup {
    let tg = this.targets.get(code);
    if (tg === undefined) {
      tg = new TargetGroup(code, this.freeIndexes.length > 0 ? this.freeIndexes.pop()! : this.byIndex.length);
      this.targets.set(code, tg);
      this.byIndex[tg.index] = tg;
      budget.charge(k, GROUP_COST);
    }
    return tg;
  }

  /** Time of the live entry `v` (a value of `items`). */
  timeOf(v: number): number {
    return this.times[(v < 0 ? -v - 1 : v) - this.base];
  }

  /** Whether the live entry `v` counts in the fast window. */
  inFast(v: number): boolean {
    return v >= this.fastHead;
  }

  /**
   * Adds a new item last seen at `t` (≥ the long cut): in the fast window unless `t` is before
   * `fastCut` — an item of a key being promoted or restored may be older than the fast window.
   */
  add(k: Charged, budget: Budget, tg: TargetGroup, po: PortGroup, item: number, t: number, fastCut: number): void {
    const s = this.push(item, t);
    if (t >= fastCut) {
      this.items.set(item, s);
      tg.fast++;
      po.fast++;
    } else this.items.set(item, -s - 1);
    tg.long++;
    po.long++;
    budget.charge(k, 1);
  }

  /** The item (live entry `v`) was seen again at `t`. */
  refresh(tg: TargetGroup, po: PortGroup, item: number, v: number, t: number): void {
    if (v >= this.fastHead) {
      // Still fast: a new time if it is a second newer at least.
      if (t - this.timeOf(v) >= REFRESH_MS) this.items.set(item, this.push(item, t));
    } else {
      // Back in the fast window. Re-inserted, so the map lists fast items in the order they
      // entered the fast window (the order an alert samples them in).
      const s = this.push(item, t);
      this.items.delete(item);
      this.items.set(item, s);
      tg.fast++;
      po.fast++;
    }
  }

  /** Moves the cursors: items last seen before `fastCut` leave the fast window, before `longCut` are forgotten. */
  advance(k: Charged, budget: Budget, fastCut: number, longCut: number, ts: number): void {
    const { codes, times, items } = this;
    let s = this.fastHead;
    const end = this.base + codes.length;
    // Without a long window the cursors walk together (forget() takes what leaves out of the fast counts).
    while (longCut < fastCut && s < end && times[s - this.base] < fastCut) {
      const item = codes[s - this.base];
      if (items.get(item) === s) {
        this.byIndex[Math.floor(item / ITEM_SPAN)]!.fast--;
        this.ports.get(item % ITEM_SPAN)!.fast--;
      }
      s++;
    }
    this.fastHead = s;
    s = this.longHead;
    while (s < end && times[s - this.base] < longCut) {
      const item = codes[s - this.base];
      const v = items.get(item);
      s++;
      if (v === s - 1 || v === -s) this.forget(k, budget, item, v, ts);
    }
    this.longHead = s;
    if (this.fastHead < s) this.fastHead = s;
    this.trim();
  }

  /** The per-key cap: forgets the oldest item. False when there is none. */
  dropOldest(k: Charged, budget: Budget, ts: number): boolean {
    const end = this.base + this.codes.length;
    let dropped = false;
    while (!dropped && this.longHead < end) {
      const s = this.longHead++;
      const item = this.codes[s - this.base];
      const v = this.items.get(item);
      // forget() reads the fast cursor to know whether the item still counts as fast: move it after.
      if (v === s || v === -s - 1) {
        this.forget(k, budget, item, v, ts);
        dropped = true;
      }
    }
    if (this.fastHead < this.longHead) this.fastHead = this.longHead;
    return dropped;
  }

  /** Forgets the items on port `port` (an episode on it closed); the port group stays. */
  forgetPort(k: Charged, budget: Budget, port: number): void {
    // forEach, not for…of: no [item, v] pair allocated per item. Deleting while iterating is safe.
    this.items.forEach((v, item) => {
      if (item % ITEM_SPAN !== port) return;
      const tg = this.byIndex[Math.floor(item / ITEM_SPAN)]!;
      if (v >= this.fastHead) tg.fast--;
      tg.long--;
      this.items.delete(item);
      budget.charge(k, -1);
      if (tg.long === 0) this.dropTarget(k, budget, tg);
    });
    const po = this.ports.get(port)!;
    po.fast = po.long = 0;
  }

  /** Forgets every item (an episode on the key closed); only port groups holding an episode stay. */
  clear(k: Charged, budget: Budget): void {
    let freed = this.items.size + GROUP_COST * this.targets.size;
    this.items.clear();
    this.codes = [];
    this.times = [];
    this.base = this.fastHead = this.longHead = 0;
    this.targets.clear();
    this.byIndex.length = 0;
    this.freeIndexes.length = 0;
    for (const [port, po] of this.ports) {
      po.fast = po.long = 0;
      if (po.episode === undefined) {
        this.ports.delete(port);
        po.keptIn = FORGOTTEN;
        freed += GROUP_COST;
      }
    }
    budget.charge(k, -freed);
  }

  /** The port codes of `tg`'s items, fast ones first (and long-only ones if `long`). */
  portsOf(tg: TargetGroup, long: boolean, each: (port: number) => void): void {
    for (const fast of long ? [true, false] : [true]) {
      this.items.forEach((v, item) => {
        if (Math.floor(item / ITEM_SPAN) === tg.index && v >= this.fastHead === fast) each(item % ITEM_SPAN);
      });
    }
  }

  /** The target codes of the items on `port`, fast ones first (and long-only ones if `long`). */
  targetsOn(port: number, long: boolean, each: (target: number) => void): void {
    for (const fast of long ? [true, false] : [true]) {
      this.items.forEach((v, item) => {
        if (item % ITEM_SPAN === port && v >= this.fastHead === fast) each(this.byIndex[Math.floor(item / ITEM_SPAN)]!.code);
      });
    }
  }

  /** Moves every time kept by `-delta` (the epoch moved). */
  shift(delta: number): void {
    const times = this.times;
    for (let i = 0; i < times.length; i++) times[i] -= delta;
  }

  /** An item already taken out of the fast counts if it was there: out of the long window too. */
  private forget(k: Charged, budget: Budget, item: number, v: number, ts: number): void {
    const tg = this.byIndex[Math.floor(item / ITEM_SPAN)]!;
    const port = item % ITEM_SPAN;
    const po = this.ports.get(port)!;
    if (v >= this.fastHead) {
      tg.fast--;
      po.fast--;
    }
    this.items.delete(item);
    tg.long--;
    po.long--;
    budget.charge(k, -1);
    if (tg.long === 0) this.dropTarget(k, budget, tg);
    if (po.long > 0) return;
    // The port's last item is gone; an episode on it keeps it until the episode's quiet window ends.
    const ep = po.episode;
    if (ep !== undefined) {
      if (ts - ep.alert.last <= ep.windowMs) return;
      this.portEpisodeEntries -= ep.seen.size;
      budget.charge(k, -ep.seen.size);
      po.episode = undefined;
    }
    this.ports.delete(port);
    po.keptIn = FORGOTTEN;
    budget.charge(k, -GROUP_COST);
  }

  private dropTarget(k: Charged, budget: Budget, tg: TargetGroup): void {
    this.targets.delete(tg.code);
    this.byIndex[tg.index] = undefined;
    this.freeIndexes.push(tg.index);
    budget.charge(k, -GROUP_COST);
  }

  private push(item: number, t: number): number {
    this.codes.push(item);
    this.times.push(t);
    const s = this.base + this.codes.length - 1;
    if (this.codes.length > 4 * this.items.size + 64) return this.compact(s);
    return s;
  }

  /** Drops the entries both cursors passed, once they are most of the queue. */
  private trim(): void {
    const passed = this.longHead - this.base;
    if (passed <= 1024 || passed * 2 <= this.codes.length) return;
    this.codes = this.codes.slice(passed);
    this.times = this.times.slice(passed);
    this.base = this.longHead;
  }

  /**
   * Rebuilds the queue from its live entries once stale ones dominate (an item refreshed often
   * leaves one stale entry per refresh), numbering them from 0. Returns the new number of entry
   * `newest`, which `items` does not point at yet.
   */
  private compact(newest: number): number {
    const codes: number[] = [];
    const times: number[] = [];
    let fastHead = -1;
    let renumbered = -1;
    for (let s = this.longHead; s < this.base + this.codes.length; s++) {
      const item = this.codes[s - this.base];
      const v = this.items.get(item);
      const live = v === s || v === -s - 1;
      if (!live && s !== newest) continue;
      if (fastHead < 0 && s >= this.fastHead) fastHead = codes.length;
      if (s === newest) renumbered = codes.length;
      else this.items.set(item, v! >= 0 ? codes.length : -codes.length - 1);
      codes.push(item);
      times.push(this.times[s - this.base]);
    }
    this.codes = codes;
    this.times = times;
    this.base = this.longHead = 0;
    this.fastHead = fastHead < 0 ? codes.length : fastHead;
    return renumbered;
  }
}
