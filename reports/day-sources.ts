/**
 * The scanning sources of a local day per port, in the dashboard's read thread's memory: what a
 * port's top sources and the explorer's "distinct sources of this port's scans on this day" are
 * read from, so asking them costs a sort of one port's sources instead of a read of the day's
 * events (half a second on a busy day of a 10-million-event database, and that again for every
 * port asked).
 *
 * A day is counted once, in one pass over its scans (the `events_ts` index), and brought up to
 * date by reading only the events stored since (by rowid, as reports/day-totals.ts does). That
 * stays exact because, for the counts kept here, the only change that is not an appended row
 * shows in the store's stamp (past-watch.ts: trust, settings, prune cutoff, schema version);
 * then, or if rows were deleted, the day is counted again. Nothing is written: ingest pays
 * nothing.
 *
 * The counts are those of the explorer's grouping (reports/events-feed.ts): scans whose time is
 * in [day start, next day start) in the database's zone, grouped by transport and
 * `coalesce(dport, icmp_type, 0)`, then by source: events, packets (sum of `count`), first and
 * last time. Test: test/day-sources.test.ts compares every answer with the plain query.
 */
import type { DB } from '../src/store/db';
import { CLASS } from '../src/store/codes';
import { dayStartUtc } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { storeStamp } from './past-watch';

/** One source's scans of one port on the day. */
export interface SourceCount { src: string; events: number; packets: number; first: number; last: number }

/** Port keys as the explorer groups them: transport code * 65536 + port (ICMP type, or 0). */
const KEY_SPAN = 65536;

/** Days kept (each a map entry per port and source scanning it: tens of megabytes for a busy day). */
const KEEP_DAYS = 2;

class Day {
  readonly ports = new Map<number, Map<string, SourceCount>>();
  /** Sorted answers per port-key set, dropped when rows are added. */
  readonly sorted = new Map<string, SourceCount[]>();
  /** Counted up to this time (UTC ms): the day is complete once it reaches `to`. */
  next: number;
  busiest?: { key: string; ips: string[] };
  constructor(readonly day: number, readonly zone: string, readonly from: number, readonly to: number, readonly stamp: string, public seenId: number) {
    this.next = from;
  }

  get complete(): boolean {
    return this.next >= this.to;
  }

  add(key: number, src: string, n: number, ts: number): void {
    let m = this.ports.get(key);
    if (!m) this.ports.set(key, (m = new Map()));
    const s = m.get(src);
    if (!s) m.set(src, { src, events: 1, packets: n, first: ts, last: ts });
    else {
      s.events++;
      s.packets += n;
      if (ts < s.first) s.first = ts;
      if (ts > s.last) s.last = ts;
    }
  }
}

/** Time read per step of work ahead: an hour of the day's scans (a question waits one step at most). */
const AHEAD_SLICE_MS = 3_600_000;

