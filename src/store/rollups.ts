import type { DB } from './db';

/**
 * Recounts every dirty hour (and the days they fall in) from `scan_hour`, leaving trusted
 * sources out. Cheap to call often: with nothing dirty it is one query.
 */
export function settleRollups(db: DB): number {
  if (!db.prepare('SELECT 1 FROM dirty_hour LIMIT 1').get()) return 0;
  const hourCount = db.prepare(
    `SELECT coalesce(sum(events), 0) AS events, count(DISTINCT src) AS sources FROM scan_hour
     WHERE port = ? AND proto = ? AND hour = ? AND src NOT IN (SELECT src FROM trusted_hit)`,
  );
  const dayCount = db.prepare(
    `SELECT coalesce(sum(events), 0) AS events, count(DISTINCT src) AS sources, count(DISTINCT dst) AS targets FROM scan_hour
     WHERE port = ? AND proto = ? AND hour BETWEEN ? AND ? AND src NOT IN (SELECT src FROM trusted_hit)`,
  );
  const putHour = db.prepare('INSERT OR REPLACE INTO port_hour (hour, port, proto, events, sources) VALUES (?, ?, ?, ?, ?)');
  const delHour = db.prepare('DELETE FROM port_hour WHERE hour = ? AND port = ? AND proto = ?');
  const putDay = db.prepare('INSERT OR REPLACE INTO port_day (day, port, proto, events, sources, targets) VALUES (?, ?, ?, ?, ?, ?)');
  const delDay = db.prepare('DELETE FROM port_day WHERE day = ? AND port = ? AND proto = ?');
  return db.transaction(() => {
    const dirty = db.prepare('SELECT port, proto, hour FROM dirty_hour').all() as { port: number; proto: string; hour: number }[];
    const days = new Map<string, { port: number; proto: string; day: number }>();
    for (const d of dirty) {
      const h = hourCount.get(d.port, d.proto, d.hour) as { events: number; sources: number };
      if (h.events > 0) putHour.run(d.hour, d.port, d.proto, h.events, h.sources);
      else delHour.run(d.hour, d.port, d.proto);
      const day = Math.floor(d.hour / 24);
      days.set(`${d.port}\t${d.proto}\t${day}`, { port: d.port, proto: d.proto, day });
    }
    for (const { port, proto, day } of days.values()) {
      const c = dayCount.get(port, proto, day * 24, day * 24 + 23) as { events: number; sources: number; targets: number };
      if (c.events > 0) putDay.run(day, port, proto, c.events, c.sources, c.targets);
      else delDay.run(day, port, proto);
    }
    db.prepare('DELETE FROM dirty_hour').run();
    return dirty.length;
  }).immediate();
}
