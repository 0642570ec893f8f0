/**
 * Every input read, with its parse coverage and the drift warning: a run whose share of lines
 * that became events fell by more than DRIFT_DROP from the run before (a firmware update that
 * changed the log format). One rule for `portledger sources`, the ingest summary and the
 * dashboard's Sources page.
 */
import type { DB } from '../src/store/db';
import { reasonCounts, sourceCoverage, type SourceCoverage } from '../src/store/sources';
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
  /** Messages lost before they could be read (syslog: refused, the kernel's UDP drops, the store behind), per reason. */
  dropped: Record<string, number>;
  /** Messages stored late because storing had to wait, per reason. */
  delayed: Record<string, number>;
  warning: string | null;
}

const n = (v: number) => v.toLocaleString('en-US');

/** `12,345 (not allowed 12,000; oversize 345)`, or '' when nothing was dropped. */
export function droppedText(m: Record<string, number>): string {
  const entries = Object.entries(m);
  if (entries.length === 0) return '';
  let total = 0;
  for (const [, v] of entries) total += v;
  return `${n(total)} (${entries.map(([r, v]) => `${r} ${n(v)}`).join('; ')})`;
}

/** Whether a source's latest run parsed a clearly smaller share of its lines than the run before. */
export function coverageDropped(s: Pick<SourceCoverage, 'last_run' | 'previous_run'>): boolean {
  return s.last_run !== null && s.previous_run !== null && s.last_run < s.previous_run - DRIFT_DROP;
}

export function sourceRows(db: DB): SourceRow[] {
  const tz = loadSettings(db).tz;
  const dropped = reasonCounts(db, 'dropped: ');
  const delayed = reasonCounts(db, 'delayed: ');
  return sourceCoverage(db).map((s) => {
    const waited = delayed.get(s.id) ?? new Map<string, number>();
    const warning = [
      coverageDropped(s) ? 'coverage dropped: format changed?' : '',
      ...[...waited].map(([r, v]) => `storing waited (${r}): ${n(v)} messages stored late`),
    ].filter(Boolean).join('; ');
    return {
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
    dropped: Object.fromEntries(dropped.get(s.id) ?? []),
    delayed: Object.fromEntries(waited),
    warning: warning || null,
    };
  });
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

/**
 * The sources among `ids` whose latest run (the one just made) dropped, in words for the ingest
 * summary: `kern.log: 12.0 % of lines became events, 97.5 % in the run before (format changed?)`.
 */
export function coverageDrops(db: DB, ids: Iterable<number>): string[] {
  const wanted = new Set(ids);
  return sourceCoverage(db)
    .filter((s) => wanted.has(s.id) && coverageDropped(s))
    .map((s) => `${s.name}: ${pct(s.last_run!)} of lines became events, ${pct(s.previous_run!)} in the run before (log format changed?)`);
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