const maxId = (db: DB): number => (db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;

/** Sources by events, most first, then by address as SQLite orders text (byte order: addresses are ASCII). */
const order = (a: SourceCount, b: SourceCount): number => b.events - a.events || (a.src < b.src ? -1 : a.src > b.src ? 1 : 0);

/** The first `n` of `items` in `cmp` order, without sorting them all. */
function topOf<T>(items: Iterable<T>, n: number, cmp: (a: T, b: T) => number): T[] {
  const top: T[] = [];
  if (n <= 0) return top;
  for (const x of items) {
    if (top.length === n && cmp(x, top[n - 1]) >= 0) continue;
    let i = top.length === n ? n - 1 : top.length;
    while (i > 0 && cmp(x, top[i - 1]) < 0) {
      if (i < n) top[i] = top[i - 1];
      i--;
    }
    if (i < n) top[i] = x;
  }
  return top;
}

export class DaySources {
  private readonly days = new Map<string, Day>();
  /** The day being counted ahead, a slice per step. */
  private ahead: Day | undefined;
  /** Whole days read (tests and figures). */
  fullCounts = 0;

  constructor(private readonly db: DB) {}

  /** Whether `day` is counted and current but for rows stored since (the explorer asks it first: a day not counted is read the plain way). */
  has(day: number): boolean {
    const d = this.days.get(`${day} ${loadSettings(this.db).tz}`);
    return d !== undefined && d.stamp === storeStamp(this.db) && maxId(this.db) >= d.seenId;
  }

  private keep(k: string, d: Day): void {
    this.days.delete(k);
    this.days.set(k, d);
    while (this.days.size > KEEP_DAYS) this.days.delete(this.days.keys().next().value!);
  }

  /** The day's counts, counted now or brought up to date; one snapshot of the store. */
  private get(day: number): Day {
    return this.db.transaction(() => {
      const zone = loadSettings(this.db).tz;
      const k = `${day} ${zone}`;
      const d = this.days.get(k);
      if (d && this.catchUp(d)) {
        this.keep(k, d);
        return d;
      }
      const fresh = this.start(day, zone);
      this.read(fresh, 'ts >= @from AND ts < @to AND id <= @top', { top: fresh.seenId });
      fresh.next = fresh.to;
      this.fullCounts++;
      this.keep(k, fresh);
      return fresh;
    })();
  }

  private start(day: number, zone: string): Day {
    return new Day(day, zone, dayStartUtc(day, zone), dayStartUtc(day + 1, zone), storeStamp(this.db), maxId(this.db));
  }

  /**
   * One step of counting `day` (an hour of its scans), or bringing it up to date when it is
   * counted; true when it read a slice (work ahead: call again until false).
   */
  countAhead(day: number): boolean {
    return this.db.transaction(() => {
      const zone = loadSettings(this.db).tz;
      const k = `${day} ${zone}`;
      const d = this.days.get(k);
      if (d && this.catchUp(d)) return false;
      let a = this.ahead;
      // Anything but appended rows since the first slice: start again. (The slices read only
      // ids up to the first one's ceiling; the rows after it are caught up once complete.)
      if (a && (a.day !== day || a.zone !== zone || a.stamp !== storeStamp(this.db) || maxId(this.db) < a.seenId)) a = undefined;
      a ??= this.start(day, zone);
      this.ahead = a;
      const end = Math.min(a.next + AHEAD_SLICE_MS, a.to);
      this.read(a, 'ts >= @next AND ts < @end AND id <= @top', { next: a.next, end, top: a.seenId });
      a.next = end;
      if (a.complete) {
        this.ahead = undefined;
        this.fullCounts++;
        this.catchUp(a);
        this.keep(k, a);
      }
      return true;
    })();
  }

  /**
   * The busiest sources of a counted day: the `n` with most scans, and the `perPort` top ones of
   * its `ports` busiest ports (the addresses the pages list first). Empty when not counted.
   */
  busiest(day: number, n: number, ports: number, perPort: number): string[] {
    const d = this.days.get(`${day} ${loadSettings(this.db).tz}`);
    if (!d) return [];
    // Kept with the day: a guide to what to read ahead, not an answer (rows added since may
    // change the order a little; a recount starts a new day object).
    const k = `${n} ${ports} ${perPort}`;
    if (d.busiest?.key === k) return d.busiest.ips;
    const total = new Map<string, number>();
    const portTotals: [number, number][] = [];
    for (const [key, m] of d.ports) {
      let sum = 0;
      for (const s of m.values()) {
        total.set(s.src, (total.get(s.src) ?? 0) + s.events);
        sum += s.events;
      }
      portTotals.push([key, sum]);
    }
    const out = new Set(topOf(total.entries(), n, (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([ip]) => ip));
    for (const [key] of portTotals.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, ports)) {
      for (const s of topOf(d.ports.get(key)!.values(), perPort, order)) out.add(s.src);
    }
    d.busiest = { key: k, ips: [...out] };
    return d.busiest.ips;
  }

  /** Adds the day's rows stored since it was read; false when something else changed. */
  private catchUp(d: Day): boolean {
    if (storeStamp(this.db) !== d.stamp) return false;
    const top = maxId(this.db);
    if (top < d.seenId) return false;
    if (top > d.seenId) {
      // `+ts`: the new rows by rowid, never the time index (which would read the whole day).
      this.read(d, 'id > @seen AND id <= @top AND +ts >= @from AND +ts < @to', { seen: d.seenId, top });
      d.seenId = top;
      d.sorted.clear();
    }
    return true;
  }

  private read(d: Day, where: string, p: Record<string, number>): void {
    const rows = this.db
      .prepare(`SELECT transport * ${KEY_SPAN} + coalesce(dport, icmp_type, 0), src, count, ts FROM events WHERE ${where} AND class = ${CLASS.scan}`)
      .raw()
      .iterate({ ...p, from: d.from, to: d.to }) as Iterable<[number, string, number, number]>;
    for (const [key, src, n, ts] of rows) d.add(key, src, n, ts);
  }

  /**
   * The sources scanning `port` on `day`, most events first: on transport `transport` (a code),
   * or on every transport but `except` (the explorer's port without a transport leaves ICMP
   * types out), merged per source.
   */
  sources(day: number, port: number, on: { transport: number } | { except: number[] }): SourceCount[] {
    const d = this.get(day);
    const keys = 'transport' in on ? [on.transport * KEY_SPAN + port] : [...d.ports.keys()].filter((k) => k % KEY_SPAN === port && !on.except.includes(Math.floor(k / KEY_SPAN))).sort((a, b) => a - b);
    const name = keys.join(',');
    let out = d.sorted.get(name);
    if (out) return out;
    const maps = keys.map((k) => d.ports.get(k)).filter((m): m is Map<string, SourceCount> => m !== undefined);
    if (maps.length === 1) out = [...maps[0].values()];
    else {
      const merged = new Map<string, SourceCount>();
      for (const m of maps) {
        for (const s of m.values()) {
          const t = merged.get(s.src);
          if (!t) merged.set(s.src, { ...s });
          else {
            t.events += s.events;
            t.packets += s.packets;
            t.first = Math.min(t.first, s.first);
            t.last = Math.max(t.last, s.last);
          }
        }
      }
      out = [...merged.values()];
    }
    out.sort(order);
    d.sorted.set(name, out);
    return out;
  }
}
