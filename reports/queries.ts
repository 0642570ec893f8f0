/**
 * Report queries. They read the rollups (`port_day`, `port_hour`) kept by the writers in the
 * database's zone, so a report over months stays instant. Days still waiting for their recount
 * (a writer settles them within seconds) and reports asked for in another zone are counted
 * from the events table instead: exact, but it reads every scan of those days. Reports only
 * read. Every query is parameterized; nothing from a log is ever spliced into SQL.
 */
import type { DB } from '../src/store/db';
import { countFromEvents, dirtyDays, PORT_NOT_LOGGED, reportPort } from '../src/store/rollups';
import { dayLabel, dayStartUtc, hourBucketer, hourLabel, lastPossibleDay } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { reportPeriod, type ReportPeriod } from './period';

export { alertsReport, type AlertRow, type AlertFilter } from './alerts';

/** `port` is null for TCP / UDP scans whose destination port the device did not log ("not logged"). */
export interface PortDayRow { date: string; port: number | null; proto: string; events: number; sources: number; targets: number }
export interface SourcesHourRow { hour: string; port: number | null; proto: string; sources: number }

/** `port: null` asks for the scans whose port was not logged. */
export interface PortFilter { port?: number | null; proto?: string }

/** The rollup port a filter asks for (undefined: any). */
function filterPort(f: PortFilter): number | undefined {
  return f.port === null ? PORT_NOT_LOGGED : f.port;
}

function rollupZone(db: DB): string {
  return loadSettings(db).tz;
}

/**
 * The latest day with scan data, as a day of `zone`: the rollups' latest day in the database
 * zone, or the day of `zone` that holds its end when the report is asked for in another zone.
 * Never a day in the future (lastPossibleDay): a row an older version stored from a stray stamp
 * must not move every report's window away from the real data.
 */
export function latestDayIn(db: DB, zone: string): number | undefined {
  const last = db
    .prepare('SELECT max(day) FROM (SELECT max(day) AS day FROM port_day WHERE day <= @last UNION ALL SELECT max(hour) / 24 FROM dirty_hour WHERE hour / 24 <= @last)')
    .pluck()
    .get({ last: lastPossibleDay() }) as number | null;
  const dbZone = rollupZone(db);
  if (last === null || zone === dbZone) return last ?? undefined;
  return Math.floor(hourBucketer(zone)(dayStartUtc(last + 1, dbZone) - 1) / 24);
}

/** The latest local day of `zone` with any event (the daily report covers every class), or with scan rollups. */
export function latestEventDay(db: DB, zone: string): number | undefined {
  // Never past the last possible day (lastPossibleDay), like latestDayIn.
  const ts = db.prepare('SELECT max(ts) FROM events WHERE ts < ?').pluck().get((lastPossibleDay() + 1) * 86_400_000) as number | null;
  // After a prune the events are gone and the scan rollups stay: they still say where data is.
  const scans = latestDayIn(db, zone);
  const events = ts === null ? undefined : Math.floor(hourBucketer(zone)(ts) / 24);
  if (events === undefined) return scans;
  return scans === undefined ? events : Math.max(events, scans);
}

export interface PortsListing {
  /** The days covered; undefined when nothing was asked and the database has no scans. */
  period?: ReportPeriod;
  rows: PortDayRow[];
}

/**
 * Per port, protocol and day: events, unique sources and unique targets of inbound scans, over
 * the days asked (reportPeriod: default the 7 days ending with the latest day with scans).
 */
