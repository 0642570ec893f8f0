/**
 * The dashboard's Overview of one local day (the latest day with data by default): totals, the
 * per-port table with trend and spike flags against the trailing days, unique sources per hour
 * and a port × hour heat map. Everything comes from the rollups by key (day, then port): the
 * busiest day of a 10-million-event database has 15,000 port rows, so only the rows shown and
 * the spike candidates are looked at, never a scan of the whole `port_day` table. A day still
 * waiting for its recount is counted from its events, like every report.
 */
import type { DB } from '../src/store/db';
import { countFromEvents, dirtyDays } from '../src/store/rollups';
import { dayLabel, dayNumber } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { BASELINE_DAYS, SPIKE_MIN_EVENTS, isSpike } from './daily-shape';
import { portName } from './port-info';
import type { DayTotals, DayTotalsCache } from './day-totals';

export type Trend = 'none' | 'new' | 'up' | 'down' | 'flat';

/**
 * `baseline`: scans per day over the days with data among the BASELINE_DAYS before (null when
 * there are none: the first day of a database has no trend and no spike, never "×∞");
 * `ratio`: events / baseline, null when the baseline is null or 0 (`trend` is then `none` or `new`).
 */
export interface PortRow {
  port: number; proto: string; name: string | null; events: number; sources: number; targets: number;
  baseline: number | null; ratio: number | null; trend: Trend; spike: boolean;
}

export const PORT_SORTS = ['events', 'sources', 'targets'] as const;
export type PortSort = (typeof PORT_SORTS)[number];

export interface Overview {
  zone: string;
  /** The day shown, and the latest day with data (null for an empty database). */
  date: string | null;
  latest: string | null;
  /** Days with data among the BASELINE_DAYS before `date`: what baselines average over. */
  baselineDays: number;
  totals: (Omit<DayTotals, 'hourSources' | 'hourScans' | 'day'> & { ports: number }) | null;
  ports: { total: number; offset: number; limit: number; sort: PortSort; rows: PortRow[] };
  /** Every port of the day flagged as a spike (not only those on the page). */
  spikes: PortRow[];
  hours: { labels: string[]; sources: number[]; scans: number[] };
  /** The busiest ports (rows) × local hours: scans per cell, as [hour, row, value]. */
  heat: { ports: { port: number; proto: string; name: string | null }[]; labels: string[]; cells: [number, number, number][]; max: number };
}

