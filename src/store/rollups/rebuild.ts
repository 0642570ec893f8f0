import type { DB } from '../db';
import { markDaysDirty, settleRollups } from './settle';
import { CLASS } from '../codes';
import { loadSettings, storedConfig } from '../settings';
import { hourBucketer } from './buckets';

const HOUR = 3_600_000;

/**
 * Recomputes every scan rollup from the events table, in the zone now configured. Needed after
 * the zone changes, since buckets are local hours of that zone. Returns the scan events counted.
 */
export function rebuildRollups(db: DB): number {
  let n = 0;
  db.transaction(() => {
    // Days before a retention cutoff have no events to recount from: their rows stay as counted.
    const pruned = storedConfig(db).get('pruned-before') as number | undefined;
    const firstDay = pruned === undefined ? -Infinity : Math.floor(hourBucketer(loadSettings(db).tz)(pruned) / 24);
    db.prepare('DELETE FROM port_hour WHERE hour >= ?').run(firstDay * 24);
    db.prepare('DELETE FROM port_day WHERE day >= ?').run(firstDay);
    db.prepare('DELETE FROM hour_sources WHERE hour >= ?').run(firstDay * 24);
    db.exec('DELETE FROM dirty_hour; DELETE FROM rollup_owner;');
    // Each UTC hour holding scans, by its first and last instant: they fall in at most two local days.
    const hours = db.prepare('SELECT CAST(ts / ? AS INTEGER) AS h, count(*) AS n FROM events WHERE class = ? GROUP BY h').all(HOUR, CLASS.scan) as { h: number; n: number }[];
    const instants: number[] = [];
    for (const r of hours) {
      n += r.n;
      instants.push(r.h * HOUR, r.h * HOUR + HOUR - 1);
    }
    markDaysDirty(db, instants);
  })();
  settleRollups(db);
  return n;
}
