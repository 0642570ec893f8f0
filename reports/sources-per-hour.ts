/**
 * The hourly table of `report sources-per-hour`: every hour of every day asked, with the
 * all-ports line (distinct sources over every port and protocol, from the hour_sources rollup)
 * and each port's line (port_hour). Days the rollups cannot answer — waiting for a recount,
 * asked in another zone, counted by a version before hour_sources — are counted from their
 * events, once per day.
 */
import type { DB } from '../src/store/db';
import { countFromEvents, dirtyDays, PORT_NOT_LOGGED, reportPort } from '../src/store/rollups';
import { hourBucketer, hourLabel } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { prunedBefore } from '../src/store/prune';
import { latestDayIn, type PortFilter } from './queries';
import { reportPeriod, type ReportPeriod } from './period';

/** A row of the hourly table: `port` and `proto` null on the all-ports line (`port` alone null: not logged); `sources` null where it cannot be known. */
export interface HourlyRow { hour: string; port: number | null; proto: string | null; sources: number | null }

export interface HourlyListing {
  period?: ReportPeriod;
  rows: HourlyRow[];
  /** Whether the all-ports line is included (not with --port or --proto). */
  allPorts: boolean;
}

/** One day of the hourly table: each port's sources that day and per hour, and the all-ports line. */
interface HourlyDay {
  ports: { port: number; proto: string; sources: number }[];
  /** `port/proto` → sources in each of the 24 hours. */
  hours: Map<string, number[]>;
  /** Sources over every port in each hour; undefined when it cannot be known (pruned before hour_sources existed). */
  all?: number[];
}

const portKey = (port: number, proto: string) => `${port}/${proto}`;
const newDay = (): HourlyDay => ({ ports: [], hours: new Map(), all: new Array<number>(24).fill(0) });

function hoursOf(day: HourlyDay, port: number, proto: string): number[] {
  const k = portKey(port, proto);
  let h = day.hours.get(k);
  if (!h) day.hours.set(k, (h = new Array<number>(24).fill(0)));
  return h;
}

/** A day counted from its events (waiting for a recount, another zone, or counted before hour_sources existed). */
function dayFromEvents(db: DB, tz: string, d: number, f: PortFilter): HourlyDay {
  const agg = countFromEvents(db, tz, d, d);
  const day = newDay();
  const want = (port: number, proto: string) => (f.port === undefined || port === f.port) && (f.proto === undefined || proto === f.proto);
  day.ports = agg.dayCounts(d).filter((r) => want(r.port, r.proto)).map((r) => ({ port: r.port, proto: r.proto, sources: r.sources }));
  for (let i = 0; i < 24; i++) {
    const h = d * 24 + i;
    day.all![i] = agg.allPortsCount(h)?.sources ?? 0;
    for (const r of agg.hourCounts(h)) if (want(r.port, r.proto)) hoursOf(day, r.port, r.proto)[i] = r.sources;
  }
  return day;
}

