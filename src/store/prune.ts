/**
 * Retention: events older than a cutoff are deleted in small batches (each its own short
 * transaction, so `watch` and `listen` keep writing meanwhile); the rollups are kept, so the
 * per-port history over months stays. The cutoff is remembered: events older than it that
 * arrive later (an old log ingested) are not stored, and days before it are never recounted
 * from the events they no longer have. Freed pages are given back to the file system where the
 * database allows it (auto_vacuum = INCREMENTAL, set on databases created since schema 006);
 * older files reuse them for new events, and `prune --vacuum` rewrites the file.
 */
import type { DB } from './db';
import { loadSettings, putConfig, storedConfig } from './settings';
import { dayStartUtc, hourBucketer } from './rollups/buckets';

const BATCH_ROWS = 20_000;
const KEY = 'pruned-before';

export interface PruneResult {
  cutoff: number;
  events: number;
  /** Bytes the file shrank by. */
  freedBytes: number;
  /** Whether the file can give pages back without a full VACUUM. */
  incremental: boolean;
  /** False when the time budget ran out first: call again for the rest. */
  done: boolean;
}

/** The instant before which events were pruned (undefined: never). */
export function prunedBefore(db: DB): number | undefined {
  return storedConfig(db).get(KEY) as number | undefined;
}

/**
 * Deletes events before `cutoff` (UTC ms), `BATCH_ROWS` per transaction, oldest first.
 * `budgetMs` stops early (the rest is deleted next time); `vacuum` rewrites the whole file
 * afterwards (blocks other writers while it runs).
 */
export function pruneEvents(db: DB, cutoff: number, opts: { budgetMs?: number; vacuum?: boolean } = {}): PruneResult {
  const started = Date.now();
  const size = () => (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  const before = size();
  const incremental = (db.pragma('auto_vacuum', { simple: true }) as number) === 2;
  const del = db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < ? ORDER BY ts LIMIT ?)');
  // Remember the cutoff first: from now on nothing older is stored or recounted.
  const previous = prunedBefore(db);
  if (previous === undefined || cutoff > previous) db.transaction(() => putConfig(db, KEY, cutoff)).immediate();
  let events = 0;
  let done = false;
  for (;;) {
    const n = db.transaction(() => del.run(cutoff, BATCH_ROWS).changes).immediate();
    events += n;
    if (n < BATCH_ROWS) {
      done = true;
      break;
    }
    if (opts.budgetMs !== undefined && Date.now() - started > opts.budgetMs) break;
    if (incremental) db.pragma('incremental_vacuum(2000)');
  }
  if (incremental) db.pragma('incremental_vacuum');
  if (opts.vacuum) db.exec('VACUUM');
  return { cutoff, events, freedBytes: Math.max(0, before - size()), incremental, done };
}

/** `180d`, `26w`, `6m` (months of 30 days), `1y` → milliseconds; throws a readable error. */
export function parseRetention(text: string): number {
  const m = /^\s*(\d+)\s*([dwmy])\s*$/i.exec(text);
  if (!m || +m[1] < 1) throw new Error(`"${text}" is not a retention period: use a number of days, weeks, months or years, e.g. 180d, 26w, 6m, 1y`);
  const days = { d: 1, w: 7, m: 30, y: 365 }[m[2].toLowerCase() as 'd' | 'w' | 'm' | 'y'];
  return +m[1] * days * 86_400_000;
}

/**
 * Prunes what is older than `keepMs` before `now`, from the start of that local day (in the
 * database's zone): days are kept or pruned whole, so no day's rollup is ever recounted from
 * half of its events.
 */
export function pruneOlderThan(db: DB, keepMs: number, now = Date.now(), opts: { budgetMs?: number; vacuum?: boolean } = {}): PruneResult {
  const tz = loadSettings(db).tz;
  const day = Math.floor(hourBucketer(tz)(now - keepMs) / 24);
  return pruneEvents(db, dayStartUtc(day, tz), opts);
}
