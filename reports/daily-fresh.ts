/**
 * The parts of a daily report read again on every ask, even of a report kept in memory
 * (report-cache.ts): the alerts of the period (their state changes with triage) and the parse
 * coverage of the inputs that gave it events. Every query is parameterized.
 */
import { reasonText } from '../parsers/lib/reasons';
import { alertFacts } from '../src/contract/alert-view';
import type { DB } from '../src/store/db';
import { REJECT_SAMPLES, type AlertItem, type Coverage, type ReasonCount } from './daily-shape';

/** The alerts whose span meets the period, oldest first. */
export function alertsIn(db: DB, startUtc: number, endUtc: number, fmt: (ms: number) => string): AlertItem[] {
  const rows = db
    .prepare(
      `SELECT id, kind, host, port, proto, first, last, destinations, events, peak, threshold, window_s, evidence, level, status
       FROM alerts WHERE first < ? AND last >= ? ORDER BY first, id`,
    )
    .all(endUtc, startUtc) as {
    id: number; kind: string; host: string; port: number; proto: string; first: number; last: number; destinations: number; events: number; peak: number;
    threshold: number; window_s: number; evidence: string; level: number | null; status: string | null;
  }[];
  return rows.map(({ window_s, evidence: text, level, status, ...r }) => {
    const evidence = JSON.parse(text) as AlertItem['evidence'];
    return { ...r, ...alertFacts({ ...r, level, windowS: window_s, state: status, evidence }), first: fmt(r.first), last: fmt(r.last), windowS: window_s, evidence };
  });
}

/** Parse coverage of the inputs that contributed events to the period (their whole content). */
export function coverageOf(db: DB, ids: number[]): Coverage {
  const list = JSON.stringify(ids);
  const inSet = 'IN (SELECT value FROM json_each(?))';
  const tail = `WHERE source_id ${inSet} GROUP BY reason, detail ORDER BY count DESC, reason, detail`;
  const counts = (table: string): ReasonCount[] =>
    (db.prepare(`SELECT reason, detail, sum(count) AS count FROM ${table} ${tail}`).all(list) as Omit<ReasonCount, 'text'>[]).map((r) => ({
      reason: r.reason,
      detail: r.detail,
      text: reasonText(r.reason, r.detail),
      count: r.count,
    }));
  const samples = db
    .prepare(`SELECT s.name AS input, r.line, r.reason, r.detail, r.sample FROM rejects r JOIN sources s ON s.id = r.source_id WHERE r.source_id ${inSet} ORDER BY r.source_id, r.line LIMIT ?`)
    .all(list, REJECT_SAMPLES) as Omit<Coverage['rejectSamples'][number], 'text'>[];
  return {
    inputs: db.prepare(`SELECT id, name, lines, events, skips, rejects FROM sources WHERE id ${inSet} ORDER BY id`).all(list) as Coverage['inputs'],
    skipReasons: counts('skip_counts'),
    rejectReasons: counts('reject_counts'),
    rejectSamples: samples.map((x) => ({ input: x.input, line: x.line, reason: x.reason, detail: x.detail, text: reasonText(x.reason, x.detail), sample: x.sample })),
  };
}
