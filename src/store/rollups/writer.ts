/**
 * Writes what a RollupCounter counted, inside the batch's transaction, under the ownership rule
 * of schema/006: a day's in-memory counts are written only by the writer that owns the day;
 * every other touch of a day becomes dirty hours, recounted from the events. Any number of
 * writers can run at once and every rollup stays exact.
 */
import type { DB } from '../db';
import type { RollupDelta } from './counter';

/** Days with rollup rows or pending recounts: a new counter must not count them from scratch. */
export function daysWithRollups(db: DB): Set<number> {
  const days = db.prepare('SELECT DISTINCT day FROM port_day UNION SELECT DISTINCT hour / 24 FROM dirty_hour').pluck().all() as number[];
  return new Set(days);
}

/** Marks local hours for recount, each with a sequence number above every mark present. */
export function dirtyMarker(db: DB): (hours: Iterable<number>) => void {
  const mark = db.prepare(
    `INSERT INTO dirty_hour (hour, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM dirty_hour))
     ON CONFLICT (hour) DO UPDATE SET seq = excluded.seq`,
  );
  return (hours) => {
    for (const h of hours) mark.run(h);
  };
}

export interface RollupWriteResult {
  /** Days the counter must give up: another writer touched them, or they were recounted. */
  disowned: number[];
}

/**
 * A writer bound to one counting session. `write` runs inside the batch transaction; `release`
 * gives up every day the session owns (after its last write: the rows stay, exact, and the days
 * are then recounted by whoever touches them next).
 */
export class RollupWriter {
  private readonly putHour;
  private readonly putDay;
  private readonly putAll;
  private readonly markDirty;
  private readonly ownerOf;
  private readonly dayTouched;
  private readonly claim;
  private readonly releaseAll;

  constructor(private readonly db: DB, readonly writerId: string) {
    this.putHour = db.prepare('INSERT OR REPLACE INTO port_hour (hour, port, proto, events, sources) VALUES (?, ?, ?, ?, ?)');
    this.putDay = db.prepare('INSERT OR REPLACE INTO port_day (day, port, proto, events, sources, targets) VALUES (?, ?, ?, ?, ?, ?)');
    this.putAll = db.prepare('INSERT OR REPLACE INTO hour_sources (hour, events, sources) VALUES (?, ?, ?)');
    this.markDirty = dirtyMarker(db);
    this.ownerOf = db.prepare('SELECT writer FROM rollup_owner WHERE day = ?').pluck();
    // Whether anyone counted the day: rollup rows, or hours waiting for a recount.
    this.dayTouched = db.prepare(
      `SELECT EXISTS (SELECT 1 FROM port_day WHERE day = @day) AS rows,
              EXISTS (SELECT 1 FROM dirty_hour WHERE hour BETWEEN @day * 24 AND @day * 24 + 23) AS dirty`,
    );
    this.claim = db.prepare('INSERT INTO rollup_owner (day, writer, claimed) VALUES (?, ?, ?)');
    this.releaseAll = db.prepare('DELETE FROM rollup_owner WHERE writer = ?');
  }

  /** Call inside the batch transaction. */
  write(d: RollupDelta): RollupWriteResult {
    const verdict = new Map<number, boolean>();
    const owned = (day: number): boolean => {
      let ok = verdict.get(day);
      if (ok === undefined) verdict.set(day, (ok = this.own(day, d.adopted.includes(day))));
      return ok;
    };
    const dirty = new Set(d.dirtyHours);
    for (const h of d.hours) {
      if (owned(Math.floor(h[0] / 24))) this.putHour.run(h);
      else dirty.add(h[0]);
    }
    for (const r of d.days) {
      if (owned(r[0])) this.putDay.run(r);
      else dirty.add(r[0] * 24);
    }
    for (const h of d.allHours) {
      if (owned(Math.floor(h[0] / 24))) this.putAll.run(h);
      else dirty.add(h[0]);
    }
    this.markDirty(dirty);
    return { disowned: [...verdict].filter(([, ok]) => !ok).map(([day]) => day) };
  }

  /** Gives up every day this session owns. */
  release(): void {
    this.releaseAll.run(this.writerId);
  }

  /**
   * Whether this session may write its in-memory counts of `day`. It keeps a day it owns while
   * nobody else marked it dirty; it claims an unowned day only if nobody counted it, or if it
   * has just re-read the day's events (`adopted`) and no mark came in since.
   */
  private own(day: number, adopted: boolean): boolean {
    const owner = this.ownerOf.get(day) as string | undefined;
    const touched = this.dayTouched.get({ day }) as { rows: number; dirty: number };
    if (owner === this.writerId) {
      if (!touched.dirty) return true;
      this.db.prepare('DELETE FROM rollup_owner WHERE day = ? AND writer = ?').run(day, this.writerId);
      return false;
    }
    if (owner !== undefined || touched.dirty || (touched.rows && !adopted)) return false;
    this.claim.run(day, this.writerId, Date.now());
    return true;
  }
}
