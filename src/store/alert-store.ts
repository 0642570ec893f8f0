import type { DB } from './db';
import type { WormAlert } from '../detectors/worm';

/** Writes alerts opened or updated by a batch; assigns `id` on first write. */
export function alertWriter(db: DB): (alerts: WormAlert[]) => void {
  const ins = db.prepare(
    `INSERT INTO alerts (kind, host, port, proto, first, last, destinations, events, peak, threshold, window_s, evidence, updated)
     VALUES (@kind, @host, @port, @proto, @first, @last, @destinations, @events, @peak, @threshold, @windowS, @evidence, @updated)`,
  );
  const upd = db.prepare(
    `UPDATE alerts SET last = @last, destinations = @destinations, events = @events, peak = @peak, evidence = @evidence,
     updated = @updated WHERE id = @id`,
  );
  return (alerts) => {
    const now = Date.now();
    for (const a of alerts) {
      const row = { ...a, evidence: JSON.stringify(a.evidence), updated: now };
      if (a.id === undefined) a.id = Number(ins.run(row).lastInsertRowid);
      else upd.run(row);
    }
  };
}
