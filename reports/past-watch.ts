/**
 * Whether what the store holds before an instant is still what it was: the test that lets the
 * dashboard keep answers about finished days (a daily report, a day's totals) in memory and
 * still never show a stale one. Nothing is written for it; ingest pays nothing.
 *
 * What can change stored events, and how each shows here:
 * - new events (a late line, an older rotated log ingested now): new rows take ids above
 *   max(id), so the rows stored since the last check are read (by rowid: only those) for one
 *   with a time before the instant;
 * - a trust change reclassifies a source's events: the `trusted` table changes;
 * - a home network or WAN interface change with --reclassify, a zone change, a prune (its
 *   cutoff is recorded first): the `config` table changes;
 * - a migration that rewrites events: the schema version changes;
 * - a recount waiting (dirty hours): the rollups of those days are about to change, so nothing
 *   that reads them is kept meanwhile.
 * Updates of other columns (the action of a session) are not read by what is kept.
 */
import type { DB } from '../src/store/db';

/** The state of everything but the events themselves that decides what they count as. */
export function storeStamp(db: DB): string {
  const version = db.pragma('user_version', { simple: true }) as number;
  const config = db.prepare("SELECT coalesce(group_concat(key || '=' || value, char(10)), '') FROM (SELECT key, value FROM config ORDER BY key)").pluck().get() as string;
  const trusted = db.prepare("SELECT coalesce(group_concat(t, char(10)), '') FROM (SELECT cidr || ' ' || added || ' ' || coalesce(expires, '') AS t FROM trusted ORDER BY cidr)").pluck().get() as string;
  return `${version}\n${config}\n--\n${trusted}`;
}

/** A point in the store's history that answers about events before `until` were taken at. */
export interface PastMark {
  /** UTC ms: the answer read events before this instant only (and from `from` on, when set). */
  until: number;
  from?: number;
  stamp: string;
  /** Highest event id when the answer was read (advanced by each check that finds nothing new). */
  seenId: number;
}

/**
 * Marks the store now, for an answer about events in [from, until) (from: the beginning when
 * absent) and the rollups up to local hour `hourLimit` (-1: none); null while a recount is
 * pending there.
 */
export function markPast(db: DB, until: number, hourLimit: number, from?: number): PastMark | null {
  if (recountPending(db, hourLimit)) return null;
  return { until, from, stamp: storeStamp(db), seenId: maxId(db) };
}

/** Whether rollups up to local hour `hourLimit` wait for a recount. */
export function recountPending(db: DB, hourLimit: number): boolean {
  return db.prepare('SELECT 1 FROM dirty_hour WHERE hour <= ? LIMIT 1').get(hourLimit) !== undefined;
}

function maxId(db: DB): number {
  return (db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;
}

/**
 * Whether nothing before `mark.until` changed since the mark (see the file comment). `hourLimit`:
 * the last local hour whose rollups the answer read.
 */
export function unchangedSince(db: DB, mark: PastMark, hourLimit: number): boolean {
  if (storeStamp(db) !== mark.stamp) return false;
  if (recountPending(db, hourLimit)) return false;
  const top = maxId(db);
  if (top < mark.seenId) return false; // rows deleted: only a prune does that, and it shows above
  if (top > mark.seenId) {
    // `+ts`: the new rows by rowid, never the time index (which would read all of the past).
    if (db.prepare('SELECT 1 FROM events WHERE id > ? AND id <= ? AND +ts < ? AND +ts >= ? LIMIT 1').get(mark.seenId, top, mark.until, mark.from ?? -Number.MAX_SAFE_INTEGER)) return false;
    mark.seenId = top;
  }
  return true;
}

/**
 * The highest event id now, when every change since `mark` is rows appended (ids above
 * `mark.seenId`: read them to bring a count up to date); null when anything else changed (the
 * stamp, or rows deleted), and the count must be made again. Recounts pending are not looked
 * at: this is for counts read from the events themselves.
 */
export function appendedSince(db: DB, mark: Pick<PastMark, 'stamp' | 'seenId'>): number | null {
  if (storeStamp(db) !== mark.stamp) return null;
  const top = maxId(db);
  return top < mark.seenId ? null : top;
}
