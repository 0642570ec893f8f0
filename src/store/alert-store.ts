import type { DB } from './db';
import type { Alert } from '../contract/alert';

/** Writes alerts opened or updated by a batch; assigns `id` on first write and reads back the triage `state`. */
export function alertWriter(db: DB): (alerts: Alert[]) => void {
  const ins = db.prepare(
    `INSERT INTO alerts (kind, host, port, proto, first, last, destinations, events, peak, threshold, window_s, level, evidence, updated)
     VALUES (@kind, @host, @port, @proto, @first, @last, @destinations, @events, @peak, @threshold, @windowS, @level, @evidence, @updated)`,
  );
  const upd = db.prepare(
    `UPDATE alerts SET last = @last, destinations = @destinations, events = @events, peak = @peak, level = @level,
     evidence = @evidence, updated = @updated WHERE id = @id RETURNING status`,
  );
  return (alerts) => {
    const now = Date.now();
    for (const a of alerts) {
      const row = { ...a, level: a.level ?? null, evidence: JSON.stringify(a.evidence), updated: now };
      if (a.id === undefined) {
        a.id = Number(ins.run(row).lastInsertRowid);
        a.state = 'open';
      } else {
        // The triage state someone may have set meanwhile (the dashboard's close): outputs say it.
        const r = upd.get(row) as { status: string } | undefined;
        a.state = r?.status === 'closed' ? 'closed' : 'open';
      }
    }
  };
}