export interface OverviewOptions {
  date?: string;
  sort?: PortSort;
  limit?: number;
  offset?: number;
  /** Rows of the heat map. */
  heatPorts?: number;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Latest local day with scans: the rollups, or hours still waiting for their recount. */
export function latestDay(db: DB): number | null {
  return db.prepare('SELECT max(day) FROM (SELECT max(day) AS day FROM port_day UNION ALL SELECT max(hour) / 24 FROM dirty_hour)').pluck().get() as number | null;
}

interface DayRow { port: number; proto: string; events: number; sources: number; targets: number }

/** The day's port rows and per-hour port counts: rollup queries, or one count from the events for a dirty day. */
interface DayPorts {
  total: number;
  page(sort: PortSort, limit: number, offset: number): DayRow[];
  atLeast(events: number): DayRow[];
  hours(ports: { port: number; proto: string }[]): { hour: number; port: number; proto: string; events: number }[];
}

function rollupDay(db: DB, day: number): DayPorts {
  const cols = 'port, proto, events, sources, targets';
  return {
    total: db.prepare('SELECT count(*) FROM port_day WHERE day = ?').pluck().get(day) as number,
    // The sort column comes from the fixed list PORT_SORTS, never from the request as text.
    page: (sort, limit, offset) => db.prepare(`SELECT ${cols} FROM port_day WHERE day = ? ORDER BY ${sort} DESC, port, proto LIMIT ? OFFSET ?`).all(day, limit, offset) as DayRow[],
    atLeast: (events) => db.prepare(`SELECT ${cols} FROM port_day WHERE day = ? AND events >= ?`).all(day, events) as DayRow[],
    // Point lookups (hour, port, proto): a range of hours with a port filter would read every
    // port of every hour (17,000 rows on a busy day) for each port of the map.
    hours: (ports) =>
      db
        .prepare(
          `SELECT h.hour, h.port, h.proto, h.events FROM json_each(?) p CROSS JOIN json_each(?) hh
           JOIN port_hour h ON h.hour = hh.value AND h.port = p.value->>0 AND h.proto = p.value->>1`,
        )
        .all(JSON.stringify(ports.map((p) => [p.port, p.proto])), JSON.stringify(Array.from({ length: 24 }, (_, i) => day * 24 + i))) as { hour: number; port: number; proto: string; events: number }[],
  };
}

function eventsDay(db: DB, tz: string, day: number): DayPorts {
  const agg = countFromEvents(db, tz, day, day);
  const rows = agg.dayCounts(day).map(({ day: _d, ...r }) => r);
  const order = (sort: PortSort) => [...rows].sort((a, b) => b[sort] - a[sort] || a.port - b.port || a.proto.localeCompare(b.proto));
  return {
    total: rows.length,
    page: (sort, limit, offset) => order(sort).slice(offset, offset + limit),
    atLeast: (events) => rows.filter((r) => r.events >= events),
    hours: (ports) => {
      const want = new Set(ports.map((p) => `${p.port}/${p.proto}`));
      return agg.hourNumbers().flatMap((h) => agg.hourCounts(h).filter((c) => want.has(`${c.port}/${c.proto}`)).map((c) => ({ hour: c.hour, port: c.port, proto: c.proto, events: c.events })));
    },
  };
}

/** Scans per day of each port over the baseline days, by key lookups (day, port, proto). */
function baselines(db: DB, day: number, rows: DayRow[]): { days: number; sums: Map<string, number> } {
  const window = JSON.stringify(Array.from({ length: BASELINE_DAYS }, (_, i) => day - BASELINE_DAYS + i));
  const days = db.prepare('SELECT count(*) FROM json_each(?) d WHERE EXISTS (SELECT 1 FROM port_day WHERE day = d.value)').pluck().get(window) as number;
  const sums = new Map<string, number>();
  if (!rows.length || !days) return { days, sums };
  // Each (port, proto) once: a port both on the page and among the spike candidates would be summed twice.
  const keys = [...new Map(rows.map((r) => [`${r.port}/${r.proto}`, [r.port, r.proto]])).values()];
  const found = db
    .prepare(
      `SELECT p.value->>0 AS port, p.value->>1 AS proto, sum(r.events) AS events FROM json_each(?) p CROSS JOIN json_each(?) d
       JOIN port_day r ON r.day = d.value AND r.port = p.value->>0 AND r.proto = p.value->>1 GROUP BY 1, 2`,
    )
    .all(JSON.stringify(keys), window) as { port: number; proto: string; events: number }[];
  for (const f of found) sums.set(`${f.port}/${f.proto}`, f.events);
  return { days, sums };
}

function withTrend(r: DayRow, baseDays: number, sums: Map<string, number>): PortRow {
  const baseline = baseDays ? round((sums.get(`${r.port}/${r.proto}`) ?? 0) / baseDays) : null;
  const ratio = baseline ? round(r.events / baseline) : null;
  const trend: Trend = baseline === null ? 'none' : ratio === null ? 'new' : ratio > 1.05 ? 'up' : ratio < 0.95 ? 'down' : 'flat';
  return { ...r, name: portName(r.port, r.proto) ?? null, baseline, ratio, trend, spike: isSpike(r.events, baseline) };
}

export function overview(db: DB, totals: DayTotalsCache, opts: OverviewOptions = {}): Overview {
  const zone = loadSettings(db).tz;
  const latest = latestDay(db);
  const day = opts.date ? dayNumber(opts.date) : latest;
  const sort = opts.sort ?? 'events';
  if (!PORT_SORTS.includes(sort)) throw new Error(`sort must be one of ${PORT_SORTS.join(', ')}`);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
  const offset = Math.max(opts.offset ?? 0, 0);
  const labels = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const empty: Overview = {
    zone, date: day === null ? null : dayLabel(day), latest: latest === null ? null : dayLabel(latest), baselineDays: 0, totals: null,
    ports: { total: 0, offset, limit, sort, rows: [] }, spikes: [], hours: { labels, sources: [], scans: [] }, heat: { ports: [], labels, cells: [], max: 0 },
  };
  if (day === null) return empty;

  const dp = dirtyDays(db, day, day).size ? eventsDay(db, zone, day) : rollupDay(db, day);
  const page = dp.page(sort, limit, offset);
  const candidates = dp.atLeast(SPIKE_MIN_EVENTS);
  const base = baselines(db, day, [...page, ...candidates]);
  const rows = page.map((r) => withTrend(r, base.days, base.sums));
  const spikes = candidates.map((r) => withTrend(r, base.days, base.sums)).filter((r) => r.spike).sort((a, b) => b.events - a.events);

  const t = totals.get(day);
  // The heat map: the busiest ports of the day, whatever the table's sort and page.
  const busiest = sort === 'events' && offset === 0 && page.length >= (opts.heatPorts ?? 12) ? page.slice(0, opts.heatPorts ?? 12) : dp.page('events', opts.heatPorts ?? 12, 0);
  const index = new Map(busiest.map((p, i) => [`${p.port}/${p.proto}`, i]));
  const cells: [number, number, number][] = [];
  let max = 0;
  for (const c of dp.hours(busiest)) {
    const row = index.get(`${c.port}/${c.proto}`);
    if (row === undefined) continue;
    cells.push([c.hour - day * 24, row, c.events]);
    if (c.events > max) max = c.events;
  }
  const { hourSources, hourScans, day: _d, ...rest } = t;
  return {
    ...empty,
    baselineDays: base.days,
    totals: { ...rest, ports: dp.total },
    ports: { total: dp.total, offset, limit, sort, rows },
    spikes,
    hours: { labels, sources: hourSources, scans: hourScans },
    heat: { ports: busiest.map((p) => ({ port: p.port, proto: p.proto, name: portName(p.port, p.proto) ?? null })), labels, cells, max },
  };
}

/**
 * The local days that have scans, oldest first (date pickers): the first and last from the
 * ends of the key, then one existence probe per day between them.
 */
export function dataDays(db: DB): string[] {
  // Two queries: SQLite reads a min() or a max() alone from the end of the key, both together by a scan.
  const a = db.prepare('SELECT min(day) FROM port_day').pluck().get() as number | null;
  const b = db.prepare('SELECT max(day) FROM port_day').pluck().get() as number | null;
  if (a === null || b === null) return [];
  const all = JSON.stringify(Array.from({ length: b - a + 1 }, (_, i) => a + i));
  return (db.prepare('SELECT d.value FROM json_each(?) d WHERE EXISTS (SELECT 1 FROM port_day WHERE day = d.value) ORDER BY d.value').pluck().all(all) as number[]).map(dayLabel);
}
