/**
 * Trusted sources, retroactive: adding an entry reclassifies that source's past inbound events
 * as trusted and recounts the rollups they were in; removing it brings them back.
 */
import type { DB } from './db';
import { CidrSet, canonicalCidr } from '../classify/networks';
import { isScanReason } from '../classify/classifier';
import { settleRollups } from './rollups';

export interface TrustEntry {
  cidr: string;
  note: string | null;
  added: number;
}

export function loadTrusted(db: DB): string[] {
  return db.prepare('SELECT cidr FROM trusted ORDER BY cidr').pluck().all() as string[];
}

export function listTrusted(db: DB): TrustEntry[] {
  return db.prepare('SELECT cidr, note, added FROM trusted ORDER BY added').all() as TrustEntry[];
}

/** Returns the number of past events that became trusted. */
export function addTrusted(db: DB, text: string, note?: string): { cidr: string; events: number } {
  const cidr = canonicalCidr(text);
  const set = new CidrSet([cidr]);
  const events = db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO trusted (cidr, note, added) VALUES (?, ?, ?)').run(cidr, note ?? null, Date.now());
    const sources = inboundSources(db).filter((s) => set.has(s));
    return retag(db, sources, true);
  })();
  settleRollups(db);
  return { cidr, events };
}

/** Returns the number of past events that are no longer trusted; throws when not in the list. */
export function removeTrusted(db: DB, text: string): { cidr: string; events: number } {
  const cidr = canonicalCidr(text);
  const events = db.transaction(() => {
    if (db.prepare('DELETE FROM trusted WHERE cidr = ?').run(cidr).changes === 0) {
      throw new Error(`${cidr} is not in the trusted list (see: portledger trust list)`);
    }
    const still = new CidrSet(loadTrusted(db));
    const hits = db.prepare('SELECT src FROM trusted_hit').pluck().all() as string[];
    const freed = new Set(hits.filter((s) => !still.has(s)));
    const alsoLate = (db.prepare("SELECT DISTINCT src FROM events WHERE class = 'trusted'").pluck().all() as string[]).filter((s) => !still.has(s));
    for (const s of alsoLate) freed.add(s);
    return retag(db, [...freed], false);
  })();
  settleRollups(db);
  return { cidr, events };
}

function inboundSources(db: DB): string[] {
  return db.prepare("SELECT DISTINCT src FROM events WHERE direction = 'inbound'").pluck().all() as string[];
}

/** Flags or unflags the sources' inbound events and marks their scan hours for recount. */
function retag(db: DB, sources: string[], trusted: boolean): number {
  if (sources.length === 0) return 0;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS retag_src (src TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.retag_src;');
  const ins = db.prepare('INSERT OR IGNORE INTO temp.retag_src (src) VALUES (?)');
  for (const s of sources) ins.run(s);
  let changed: number;
  if (trusted) {
    db.prepare('INSERT OR IGNORE INTO trusted_hit (src) SELECT src FROM temp.retag_src').run();
    changed = db
      .prepare("UPDATE events SET class = 'trusted' WHERE direction = 'inbound' AND class IN ('scan', 'late') AND src IN (SELECT src FROM temp.retag_src)")
      .run().changes;
  } else {
    db.prepare('DELETE FROM trusted_hit WHERE src IN (SELECT src FROM temp.retag_src)').run();
    db.function('portledger_is_scan', { deterministic: true }, (reason: unknown) => (isScanReason(String(reason)) ? 1 : 0));
    changed = db
      .prepare(
        "UPDATE events SET class = CASE portledger_is_scan(reason) WHEN 1 THEN 'scan' ELSE 'late' END WHERE class = 'trusted' AND src IN (SELECT src FROM temp.retag_src)",
      )
      .run().changes;
  }
  db.prepare('INSERT OR IGNORE INTO dirty_hour (port, proto, hour) SELECT DISTINCT port, proto, hour FROM scan_hour WHERE src IN (SELECT src FROM temp.retag_src)').run();
  return changed;
}
