import type { DB } from './db';
import type { RollupDelta } from '../pipeline/rollup-counter';

/** Days with rollup rows or pending recounts: a new run must not count them from scratch. */
export function daysWithRollups(db: DB): Set<number> {
  const days = db.prepare('SELECT DISTINCT day FROM port_day UNION SELECT DISTINCT hour / 24 FROM dirty_hour').pluck().all() as number[];
  return new Set(days);
}

/** Writes the rollup rows a batch changed, and the hours it leaves for recount. */
export function rollupWriter(db: DB): (d: RollupDelta) => void {
  const putHour = db.prepare('INSERT OR REPLACE INTO port_hour (hour, port, proto, events, sources) VALUES (?, ?, ?, ?, ?)');
  const putDay = db.prepare('INSERT OR REPLACE INTO port_day (day, port, proto, events, sources, targets) VALUES (?, ?, ?, ?, ?, ?)');
  const markDirty = db.prepare('INSERT OR IGNORE INTO dirty_hour (hour) VALUES (?)');
  return (d) => {
    for (const h of d.hours) putHour.run(h);
    for (const r of d.days) putDay.run(r);
    for (const h of d.dirtyHours) markDirty.run(h);
  };
}
