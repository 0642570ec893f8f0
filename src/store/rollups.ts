import type { DB } from './db';
import { createClock } from '../../parsers/clock';
import { hourBucketer } from './buckets';
import { loadSettings } from './settings';
import { ScanAggregate, rollupPort } from './scan-aggregate';
import { CLASS, Codes } from './codes';

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
    const port = rollupPort(e.dport, e.icmp_type);
    const proto = codes.name('transport', e.transport);
    if (keep && !keep(port, proto)) continue;
    agg.add(hour, port, proto, e.src, e.dst, e.count);
  }
  return agg;
}

/**
 * Recounts every day that has a dirty hour, from the events. Cheap to call often: with nothing
 * dirty it is one query.
 */
export function settleRollups(db: DB): number {
  if (!db.prepare('SELECT 1 FROM dirty_hour LIMIT 1').get()) return 0;
  const tz = loadSettings(db).tz;
  return db.transaction(() => {
    const hours = db.prepare('SELECT hour FROM dirty_hour').pluck().all() as number[];
    const days = [...new Set(hours.map((h) => Math.floor(h / 24)))];
    const putHour = db.prepare('INSERT INTO port_hour (hour, port, proto, events, sources) VALUES (?, ?, ?, ?, ?)');
    const putDay = db.prepare('INSERT INTO port_day (day, port, proto, events, sources, targets) VALUES (?, ?, ?, ?, ?, ?)');
    for (const day of days) {
      const agg = countFromEvents(db, tz, day, day);
      db.prepare('DELETE FROM port_hour WHERE hour BETWEEN ? AND ?').run(day * 24, day * 24 + 23);
      db.prepare('DELETE FROM port_day WHERE day = ?').run(day);
      const { hours: hs, days: ds } = agg.takeChanged();
      for (const c of hs) putHour.run(c.hour, c.port, c.proto, c.events, c.sources);
      for (const c of ds) putDay.run(c.day, c.port, c.proto, c.events, c.sources, c.targets);
    }
    db.prepare('DELETE FROM dirty_hour').run();
    return days.length;
  }).immediate();
}

/** Marks the local days of these instants for recount (trust changes, zone changes). */
export function markDaysDirty(db: DB, instants: Iterable<number>): void {
  const bucket = hourBucketer(loadSettings(db).tz);
  const mark = db.prepare('INSERT OR IGNORE INTO dirty_hour (hour) VALUES (?)');
  const days = new Set<number>();
  for (const ts of instants) days.add(Math.floor(bucket(ts) / 24));
  for (const d of days) mark.run(d * 24);
}
