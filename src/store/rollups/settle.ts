/**
 * Counting scans from the events table: the recount of dirty days (the write side's `settle`,
 * in small steps that never hold the write lock for long), and the count reports make for a
 * zone other than the database's or for days still waiting for their recount.
 */
import type { DB } from '../db';
import { createClock } from '../../../parsers/clock';
import { hourBucketer } from './buckets';
import { loadSettings, storedConfig } from '../settings';
import { ScanAggregate, rollupPort } from './aggregate';
import { CLASS, Codes } from '../codes';
import { dirtyMarker } from './writer';
import type { RollupScan } from './counter';

interface ScanRow { ts: number; dport: number | null; icmp_type: number | null; transport: number; src: string; dst: string; count: number }

/** UTC ms range that surely covers local day `day` in `tz` (filtered by bucket afterwards). */
export function dayRange(day: number, tz: string): [number, number] {
  const clock = createClock(tz, { reference: () => 0 });
  const d = new Date(day * 86_400_000);
  const start = clock.localToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, 0, 0);
  return [start - 3 * 3_600_000, start + 27 * 3_600_000];
}

/** Counts the scans of local days `first..last` in `tz` straight from the events table. */
export function countFromEvents(db: DB, tz: string, first: number, last: number, keep?: (port: number, proto: string) => boolean): ScanAggregate {
  const bucket = hourBucketer(tz);
  const agg = new ScanAggregate();
  const codes = new Codes(db);
  const rows = db
    .prepare('SELECT ts, dport, icmp_type, transport, src, dst, count FROM events WHERE ts >= ? AND ts < ? AND class = ?')
    .iterate(dayRange(first, tz)[0], dayRange(last, tz)[1], CLASS.scan) as Iterable<ScanRow>;
  for (const e of rows) {
    const hour = bucket(e.ts);
    const day = Math.floor(hour / 24);
    if (day < first || day > last) continue;
    const proto = codes.name('transport', e.transport);
    const port = rollupPort(e.dport, e.icmp_type, proto);
    if (keep && !keep(port, proto)) continue;
    agg.add(hour, port, proto, e.src, e.dst, e.count);
  }
  return agg;
}

export interface SettleResult {
  /** Days recounted and written. */
  settled: number;
  /** Days still dirty (left for the next call: budget spent, or touched while being counted). */
  pending: number;
}

/**
 * Recounts days that have dirty hours, oldest first, one day per step: the day's scans are read
 * in a read transaction (a snapshot; writers go on meanwhile) and the counts written in a short
 * write transaction, only if no new dirty mark arrived for that day since the snapshot — a
 * writer that added scans to it meanwhile left one, and the day is tried again. Stops after
 * `budgetMs` (default: until done). Cheap when nothing is dirty: one query. Throws what SQLite
 * throws (busy, full): the caller retries later; nothing is half written.
 */
