/**
 * The sessions a source has open (src/pipeline/sessions.ts), kept in `session_keys` so that an
 * ingest or watch restarted between a session's start record and its end record still counts
 * the session once. Written in the batch's own transaction, like its read position: what is
 * stored is exactly what the records before that position left open.
 */
import type { DB } from './db';
import { Codes } from './codes';

/** A session whose first record was stored and whose end has not been read. */
export interface OpenSession {
  key: string;
  /** Time and line of the first record: with the source they find its events row. */
  ts: number;
  line: number;
  action: string;
}

/** What a batch changed in a source's open sessions. */
export interface SessionDelta {
  /** Sessions opened (or changed) and still open at the end of the batch. */
  opened: OpenSession[];
  /** Keys stored earlier that the batch closed, expired or evicted. */
  closed: string[];
  /** Event rows whose action a later record of their session changed (an end record's deny). */
  actions: { ts: number; line: number; action: string }[];
  /** Sessions forgotten without their end: past their lifetime, or at the size bound. */
  expired: number;
  evicted: number;
}

export function loadOpenSessions(db: DB, sourceId: number): OpenSession[] {
  return db.prepare('SELECT key, ts, line, action FROM session_keys WHERE source_id = ? ORDER BY ts').all(sourceId) as OpenSession[];
}

/** Writes batches' session changes; call `apply` inside the batch transaction, after its events. */
export class SessionWriter {
  private readonly put;
  private readonly del;
  private readonly setAction;
  private readonly codes: Codes;

  constructor(db: DB) {
    this.put = db.prepare('INSERT OR REPLACE INTO session_keys (source_id, key, ts, line, action) VALUES (?, ?, ?, ?, ?)');
    this.del = db.prepare('DELETE FROM session_keys WHERE source_id = ? AND key = ?');
    // ts first: the events_ts index finds the row.
    this.setAction = db.prepare('UPDATE events SET action = ? WHERE ts = ? AND source_id = ? AND line = ?');
    this.codes = new Codes(db);
  }

  apply(sourceId: number, d: SessionDelta): void {
    for (const key of d.closed) this.del.run(sourceId, key);
    for (const s of d.opened) this.put.run(sourceId, s.key, s.ts, s.line, s.action);
    for (const a of d.actions) this.setAction.run(this.codes.code('action', a.action), a.ts, sourceId, a.line);
  }
}

/**
 * Forgets the open sessions of sources not read for `idleMs` (a rotated-away file is never read
 * again): their sessions would have expired by then anyway.
 */
export function forgetIdleSessions(db: DB, now: number, idleMs: number): number {
  return db.prepare('DELETE FROM session_keys WHERE source_id IN (SELECT id FROM sources WHERE last_seen < ?)').run(now - idleMs).changes;
}
