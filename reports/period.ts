/**
 * Which days a report covers, the same way for every report: the days asked for, else the
 * latest day (or the `span` days ending with it) that has data; and the words that say so. A
 * report says which period it chose when the user did not choose it, and an empty period says
 * where the data is.
 */
import { dayLabel, dayNumber } from '../src/store/rollups/buckets';

export interface ReportPeriod {
  /** Local day numbers (rollups/buckets.ts), first ≤ last. */
  first: number;
  last: number;
  from: string;
  to: string;
  /** True when the user gave no day: the report picked the latest data. */
  defaulted: boolean;
  /** The latest day with data, null when the database has none. */
  latest: string | null;
  /** What kind of data `latest` is about, for the messages (`inbound scans`, `events`). */
  data: string;
}

export interface PeriodAsk {
  /** `--date`: one day. */
  date?: string;
  from?: string;
  to?: string;
}

/**
 * The days a report covers. `--date` is one day; `--from`/`--to` a range (either alone: `--to`
 * defaults to the latest day with data, never before `--from`; `--from` to the `span` days
 * ending with `--to`); nothing: the `span` days ending with the latest day with data. Undefined
 * when nothing was asked and the database has no data.
 */
export function reportPeriod(latest: number | undefined, ask: PeriodAsk, span: number, data = 'inbound scans'): ReportPeriod | undefined {
  if (ask.date !== undefined && (ask.from !== undefined || ask.to !== undefined)) throw new Error('--date is one day: give either --date or --from/--to');
  const latestLabel = latest === undefined ? null : dayLabel(latest);
  let first: number;
  let last: number;
  if (ask.date !== undefined) {
    first = last = dayNumber(ask.date);
  } else if (ask.from !== undefined || ask.to !== undefined) {
    if (ask.to !== undefined) last = dayNumber(ask.to);
    else {
      const from = dayNumber(ask.from!);
      last = latest !== undefined && latest >= from ? latest : from + span - 1;
    }
    first = ask.from !== undefined ? dayNumber(ask.from) : last - span + 1;
    if (first > last) throw new Error('--from is after --to');
  } else {
    if (latest === undefined) return undefined;
    first = latest - span + 1;
    last = latest;
  }
  return { first, last, from: dayLabel(first), to: dayLabel(last), defaulted: ask.date === undefined && ask.from === undefined && ask.to === undefined, latest: latestLabel, data };
}

/** `2024-06-14` or `2024-06-08 to 2024-06-14`. */
export function periodText(p: ReportPeriod): string {
  return p.first === p.last ? p.from : `${p.from} to ${p.to}`;
}

/** What a report says when it chose the period itself (null when the user chose it). */
export function periodNote(p: ReportPeriod, how: string): string | null {
  if (!p.defaulted) return null;
  const days = p.last - p.first + 1;
  const what = days === 1 ? `the latest day with ${p.data}` : `the ${days} days ending with the latest day with ${p.data}`;
  return `${periodText(p)}: ${what} (${how} to choose)`;
}

/** What an empty report says: the period it looked at and where the data is. */
export function emptyNote(p: ReportPeriod | undefined, data = p?.data ?? 'inbound scans'): string {
  if (!p) return `no ${data} in this database yet`;
  const where = p.first === p.last ? `on ${p.from}` : `between ${p.from} and ${p.to}`;
  return `no ${data} ${where}; ${p.latest ? `latest data: ${p.latest}` : `the database has no ${data} yet`}`;
}