export function portsListing(db: DB, opts: PortFilter & { from?: string; to?: string; tz?: string }): PortsListing {
  const zone = rollupZone(db);
  const period = reportPeriod(latestDayIn(db, opts.tz ?? zone), { from: opts.from, to: opts.to }, 7);
  if (!period) return { rows: [] };
  const { first, last } = period;
  if (opts.tz && opts.tz !== zone) return { period, rows: fromEvents(db, opts.tz, first, last, opts).days };
  const dirty = dirtyDays(db, first, last);
  const rows = (
    db
      .prepare(
        `SELECT day, port, proto, events, sources, targets FROM port_day
         WHERE day BETWEEN ? AND ? AND (? IS NULL OR port = ?) AND (? IS NULL OR proto = ?)`,
      )
      .all(first, last, filterPort(opts) ?? null, filterPort(opts) ?? null, opts.proto ?? null, opts.proto ?? null) as (Omit<PortDayRow, 'date' | 'port'> & { day: number; port: number })[]
  ).filter((r) => !dirty.has(r.day));
  const out: PortDayRow[] = rows.map(({ day, port, ...r }) => ({ date: dayLabel(day), port: reportPort(port), ...r }));
  for (const d of dirty) out.push(...fromEvents(db, zone, d, d, opts).days);
  out.sort((a, b) => a.date.localeCompare(b.date) || b.events - a.events || (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto));
  return { period, rows: out };
}

/** Per port, protocol and day: events, unique sources and unique targets of inbound scans. */
export function portsReport(db: DB, opts: PortFilter & { from?: string; to?: string; tz?: string }): PortDayRow[] {
  return portsListing(db, opts).rows;
}

/** Per port, protocol and local hour with scans: unique sources (hours without any left out). */
function scannedHours(db: DB, zone: string, first: number, last: number, opts: PortFilter & { tz?: string }): SourcesHourRow[] {
  if (opts.tz && opts.tz !== zone) return fromEvents(db, opts.tz, first, last, opts).hours;
  const dirty = dirtyDays(db, first, last);
  const rows = (
    db
      .prepare(
        `SELECT hour, port, proto, sources FROM port_hour
         WHERE hour BETWEEN ? AND ? AND (? IS NULL OR port = ?) AND (? IS NULL OR proto = ?)
         ORDER BY hour, sources DESC, port, proto`,
      )
      .all(first * 24, last * 24 + 23, filterPort(opts) ?? null, filterPort(opts) ?? null, opts.proto ?? null, opts.proto ?? null) as (Omit<SourcesHourRow, 'hour' | 'port'> & { hour: number; port: number })[]
  ).filter((r) => !dirty.has(Math.floor(r.hour / 24)));
  const out: SourcesHourRow[] = rows.map(({ hour, port, ...r }) => ({ hour: hourLabel(hour), port: reportPort(port), ...r }));
  for (const d of dirty) out.push(...fromEvents(db, zone, d, d, opts).hours);
  return out.sort((a, b) => a.hour.localeCompare(b.hour) || b.sources - a.sources || (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto));
}

/** Per port, protocol and local hour of one day (or `from`..`to`): unique sources, hours with scans only. */
export function sourcesPerHourReport(db: DB, opts: PortFilter & { date?: string; from?: string; to?: string; tz?: string }): SourcesHourRow[] {
  const zone = rollupZone(db);
  const period = reportPeriod(latestDayIn(db, opts.tz ?? zone), opts, 1);
  return period ? scannedHours(db, zone, period.first, period.last, opts) : [];
}


/** Both reports counted straight from the events, for a zone other than the database's. */
function fromEvents(db: DB, tz: string, firstDay: number, lastDay: number, f: PortFilter): { days: PortDayRow[]; hours: SourcesHourRow[] } {
  const want = filterPort(f);
  const agg = countFromEvents(db, tz, firstDay, lastDay, (port, proto) => (want === undefined || port === want) && (f.proto === undefined || proto === f.proto));
  const days = agg.dayNumbers().flatMap((d) => agg.dayCounts(d).sort((a, b) => b.events - a.events || a.port - b.port || a.proto.localeCompare(b.proto)));
  const hours = agg.hourNumbers().flatMap((h) => agg.hourCounts(h).sort((a, b) => b.sources - a.sources || a.port - b.port || a.proto.localeCompare(b.proto)));
  return {
    days: days.map(({ day, port, ...r }) => ({ date: dayLabel(day), port: reportPort(port), ...r })),
    hours: hours.map((r) => ({ hour: hourLabel(r.hour), port: reportPort(r.port), proto: r.proto, sources: r.sources })),
  };
}
