import type { DB } from '../db';
import { markDaysDirty, settleRollups } from './settle';
import { CLASS } from '../codes';

const HOUR = 3_600_000;

/**
 * Recomputes every scan rollup from the events table, in the zone now configured. Needed after
 * the zone changes, since buckets are local hours of that zone. Returns the scan events counted.
 */
export function rebuildRollups(db: DB): number {
  let n = 0;
  db.transaction(() => {
    db.exec('DELETE FROM port_hour; DELETE FROM port_day; DELETE FROM dirty_hour; DELETE FROM rollup_owner;');
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
