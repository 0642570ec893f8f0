/**
 * Daily reports kept in memory by the dashboard: the report of a day reads every event of it
 * (and, for its worst sources, the history before it), seconds on a busy database, yet for a
 * finished day it only changes when the store's past does (past-watch.ts). A kept report is
 * given with its alerts and input coverage read again (they change without the day's events);
 * anything else about the past having changed, it is built again.
 */
import type { DB } from '../src/store/db';
import { dayNumber, dayStartUtc } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { buildReportParts, refreshReport, type PastParts } from './daily-data';
import { addPeriodRows, type PeriodPass } from './period-pass';
import type { DailyReport } from './daily-shape';
import { appendedSince, markPast, recountPending, storeStamp, unchangedSince, type PastMark } from './past-watch';

/** Reports kept (each holds every port and source list of its day: a few megabytes). */
const KEEP = 4;

/**
 * `texts`: renderings of it, each with the alerts and coverage it was rendered with. `counted`:
 * the pass over its day's events, with the store's stamp and the highest id it has read.
 */
interface Kept {
  report: DailyReport;
  inputs: number[];
  mark: PastMark;
  hourLimit: number;
  texts: Map<string, { digest: string; text: string }>;
  /** Kept for the latest day only (the one events are still added to): a pass holds every source of its day, tens of megabytes. */
  counted?: { pass: PeriodPass; stamp: string; seenId: number; past?: { parts: PastParts; mark: PastMark; hourLimit: number } };
}

export class DailyReportCache {
  private readonly kept = new Map<string, Kept>();
  /** Reports built (tests and figures). */
  builds = 0;
  /** Reports whose day's events were read whole (the others added the rows stored since to a kept count). */
  fullReads = 0;

  constructor(private readonly db: DB) {}

  /** The daily report of `date` (YYYY-MM-DD) in the database's zone, or `tz`. */
  get(date: string, tz?: string): DailyReport {
    const zone = tz ?? loadSettings(this.db).tz;
    const k = `${date} ${zone}`;
    const kept = this.kept.get(k);
    if (kept && unchangedSince(this.db, kept.mark, kept.hourLimit)) {
      this.kept.delete(k);
      this.kept.set(k, kept);
      return refreshReport(this.db, kept.report, kept.inputs);
    }
    this.kept.delete(k);
    const day = dayNumber(date);
    // What the report reads: the events of its local day and before (its worst sources' last
    // visit), and the rollups of the days up to its day number, which are local days of the
    // database's zone (`tz` may be another).
    const hourLimit = this.hourLimit(date);
    const until = Math.max(dayStartUtc(day + 1, zone), dayStartUtc(day + 1, loadSettings(this.db).tz));
    // One snapshot: the mark and the report see the same store.
    const built = this.db.transaction(() => {
      const mark = markPast(this.db, until, hourLimit);
      const stamp = storeStamp(this.db);
      const seenId = (this.db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0;
      // Only rows added since the day's events were counted (the live day, a late line): those
      // rows are added to the count; the rest of the report (rollups, history) is read again.
      let pass: PeriodPass | undefined;
      let past = kept?.counted?.past;
      const top = kept?.counted ? appendedSince(this.db, kept.counted) : null;
      if (kept?.counted && top !== null) {
        pass = kept.counted.pass;
        // `+ts`: the new rows by rowid, never the time index.
        addPeriodRows(this.db, pass, 'id > @seen AND id <= @top AND +ts >= @from AND +ts < @to', { seen: kept.counted.seenId, top });
      } else this.fullReads++;
      // What it reads of the days before (baselines, ports seen before, last visits): kept while
      // nothing before the day changed — the events before its start, their rollups, the stamp.
      const pastHours = day * 24 - 1;
      if (past && !unchangedSince(this.db, past.mark, pastHours)) past = undefined;
      if (!past) {
        const pastMark = markPast(this.db, Math.max(dayStartUtc(day, zone), dayStartUtc(day, loadSettings(this.db).tz)), pastHours);
        past = pastMark ? { parts: {}, mark: pastMark, hourLimit: pastHours } : undefined;
      }
      return { mark, stamp, seenId, past, ...buildReportParts(this.db, date, date, { tz: zone }, pass, past?.parts) };
    })();
    this.builds++;
    if (built.mark) {
      const latest = this.db.prepare('SELECT max(day) FROM port_day').pluck().get() as number | null;
      const counted = latest === null || day >= latest ? { pass: built.pass, stamp: built.stamp, seenId: built.seenId, past: built.past } : undefined;
      this.kept.set(k, { report: built.report, inputs: built.inputs, mark: built.mark, hourLimit, texts: new Map(), counted });
      while (this.kept.size > KEEP) this.kept.delete(this.kept.keys().next().value!);
    }
    return built.report;
  }

  private hourLimit(date: string): number {
    return dayNumber(date) * 24 + 23;
  }

  /**
   * Builds the report of `date` unless it is kept and still right, or kept and only behind by
   * rows added since (brought up to date when asked); true when it built.
   */
  keepAhead(date: string): boolean {
    const kept = this.kept.get(`${date} ${loadSettings(this.db).tz}`);
    if (kept && unchangedSince(this.db, kept.mark, kept.hourLimit)) return false;
    // Only rows added since (the live day): cheap when asked, not rebuilt every few seconds meanwhile.
    if (kept?.counted && appendedSince(this.db, kept.counted) !== null) return false;
    // While a recount is pending it could not be kept: built when asked for only.
    if (recountPending(this.db, this.hourLimit(date))) return false;
    const reads = this.fullReads;
    this.get(date);
    return this.fullReads > reads;
  }

  /**
   * The report of `date` rendered by `render` (`key` names the rendering): the text of a kept
   * report is kept too, and rendered again when its alerts or coverage read differently.
   */
  rendered(date: string, key: string, render: (r: DailyReport) => string): string {
    const r = this.get(date);
    const kept = this.kept.get(`${date} ${r.period.tz}`);
    if (!kept) return render(r);
    const digest = JSON.stringify([r.totals, r.alerts, r.coverage]);
    const t = kept.texts.get(key);
    if (t?.digest === digest) return t.text;
    const text = render(r);
    kept.texts.set(key, { digest, text });
    return text;
  }
}
