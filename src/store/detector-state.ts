import type { DB } from './db';

/**
 * Characters per stored part of a state. Each part is bound on its own, so only this much is
 * copied outside the JS heap at a time (the driver's UTF-8 copy and SQLite's); the scan
 * detector's state is ~16 MB after a million lines (schema/016).
 */
export const PART_CHARS = 1 << 20;

/** A detector's saved memory (JSON in its own versioned format), or undefined. */
export function loadDetectorState(db: DB, detector: string): string | undefined {
  const row = db.prepare('SELECT state FROM detector_state WHERE detector = ?').get(detector) as { state: string } | undefined;
  if (!row) return undefined;
  const rest = db.prepare('SELECT text FROM detector_state_parts WHERE detector = ? ORDER BY part').pluck().all(detector) as string[];
  return rest.length === 0 ? row.state : row.state + rest.join('');
}

export function saveDetectorState(db: DB, detector: string, state: string, partChars = PART_CHARS): void {
  const parts = split(state, partChars);
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO detector_state (detector, state, saved) VALUES (?, ?, ?)').run(detector, parts[0], Date.now());
    db.prepare('DELETE FROM detector_state_parts WHERE detector = ?').run(detector);
    const add = db.prepare('INSERT INTO detector_state_parts (detector, part, text) VALUES (?, ?, ?)');
    for (let i = 1; i < parts.length; i++) add.run(detector, i, parts[i]);
  })();
}

/** `text` in pieces of about `size` characters, never between the two halves of a surrogate pair (each piece is stored as UTF-8). */
function split(text: string, size: number): string[] {
  const parts: string[] = [];
  let at = 0;
  do {
    let end = Math.min(text.length, at + Math.max(2, size));
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(at, end));
    at = end;
  } while (at < text.length);
  return parts;
}