/** The days of `first..last` from the rollups, and from the events where the rollups cannot say. */
function hourlyDays(db: DB, zone: string, tz: string, first: number, last: number, f: PortFilter, allPorts: boolean): Map<number, HourlyDay> {
  const days = new Map<number, HourlyDay>();
  const span = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  if (tz !== zone) {
    for (const d of span) days.set(d, dayFromEvents(db, tz, d, f));
    return days;
  }
  const dirty = dirtyDays(db, first, last);
  const filter = [f.port ?? null, f.port ?? null, f.proto ?? null, f.proto ?? null];
  const day = (d: number) => days.get(d) ?? (days.set(d, newDay()), days.get(d)!);
  const portDays = db
    .prepare('SELECT day, port, proto, sources FROM port_day WHERE day BETWEEN ? AND ? AND (? IS NULL OR port = ?) AND (? IS NULL OR proto = ?)')
    .all(first, last, ...filter) as { day: number; port: number; proto: string; sources: number }[];
  for (const r of portDays) if (!dirty.has(r.day)) day(r.day).ports.push({ port: r.port, proto: r.proto, sources: r.sources });
  const portHours = db
    .prepare('SELECT hour, port, proto, sources FROM port_hour WHERE hour BETWEEN ? AND ? AND (? IS NULL OR port = ?) AND (? IS NULL OR proto = ?)')
    .all(first * 24, last * 24 + 23, ...filter) as { hour: number; port: number; proto: string; sources: number }[];
  for (const r of portHours) {
    const d = Math.floor(r.hour / 24);
    if (!dirty.has(d)) hoursOf(day(d), r.port, r.proto)[r.hour - d * 24] = r.sources;
  }
  const allHours = db.prepare('SELECT hour, sources FROM hour_sources WHERE hour BETWEEN ? AND ?').all(first * 24, last * 24 + 23) as { hour: number; sources: number }[];
  const counted = new Set<number>();
  for (const r of allHours) {
    const d = Math.floor(r.hour / 24);
    counted.add(d);
    if (!dirty.has(d)) day(d).all![r.hour - d * 24] = r.sources;
  }
  for (const d of dirty) days.set(d, dayFromEvents(db, zone, d, f));
  if (!allPorts) return days;
  // Days counted before hour_sources existed: from their events, unless a prune took those.
  const scanned = new Set(db.prepare('SELECT DISTINCT day FROM port_day WHERE day BETWEEN ? AND ?').pluck().all(first, last) as number[]);
  const pruned = prunedBefore(db);
  const firstKept = pruned === undefined ? -Infinity : Math.floor(hourBucketer(zone)(pruned) / 24);
  for (const d of span) {
    if (dirty.has(d) || !scanned.has(d) || counted.has(d)) continue;
    if (d >= firstKept) days.set(d, dayFromEvents(db, zone, d, f));
    else day(d).all = undefined;
  }
  return days;
}

/**
 * The hourly table of `report sources-per-hour`: for every day of the period, all 24 local
 * hours (0 where no source came) of the all-ports line (every port and protocol, each source
 * once; without a port or protocol filter) and of each port scanned that day (with a port
 * filter: of that port on every day of the period), busiest port first.
 */
export function sourcesPerHourListing(db: DB, opts: PortFilter & { date?: string; from?: string; to?: string; tz?: string }): HourlyListing {
  const zone = loadSettings(db).tz;
  const tz = opts.tz ?? zone;
  const allPorts = opts.port === undefined && opts.proto === undefined;
  const period = reportPeriod(latestDayIn(db, tz), opts, 1);
  if (!period) return { rows: [], allPorts };
  const { first, last } = period;
  // Inside, ports are the rollups' (PORT_NOT_LOGGED for a TCP / UDP port the device did not log); rows say null.
  const filter: PortFilter = { port: opts.port === null ? PORT_NOT_LOGGED : opts.port, proto: opts.proto };
  const days = hourlyDays(db, zone, tz, first, last, filter, allPorts);
  if (![...days.values()].some((d) => d.ports.length > 0)) return { period, rows: [], allPorts };
  type Pair = { port: number; proto: string; sources: number };
  const busiest = (a: Pair, b: Pair) => b.sources - a.sources || a.port - b.port || a.proto.localeCompare(b.proto);
  let fixed: Pair[] | undefined;
  if (opts.port !== undefined) {
    const total = new Map<string, Pair>();
    for (const d of days.values()) {
      for (const p of d.ports) {
        const t = total.get(portKey(p.port, p.proto)) ?? { port: p.port, proto: p.proto, sources: 0 };
        t.sources += p.sources;
        total.set(portKey(p.port, p.proto), t);
      }
    }
    fixed = [...total.values()].sort(busiest);
  }
  const rows: HourlyRow[] = [];
  const none = newDay();
  for (let d = first; d <= last; d++) {
    const day = days.get(d) ?? none;
    const labels = Array.from({ length: 24 }, (_, i) => hourLabel(d * 24 + i));
    if (allPorts) for (let i = 0; i < 24; i++) rows.push({ hour: labels[i], port: null, proto: null, sources: day.all ? day.all[i] : null });
    for (const p of fixed ?? [...day.ports].sort(busiest)) {
      const hours = day.hours.get(portKey(p.port, p.proto));
      for (let i = 0; i < 24; i++) rows.push({ hour: labels[i], port: reportPort(p.port), proto: p.proto, sources: hours ? hours[i] : 0 });
    }
  }
  return { period, rows, allPorts };
}
