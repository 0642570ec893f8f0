/**
 * Triage of alerts from the dashboard's inbox: close (acknowledge) with a note, reopen, or add a
 * note. Every action is kept in `alert_notes` with who and when, so an inbox shows why an alert
 * was closed and by whom. The detectors never touch these columns.
 */
import type { DB } from './db';

export type TriageAction = 'close' | 'reopen' | 'note';
export const TRIAGE_ACTIONS: readonly TriageAction[] = ['close', 'reopen', 'note'];

/** Who asked: the name they gave (free text, shown escaped) and how the request was allowed. */
export interface Actor {
  by: string;
  via: string;
}

/** Longest note and name stored; a note is a sentence or two, not a document. */
export const MAX_NOTE = 2000;
export const MAX_NAME = 80;

export interface TriageResult {
  id: number;
  status: 'open' | 'closed';
  noteId: number;
}

/** Applies one action; throws a readable error for an unknown alert or an empty note. */
export function triageAlert(db: DB, id: number, action: TriageAction, actor: Actor, note?: string, now = Date.now()): TriageResult {
  if (!TRIAGE_ACTIONS.includes(action)) throw new Error(`unknown action "${action}": ${TRIAGE_ACTIONS.join(', ')}`);
  const text = note?.trim().slice(0, MAX_NOTE) || null;
  if (action === 'note' && !text) throw new Error('a note needs some text');
  const by = actor.by.trim().slice(0, MAX_NAME) || 'anonymous';
  return db.transaction(() => {
    const row = db.prepare('SELECT status FROM alerts WHERE id = ?').get(id) as { status: 'open' | 'closed' } | undefined;
    if (!row) throw new Error(`no alert ${id}`);
    let status = row.status;
    if (action === 'close') {
      db.prepare("UPDATE alerts SET status = 'closed', closed_at = ? WHERE id = ?").run(now, id);
      status = 'closed';
    } else if (action === 'reopen') {
      db.prepare("UPDATE alerts SET status = 'open' WHERE id = ?").run(id);
      status = 'open';
    }
    const info = db.prepare('INSERT INTO alert_notes (alert_id, at, action, by, via, note) VALUES (?, ?, ?, ?, ?, ?)').run(id, now, action, by, actor.via, text);
    return { id, status, noteId: Number(info.lastInsertRowid) };
  })();
}
