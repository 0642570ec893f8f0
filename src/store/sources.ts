import type { DB } from './db';
import { sha256 } from '../util/hash';

export interface SourceRow {
  id: number;
  name: string;
  fp_hash: string;
  fp_len: number;
  offset: number;
  tail_hash: string | null;
  lines: number;
}

/**
 * The known source whose first bytes equal the start of `head`, preferring the longest
 * fingerprint. A rotated copy, its .gz or the same text on stdin all match.
 */
export function findSource(db: DB, head: Buffer): SourceRow | undefined {
  const lens = db.prepare('SELECT DISTINCT fp_len FROM sources WHERE fp_len > 0 AND fp_len <= ? ORDER BY fp_len DESC').pluck().all(head.length) as number[];
  const byHash = db.prepare('SELECT id, name, fp_hash, fp_len, offset, tail_hash, lines FROM sources WHERE fp_len = ? AND fp_hash = ? ORDER BY offset DESC LIMIT 1');
  for (const len of lens) {
    const row = byHash.get(len, sha256(head.subarray(0, len))) as SourceRow | undefined;
    if (row) return row;
  }
  return undefined;
}

export function sourceById(db: DB, id: number): SourceRow | undefined {
  return db.prepare('SELECT id, name, fp_hash, fp_len, offset, tail_hash, lines FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
}

export function createSource(db: DB, name: string, head: Buffer, now: number): SourceRow {
  const fp = sha256(head);
  const info = db
    .prepare('INSERT INTO sources (name, fp_hash, fp_len, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)')
    .run(name, fp, head.length, now, now);
  return { id: Number(info.lastInsertRowid), name, fp_hash: fp, fp_len: head.length, offset: 0, tail_hash: null, lines: 0 };
}

/**
 * The source of a stream with no text to fingerprint (a syslog sender, `syslog udp 192.0.2.1`):
 * known by its name; made on first use.
 */
export function namedSource(db: DB, name: string, now: number): SourceRow {
  const key = sha256(Buffer.from(name));
  const row = db.prepare('SELECT id, name, fp_hash, fp_len, offset, tail_hash, lines FROM sources WHERE fp_len = 0 AND fp_hash = ?').get(key) as SourceRow | undefined;
  if (row) return row;
  const info = db.prepare('INSERT INTO sources (name, fp_hash, fp_len, first_seen, last_seen) VALUES (?, ?, 0, ?, ?)').run(name, key, now, now);
  return { id: Number(info.lastInsertRowid), name, fp_hash: key, fp_len: 0, offset: 0, tail_hash: null, lines: 0 };
}

/** A longer head than the one first seen (the file grew): remember the stronger fingerprint. */
export function refreshFingerprint(db: DB, id: number, name: string, head: Buffer, now: number): void {
  db.prepare('UPDATE sources SET name = ?, fp_hash = ?, fp_len = ?, last_seen = ? WHERE id = ?').run(name, sha256(head), head.length, now, id);
}

export interface Progress {
  /** The read position this batch was read from: the commit happens only if it is still the stored one. */
  from: number;
  offset: number;
  lines: number;
  events: number;
  skips: number;
  rejects: number;
  tailHash: string | null;
  /** A longer head of the text than the stored fingerprint (a followed file that grew). */
  head?: Buffer;
}

/** Where a source's text has been read to, as stored. */
export interface StoredPosition {
  offset: number;
  lines: number;
  tail_hash: string | null;
}

/**
 * Another writer (a second `watch`, an `ingest` of the same text) stored part of this source's
 * text since this batch was read: the batch is rolled back, and the reader goes on from `stored`.
 */
export class SourceMoved extends Error {
  constructor(readonly sourceId: number, readonly stored: StoredPosition) {
    super(`source ${sourceId} was read to byte ${stored.offset} by another writer meanwhile`);
    this.name = 'SourceMoved';
  }
}

/**
 * Prepared statement that commits a source's read position with the batch it produced: call it
 * inside the batch transaction. The position moves only from where the batch began (optimistic
 * concurrency); otherwise it throws SourceMoved, which rolls the whole batch back.
 */
export function progressWriter(db: DB): (id: number, p: Progress) => void {
  const st = db.prepare(
    `UPDATE sources SET offset = ?, lines = ?, tail_hash = coalesce(?, tail_hash), events = events + ?, skips = skips + ?,
     rejects = rejects + ?, last_seen = ? WHERE id = ? AND offset = ?`,
  );
  const fingerprint = db.prepare('UPDATE sources SET fp_hash = ?, fp_len = ? WHERE id = ? AND fp_len < ?');
  const stored = db.prepare('SELECT offset, lines, tail_hash FROM sources WHERE id = ?');
  return (id, p) => {
    if (st.run(p.offset, p.lines, p.tailHash, p.events, p.skips, p.rejects, Date.now(), id, p.from).changes === 0) {
      const now = stored.get(id) as StoredPosition | undefined;
      if (!now) throw new Error(`source ${id} is no longer in the database`);
      throw new SourceMoved(id, now);
    }
    if (p.head && p.head.length > 0) fingerprint.run(sha256(p.head), p.head.length, id, p.head.length);
  };
}

/**
 * Whether a database error is another writer holding the lock (past the busy timeout): worth
 * waiting for, unlike a full disk or a broken file.
 */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Parse coverage of one run over one source (see schema/002). */
export function recordRun(
  db: DB,
  sourceId: number,
  started: number,
  t: { lines: number; events: number; skips: number; rejects: number; formats: Map<string, { events: number; rejects: number }> },
): void {
  db.prepare('INSERT INTO ingest_runs (source_id, started, finished, lines, events, skips, rejects, formats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    sourceId, started, Date.now(), t.lines, t.events, t.skips, t.rejects, JSON.stringify(Object.fromEntries(t.formats)),
  );
}

export interface SourceCoverage {
  id: number;
  name: string;
  last_seen: number;
  lines: number;
  events: number;
  skips: number;
  rejects: number;
  /** Events per line read, in the latest run and the one before it (null when there is none). */
  last_run: number | null;
  previous_run: number | null;
}

/** Every source with its overall and latest-run coverage, newest first. */
export function sourceCoverage(db: DB): SourceCoverage[] {
  return db
    .prepare(
      `SELECT s.id, s.name, s.last_seen, s.lines, s.events, s.skips, s.rejects,
         (SELECT 1.0 * r.events / r.lines FROM ingest_runs r WHERE r.source_id = s.id ORDER BY r.started DESC, r.id DESC LIMIT 1) AS last_run,
         (SELECT 1.0 * r.events / r.lines FROM ingest_runs r WHERE r.source_id = s.id ORDER BY r.started DESC, r.id DESC LIMIT 1 OFFSET 1) AS previous_run
       FROM sources s ORDER BY s.last_seen DESC, s.id DESC`,
    )
    .all() as SourceCoverage[];
}

/** Adds to a source's per-reason counts (`dropped: …`, `delayed: …`), in the caller's transaction if any. */
export function addReasonCounts(db: DB, sourceId: number, counts: Iterable<[string, number]>): void {
  const st = db.prepare('INSERT INTO reject_counts (source_id, reason, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count');
  for (const [reason, n] of counts) if (n > 0) st.run(sourceId, reason, n);
}

/** Per source, its counts whose reason starts with `prefix` (`dropped: `, `delayed: `), the prefix cut. */
export function reasonCounts(db: DB, prefix: string): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  const rows = db.prepare('SELECT source_id, reason, count FROM reject_counts WHERE substr(reason, 1, ?) = ? ORDER BY count DESC').all(prefix.length, prefix) as { source_id: number; reason: string; count: number }[];
  for (const r of rows) {
    let m = out.get(r.source_id);
    if (!m) out.set(r.source_id, (m = new Map()));
    m.set(r.reason.slice(prefix.length), r.count);
  }
  return out;
}