export function settleRollups(db: DB, opts: { budgetMs?: number; afterRead?: (day: number) => void } = {}): SettleResult {
  const result = { settled: 0, pending: 0 };
  if (!db.prepare('SELECT 1 FROM dirty_hour LIMIT 1').get()) return result;
  const tz = loadSettings(db).tz;
  const started = Date.now();
  // Days before the retention cutoff have no events left to count: their rollups stay as they are.
  const pruned = storedConfig(db).get('pruned-before') as number | undefined;
  if (pruned !== undefined) {
    const firstKept = Math.floor(hourBucketer(tz)(pruned) / 24);
    db.prepare('DELETE FROM dirty_hour WHERE hour < ?').run(firstKept * 24);
  }
  const days = db.prepare('SELECT DISTINCT hour / 24 AS day FROM dirty_hour ORDER BY day').pluck().all() as number[];
  const maxSeq = db.prepare('SELECT max(seq) FROM dirty_hour WHERE hour BETWEEN ? AND ?').pluck();
  const clear = db.prepare('DELETE FROM dirty_hour WHERE hour BETWEEN ? AND ?');
  const delHours = db.prepare('DELETE FROM port_hour WHERE hour BETWEEN ? AND ?');
  const delDay = db.prepare('DELETE FROM port_day WHERE day = ?');
  const delAll = db.prepare('DELETE FROM hour_sources WHERE hour BETWEEN ? AND ?');
  const disown = db.prepare('DELETE FROM rollup_owner WHERE day = ?');
  const putHour = db.prepare('INSERT INTO port_hour (hour, port, proto, events, sources) VALUES (?, ?, ?, ?, ?)');
  const putDay = db.prepare('INSERT INTO port_day (day, port, proto, events, sources, targets) VALUES (?, ?, ?, ?, ?, ?)');
  const putAll = db.prepare('INSERT INTO hour_sources (hour, events, sources) VALUES (?, ?, ?)');
  for (let i = 0; i < days.length; i++) {
    if (opts.budgetMs !== undefined && i > 0 && Date.now() - started > opts.budgetMs) {
      result.pending = days.length - i;
      break;
    }
    const day = days[i];
    const [h0, h1] = [day * 24, day * 24 + 23];
    const snap = db.transaction(() => ({ seq: maxSeq.get(h0, h1) as number | null, agg: countFromEvents(db, tz, day, day) })).deferred();
    if (snap.seq === null) continue; // settled by another writer meanwhile
    opts.afterRead?.(day); // tests: another writer acting between the read and the write
    const wrote = db.transaction(() => {
      if ((maxSeq.get(h0, h1) as number | null) !== snap.seq) return false;
      delHours.run(h0, h1);
      delDay.run(day);
      delAll.run(h0, h1);
      const { hours, days: ds, allHours } = snap.agg.takeChanged();
      for (const c of hours) putHour.run(c.hour, c.port, c.proto, c.events, c.sources);
      for (const c of ds) putDay.run(c.day, c.port, c.proto, c.events, c.sources, c.targets);
      for (const c of allHours) putAll.run(c.hour, c.events, c.sources);
      clear.run(h0, h1);
      // Whoever counted this day in memory has lost it: the rows are the events' own count now.
      disown.run(day);
      return true;
    }).immediate();
    if (wrote) result.settled++;
    else result.pending++;
  }
  return result;
}

/** Marks the local days of these instants for recount (trust changes, class migrations). */
export function markDaysDirty(db: DB, instants: Iterable<number>): void {
  const bucket = hourBucketer(loadSettings(db).tz);
  const days = new Set<number>();
  for (const ts of instants) days.add(Math.floor(bucket(ts) / 24));
  dirtyMarker(db)([...days].map((d) => d * 24));
}

/** Local days (in `tz`) that have dirty hours, among `first..last`: reports count them from the events. */
export function dirtyDays(db: DB, first: number, last: number): Set<number> {
  return new Set(db.prepare('SELECT DISTINCT hour / 24 FROM dirty_hour WHERE hour BETWEEN ? AND ?').pluck().all(first * 24, last * 24 + 23) as number[]);
}

/**
 * For live input: reads a day's scans from the events so a counter can take the day over
 * (counter.ts `AdoptDay`); undefined while the day waits for a recount or another writer owns it.
 */
export function adoptFromEvents(db: DB, tz: string): (day: number) => Iterable<RollupScan> | undefined {
  const busy = db.prepare(
    `SELECT EXISTS (SELECT 1 FROM dirty_hour WHERE hour BETWEEN @day * 24 AND @day * 24 + 23)
         OR EXISTS (SELECT 1 FROM rollup_owner WHERE day = @day)`,
  ).pluck();
  const codes = new Codes(db);
  const bucket = hourBucketer(tz);
  const scans = db.prepare('SELECT ts, dport, icmp_type, transport, src, dst, count FROM events WHERE ts >= ? AND ts < ? AND class = ?');
  function* read(day: number): Generator<RollupScan> {
    const [from, to] = dayRange(day, tz);
    for (const e of scans.iterate(from, to, CLASS.scan) as Iterable<ScanRow>) {
      const hour = bucket(e.ts);
      if (Math.floor(hour / 24) !== day) continue;
      const proto = codes.name('transport', e.transport);
      yield { hour, port: rollupPort(e.dport, e.icmp_type, proto), proto, src: e.src, dst: e.dst, count: e.count };
    }
  }
  return (day) => (busy.get({ day }) ? undefined : read(day));
}
