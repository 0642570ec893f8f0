import type { DB } from './db';

/** A detector's saved memory (JSON in its own versioned format), or undefined. */
export function loadDetectorState(db: DB, detector: string): string | undefined {
  const row = db.prepare('SELECT state FROM detector_state WHERE detector = ?').get(detector) as { state: string } | undefined;
  return row?.state;
}

export function saveDetectorState(db: DB, detector: string, state: string): void {
  db.prepare('INSERT OR REPLACE INTO detector_state (detector, state, saved) VALUES (?, ?, ?)').run(detector, state, Date.now());
}
