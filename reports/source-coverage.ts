/**
 * Every input read, with its parse coverage and the drift warning: a run whose share of lines
 * that became events fell by more than DRIFT_DROP from the run before (a firmware update that
 * changed the log format). One rule for `portledger sources` and the dashboard's Sources page.
 */
import type { DB } from '../src/store/db';
import { sourceCoverage } from '../src/store/sources';
import { loadSettings } from '../src/store/settings';
import { formatInstant } from './time';

/** A fall of this share of lines (0.1 = ten points) from one run to the next is a warning. */
export const DRIFT_DROP = 0.1;

export interface SourceRow {
  id: number;
  name: string;
  lastRead: string;
  lines: number;
  events: number;
  skips: number;
  rejects: number;
  /** Events per line read: overall, in the latest run and in the run before (null when none). */
  coverage: number | null;
  lastRun: number | null;
  previousRun: number | null;
  warning: string | null;
}

export function sourceRows(db: DB): SourceRow[] {
  const tz = loadSettings(db).tz;
  return sourceCoverage(db).map((s) => ({
    id: s.id,
    name: s.name,
    lastRead: formatInstant(s.last_seen, tz),
    lines: s.lines,
    events: s.events,
    skips: s.skips,
    rejects: s.rejects,
    coverage: s.lines ? s.events / s.lines : null,
    lastRun: s.last_run,
    previousRun: s.previous_run,
    warning: s.last_run !== null && s.previous_run !== null && s.last_run < s.previous_run - DRIFT_DROP ? 'coverage dropped: format changed?' : null,
  }));
}

export interface RejectSample { line: number; reason: string; sample: string }

/** Why one input's lines were rejected or skipped, with the kept samples of rejected lines. */
export function sourceDetail(db: DB, id: number, limit = 50): { rejects: { reason: string; count: number }[]; skips: { reason: string; count: number }[]; samples: RejectSample[] } {
  return {
    rejects: db.prepare('SELECT reason, count FROM reject_counts WHERE source_id = ? ORDER BY count DESC, reason').all(id) as { reason: string; count: number }[],
    skips: db.prepare('SELECT reason, count FROM skip_counts WHERE source_id = ? ORDER BY count DESC, reason').all(id) as { reason: string; count: number }[],
    samples: db.prepare('SELECT line, reason, sample FROM rejects WHERE source_id = ? ORDER BY line LIMIT ?').all(id, limit) as RejectSample[],
  };
}
