import type { DB } from './db';
import { markDaysDirty, settleRollups } from './rollups';
import { CLASS } from './codes';

/**
 * Recomputes every scan rollup from the events table, in the zone now configured. Needed after
 * `config set tz`, since buckets are local hours of that zone. Returns the scan events counted.
 */
export function rebuildRollups(db: DB): number {
  const range = db.prepare('SELECT min(ts) AS lo, max(ts) AS hi, count(*) AS n FROM events WHERE class = ?').get(CLASS.scan) as { lo: number | null; hi: number | null; n: number };
  db.transaction(() => {
    db.exec('DELETE FROM port_hour; DELETE FROM port_day; DELETE FROM dirty_hour;');
    if (range.lo === null || range.hi === null) return;
    const days: number[] = [];
    for (let t = range.lo - 86_400_000; t <= range.hi + 86_400_000; t += 86_400_000) days.push(t);
    markDaysDirty(db, days);
  })();
  settleRollups(db);
  return range.n;
}
