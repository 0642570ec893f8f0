/**
 * Trusted sources, retroactive: adding an entry reclassifies that source's past inbound events
 * as trusted and recounts the days they were in; removing it brings them back.
 */
import type { DB } from './db';
import { CidrSet, canonicalCidr } from '../classify/networks';
import { LATE_REASONS } from '../classify/classifier';
import { CLASS, Codes } from './codes';
import { markDaysDirty, settleRollups } from './rollups/settle';

export interface TrustEntry {
  cidr: string;
  note: string | null;
  added: number;
  /** UTC epoch ms after which the entry no longer applies; null = until removed. */
  expires: number | null;
}

/** The CIDRs that apply now: entries past their expiry are left out even before they are removed. */
export function loadTrusted(db: DB, now = Date.now()): string[] {
  return db.prepare('SELECT cidr FROM trusted WHERE expires IS NULL OR expires > ? ORDER BY cidr').pluck().all(now) as string[];
}

export function listTrusted(db: DB): TrustEntry[] {
  return db.prepare('SELECT cidr, note, added, expires FROM trusted ORDER BY added').all() as TrustEntry[];
}

/**
 * Returns the number of past events that became trusted. `expires` (UTC epoch ms) makes the
 * trust temporary: `expireTrusted` removes it once that time has passed.
 */
export function addTrusted(db: DB, text: string, note?: string, opts: { expires?: number | null; now?: number } = {}): { cidr: string; events: number } {
  const cidr = canonicalCidr(text);
  const set = new CidrSet([cidr]);
  const now = opts.now ?? Date.now();
  if (opts.expires != null && !(opts.expires > now)) throw new Error('the expiry of a trusted entry must lie in the future');
  const events = db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO trusted (cidr, note, added, expires) VALUES (?, ?, ?, ?)').run(cidr, note ?? null, now, opts.expires ?? null);
    const sources = (db.prepare('SELECT DISTINCT src FROM events WHERE class IN (?, ?)').pluck().all(CLASS.scan, CLASS.late) as string[]).filter((s) => set.has(s));
    return retag(db, sources, true);
  })();
  settleRollups(db);
  return { cidr, events };
}

/** Returns the number of past events that are no longer trusted; throws when not in the list. */
export function removeTrusted(db: DB, text: string, now = Date.now()): { cidr: string; events: number } {
  const cidr = canonicalCidr(text);
  const events = db.transaction(() => {
    if (db.prepare('DELETE FROM trusted WHERE cidr = ?').run(cidr).changes === 0) {
      throw new Error(`${cidr} is not in the trusted list (see: portledger trust list)`);
    }
    const still = new CidrSet(loadTrusted(db, now));
    const freed = (db.prepare('SELECT DISTINCT src FROM events WHERE class = ?').pluck().all(CLASS.trusted) as string[]).filter((s) => !still.has(s));
    return retag(db, freed, false);
  })();
  settleRollups(db);
  return { cidr, events };
}

/**
 * Removes the entries whose expiry has passed, as `removeTrusted` would (their sources' past
 * events count as scans or late packets again). Cheap when none expired: one query. Returns
 * the entries removed.
 */
export function expireTrusted(db: DB, now = Date.now()): { cidr: string; events: number }[] {
  const due = db.prepare('SELECT cidr FROM trusted WHERE expires IS NOT NULL AND expires <= ?').pluck().all(now) as string[];
  const removed: { cidr: string; events: number }[] = [];
  for (const cidr of due) {
    try {
      removed.push(removeTrusted(db, cidr, now));
    } catch (e) {
      // Another writer (serve beside watch) removed it first.
      if (!(e instanceof Error && /not in the trusted list/.test(e.message))) throw e;
    }
  }
  return removed;
}

/** Flags or unflags the sources' inbound events and marks the days they touch for recount. */
function retag(db: DB, sources: string[], trusted: boolean): number {
  if (sources.length === 0) return 0;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS retag_src (src TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.retag_src;');
  const ins = db.prepare('INSERT OR IGNORE INTO temp.retag_src (src) VALUES (?)');
  for (const s of sources) ins.run(s);
  const from = trusted ? [CLASS.scan, CLASS.late] : [CLASS.trusted, CLASS.trusted];
  const instants = db.prepare('SELECT DISTINCT ts FROM events WHERE class IN (?, ?) AND src IN (SELECT src FROM temp.retag_src)').pluck().all(...from) as number[];
  let changed: number;
  if (trusted) {
    changed = db.prepare('UPDATE events SET class = ? WHERE class IN (?, ?) AND src IN (SELECT src FROM temp.retag_src)').run(CLASS.trusted, CLASS.scan, CLASS.late).changes;
  } else {
    // Back to what the packet was: late for the reasons that mean late, scan otherwise.
    const late = new Codes(db).existing('reason', LATE_REASONS);
    changed = db
      .prepare('UPDATE events SET class = CASE WHEN reason IN (SELECT value FROM json_each(?)) THEN ? ELSE ? END WHERE class = ? AND src IN (SELECT src FROM temp.retag_src)')
      .run(JSON.stringify(late), CLASS.late, CLASS.scan, CLASS.trusted).changes;
  }
  markDaysDirty(db, instants);
  return changed;
}
