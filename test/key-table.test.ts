/**
 * The memory budget and eviction (src/detectors/distinct/key-table.ts), alone and as the
 * windows use it: the first queued key unseen since goes first (a key seen since gets a second chance), never the one being fed, and one key's items are
 * capped with its oldest going first.
 */
import { DistinctWindows } from '../src/detectors/distinct/distinct-windows';
import { KeyTable } from '../src/detectors/distinct/key-table';
import type { Observation, Rule } from '../src/detectors/distinct/rule';
import { Tracked } from '../src/detectors/distinct/tracked';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const key = (n: number, t = 0) => new Tracked(n, t, 1, 0, 0);
const order = (table: KeyTable) => [...table].map((k) => k.key);

describe('key table', () => {
  test('keys wait in the order they were queued; seeing one does not move it', () => {
    const table = new KeyTable(10, 100);
    for (let i = 1; i <= 4; i++) table.add(key(i, i));
    table.get(2)!.last = 50;
    expect(order(table)).toEqual([1, 2, 3, 4]);
    expect(table.total).toBe(4);
  });

  test('over a limit, a key seen since it was queued gets a second chance and the first unseen one goes', () => {
    const table = new KeyTable(3, 100);
    for (let i = 1; i <= 3; i++) table.add(key(i, i));
    table.get(1)!.last = 10; // seen again after it was queued
    const k4 = key(4, 11);
    table.add(k4);
    table.enforce(k4);
    expect(order(table)).toEqual([3, 4, 1]);
    expect(table.get(2)).toBeUndefined();
    expect(table.evicted).toBe(1);
    expect(table.get(1)!.queuedAt).toBe(10);
  });

  test('beyond maxKeys the stalest keys are forgotten, never the one being fed', () => {
    const table = new KeyTable(3, 100);
    for (let i = 1; i <= 5; i++) {
      const k = key(i);
      table.add(k);
      table.enforce(k);
    }
    expect(order(table)).toEqual([3, 4, 5]);
    expect(table.evicted).toBe(2);
    expect(table.get(1)).toBeUndefined();
  });

  test('beyond maxEntries the stalest keys go until the total fits; a key alone over it stays', () => {
    const table = new KeyTable(100, 50);
    for (let i = 1; i <= 5; i++) table.add(key(i));
    const big = table.get(5)!;
    table.charge(big, 40);
    table.charge(table.get(1)!, 10);
    table.enforce(big);
    expect(table.total).toBeLessThanOrEqual(50);
    expect(order(table)).toEqual([2, 3, 4, 5]);
    table.charge(big, 100);
    table.enforce(big);
    expect(order(table)).toEqual([5]);
    expect(table.total).toBe(big.cost);
  });

  test('expiry drops the keys last seen before the cut, from the stale end, uncounted as evictions', () => {
    const table = new KeyTable(100, 100);
    [10, 20, 30].forEach((t, i) => table.add(key(i + 1, t)));
    table.expire(25);
    expect(order(table)).toEqual([3]);
    expect(table.evicted).toBe(0);
    expect(table.total).toBe(1);
  });

  test('expiry requeues a key seen since it was queued instead of dropping it', () => {
    const table = new KeyTable(100, 100);
    [10, 20, 30].forEach((t, i) => table.add(key(i + 1, t)));
    table.get(1)!.last = 40;
    table.expire(25);
    expect(order(table)).toEqual([3, 1]);
    expect(table.total).toBe(2);
  });
});

/** A rule that opens nothing, with a threshold that makes every key heavy at its second item. */
class Nothing implements Rule {
  readonly threshold = 2;
  last: Observation | undefined;
  closeIfQuiet(): void {}
  afterCount(o: Observation): void {
    this.last = o;
  }
}

describe('budget through the windows', () => {
  test('one key holds at most maxEntriesPerKey; its oldest items go first', () => {
    let rule: Nothing | undefined;
    const w = new DistinctWindows({ windowMs: 300_000, longWindowMs: 0, maxKeys: 10, maxEntriesPerKey: 200, maxEntries: 10_000 }, () => [(rule = new Nothing())]);
    for (let p = 1; p <= 1000; p++) {
      w.observe('198.51.100.7', '192.0.2.1', p, 'tcp', T0 + p * 10, 'x', 1);
      expect(w.stats().entries).toBeLessThanOrEqual(200);
    }
    // A target record (4), then per port an item (1) and a port record (4): the newest 39 ports.
    expect(rule!.last!.target!.fast).toBe(39);
    expect(rule!.last!.heavy.ports.has(1000)).toBe(true);
    expect(rule!.last!.heavy.ports.has(961)).toBe(false);
    expect(w.stats()).toMatchObject({ keys: 1, entries: 199 });
  });

  test('the total stays within maxEntries whatever the keys', () => {
    const w = new DistinctWindows({ windowMs: 300_000, longWindowMs: 86_400_000, maxKeys: 100_000, maxEntriesPerKey: 500, maxEntries: 5_000 }, () => [new Nothing()]);
    for (let i = 0; i < 50_000; i++) {
      w.observe(`10.0.${(i >> 8) & 255}.${i & 255}`, `192.0.2.${i % 7}`, 1 + (i % 13), 'tcp', T0 + i, 'x', 1);
      if (i % 1000 === 0) expect(w.stats().entries).toBeLessThanOrEqual(5_000 + 500);
    }
    expect(w.stats().entries).toBeLessThanOrEqual(5_000);
    expect(w.stats().evicted).toBeGreaterThan(0);
  });
});
