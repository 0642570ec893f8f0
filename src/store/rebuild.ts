import type { DB } from './db';
import { loadSettings } from './settings';
import { RollupWriter, rollupPort } from './rollup-writer';
import { settleRollups } from './rollups';
import { isScanReason } from '../classify/classifier';

/**
 * Recomputes every scan rollup from the events table, in the zone now configured. Needed after
 * `config set tz`, since buckets are local hours of that zone.
 */
export function rebuildRollups(db: DB): number {
  const tz = loadSettings(db).tz;
  let n = 0;
  db.transaction(() => {
    db.exec('DELETE FROM scan_hour; DELETE FROM port_hour; DELETE FROM port_day; DELETE FROM dirty_hour;');
    const w = new RollupWriter(db, tz);
    // Paged by id: better-sqlite3 allows no writes while a query iterates.
    const page = db.prepare(
      "SELECT id, ts, dport, icmp_type, transport, src, dst, count, class, reason FROM events WHERE id > ? AND class IN ('scan', 'trusted') ORDER BY id LIMIT 50000",
    );
    type Row = { id: number; ts: number; dport: number | null; icmp_type: number | null; transport: string; src: string; dst: string; count: number; class: string; reason: string };
    for (let last = 0, rows = page.all(0) as Row[]; rows.length > 0; rows = page.all(last) as Row[]) {
      for (const e of rows) {
        if (e.class === 'trusted' && !isScanReason(e.reason)) continue;
        w.add(rollupPort(e.dport ?? undefined, e.icmp_type ?? undefined), e.transport, e.ts, e.src, e.dst, e.count);
        n++;
      }
      last = rows[rows.length - 1].id;
      w.flush();
    }
    w.flush();
  })();
  settleRollups(db);
  return n;
}
