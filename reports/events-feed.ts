/**
 * Events one by one: the dashboard's live feed (the newest events, by id: the rowid, so reading
 * the tail of a 10-million-row table costs a few rows) and the explorer behind every number on
 * the dashboard (the events a count counts, or their distinct sources, targets or ports), read
 * by time range through the `events_ts` index and bounded to MAX_EXPLORE_DAYS.
 *
 * The `events_named` view is for people at the sqlite3 prompt: its joins keep SQLite from
 * walking the rowid backwards (ORDER BY id DESC LIMIT 50 through it took minutes on 10 M
 * events), so codes are named here from the `codes` table instead.
 */
import type { DB } from '../src/store/db';
import { CLASS, Codes } from '../src/store/codes';
import { dayLabel, dayNumber } from '../src/store/rollups/buckets';
import { createClock } from '../parsers/clock';
import { loadSettings } from '../src/store/settings';
import { dayStartUtc } from './daily-data';
import { canonicalAddress } from './ip-history';
import { formatInstant } from './time';
import type { EventLocator, LocatorKey } from './event-locator';
import type { DaySources } from './day-sources';

export interface FeedEvent {
  id: number;
  time: string;
  class: string;
  reason: string;
  transport: string;
  src: string;
  sport: number | null;
  dst: string;
  /** The port as the reports count it: destination port, ICMP type, or 0. */
  port: number;
  action: string;
  rule: string | null;
  host: string | null;
  format: string;
  source_id: number;
  line: number;
}

type Raw = [number, number, number, number, number, string, number | null, string, number | null, number | null, number, number | null, number | null, number, number, number];
const COLUMNS = 'id, ts, class, reason, transport, src, sport, dst, dport, icmp_type, action, rule, host, format, source_id, line';

function namer(db: DB, tz: string): (r: Raw) => FeedEvent {
  const codes = new Codes(db);
  return ([id, ts, cls, reason, transport, src, sport, dst, dport, icmp, action, rule, host, format, sourceId, line]) => ({
    id, time: formatInstant(ts, tz), class: codes.name('class', cls), reason: codes.name('reason', reason), transport: codes.name('transport', transport),
    src, sport, dst, port: dport ?? icmp ?? 0, action: codes.name('action', action), rule: rule === null ? null : codes.name('rule', rule),
    host: host === null ? null : codes.name('host', host), format: codes.name('format', format), source_id: sourceId, line,
  });
}

/** The newest events, newest first; with `afterId` only those stored after it. */
export function latestEvents(db: DB, opts: { limit?: number; afterId?: number; tz?: string } = {}): { lastId: number; events: FeedEvent[] } {
  const tz = opts.tz ?? loadSettings(db).tz;
  const limit = Math.min(Math.max(opts.limit ?? 30, 1), 200);
  const rows = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id > ? ORDER BY id DESC LIMIT ?`).raw().all(opts.afterId ?? 0, limit) as Raw[];
  const lastId = rows.length ? rows[0][0] : ((db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck().get() as number) ?? 0);
  return { lastId, events: rows.map(namer(db, tz)) };
}

/** Longest range the explorer reads (each day of a busy database is ~50 ms of reading). */
export const MAX_EXPLORE_DAYS = 31;
export const EXPLORE_GROUPS = ['src', 'dst', 'port'] as const;
export type ExploreGroup = (typeof EXPLORE_GROUPS)[number];

export interface ExploreFilter {
  /** Local days YYYY-MM-DD, inclusive (default: the latest day with data; `to` defaults to `from`). */
  from?: string;
  to?: string;
  /** One local hour of the range, 0–23. */
  hour?: number;
  class?: string;
  port?: number;
  proto?: string;
  /** Source or destination address (either side with `addr`). */
  src?: string;
  dst?: string;
  addr?: string;
}

export interface ExploreResult {
  zone: string;
  from: string;
  to: string;
  filter: ExploreFilter;
  group: ExploreGroup | null;
  /** Matching events (group: null), or distinct values of the group; -1 on later pages (not counted again). */
  total: number;
  events?: FeedEvent[];
  groups?: { value: string | number; events: number; packets: number; first: string; last: string }[];
  /** Whether more rows follow: events page on with `before` = `next` ([time, id]), groups with `offset`. */
  more: boolean;
  next: [number, number] | null;
}

const GROUP_SQL: Record<ExploreGroup, string> = { src: 'src', dst: 'dst', port: 'transport * 65536 + coalesce(dport, icmp_type, 0)' };

/** Events matching a filter over a range of local days, or their distinct sources, targets or ports. */
export function exploreEvents(
  db: DB,
  f: ExploreFilter,
  opts: { group?: ExploreGroup; limit?: number; before?: [number, number]; offset?: number; locator?: EventLocator; daySources?: DaySources } = {},
): ExploreResult {
  const zone = loadSettings(db).tz;
  const latest = db.prepare('SELECT max(day) FROM port_day').pluck().get() as number | null;
  const first = f.from ? dayNumber(f.from) : (latest ?? dayNumber(new Date().toISOString().slice(0, 10)));
  const last = f.to ? dayNumber(f.to) : first;
  if (last < first) throw new Error('"from" is after "to"');
  if (last - first + 1 > MAX_EXPLORE_DAYS) throw new Error(`the explorer reads at most ${MAX_EXPLORE_DAYS} days at a time`);
  if (f.hour !== undefined && (!Number.isInteger(f.hour) || f.hour < 0 || f.hour > 23)) throw new Error('hour is 0 to 23');
  if (f.port !== undefined && (!Number.isInteger(f.port) || f.port < 0 || f.port > 65535)) throw new Error('port is 0 to 65535');
  if (opts.group !== undefined && !EXPLORE_GROUPS.includes(opts.group)) throw new Error(`group is one of ${EXPLORE_GROUPS.join(', ')}`);
  const codes = new Codes(db);
  // Names that were never stored have no code: -1 matches nothing, as it should.
  const code = (field: 'class' | 'transport', name: string | undefined) => (name === undefined ? null : (codes.existing(field, [name])[0] ?? -1));
  const cls = code('class', f.class);
  const proto = code('transport', f.proto?.toLowerCase());
  const src = f.src ? canonicalAddress(f.src) : null;
  const dst = f.dst ? canonicalAddress(f.dst) : null;
  const addr = f.addr ? canonicalAddress(f.addr) : null;
  let from = dayStartUtc(first, zone);
  let to = dayStartUtc(last + 1, zone);
  if (f.hour !== undefined) {
    if (first !== last) throw new Error('an hour filter needs a one-day range');
    // From the local hour's start to the next one's: a repeated hour (DST ends) is both of its
    // occurrences, as in the rollups' hour buckets; a skipped one (DST starts) is empty.
    const d = new Date(first * 86_400_000);
    const clock = createClock(zone, { reference: () => 0 });
    const at = (h: number) => clock.localToUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, 0, 0);
    from = Math.max(from, at(f.hour));
    to = f.hour === 23 ? to : Math.min(to, at(f.hour + 1));
  }
  // With an address or a port in the filter and the dashboard's locator ready, only the rows it
  // names (and the newest, not yet indexed) are read, by rowid; the filter below stays whole.
  const key: LocatorKey | null = src ?? dst ?? addr ? { addr: (src ?? dst ?? addr)! } : f.port !== undefined ? { port: f.port } : null;
  const found = key && opts.locator ? opts.locator.find(key, from, to) : null;
  const span = found ? '(id IN (SELECT value FROM json_each(@ids)) OR id >= @tail) AND +ts >= @from AND +ts < @to' : 'ts >= @from AND ts < @to';
  const where = `${span}
    AND (@cls IS NULL OR class = @cls) AND (@proto IS NULL OR transport = @proto)
    AND (@port IS NULL OR (coalesce(dport, icmp_type, 0) = @port AND (@proto IS NOT NULL OR transport NOT IN (@icmp4, @icmp6))))
    AND (@src IS NULL OR src = @src) AND (@dst IS NULL OR dst = @dst) AND (@addr IS NULL OR src = @addr OR dst = @addr)`;
  // A port without a transport means that port number on TCP, UDP, …: ICMP types are left out.
  const [icmp4, icmp6] = [code('transport', 'icmp'), code('transport', 'ipv6-icmp')];
  const p = { from, to, cls, proto, port: f.port ?? null, src, dst, addr, icmp4, icmp6, ...(found ? { ids: JSON.stringify(found.ids), tail: found.tail } : {}) };
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
  const base = { zone, from: dayLabel(first), to: dayLabel(last), filter: f, group: opts.group ?? null };
  if (!opts.group) {
    // Newest first along the time index, so a page stops after `limit` rows; the total is counted
    // for the first page only (the next pages carry a cursor: the last row's time and id).
    const total = opts.before ? -1 : (db.prepare(`SELECT count(*) FROM events WHERE ${where}`).pluck().get(p) as number);
    const [bts, bid] = opts.before ?? [null, null];
    const rows = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE ${where} AND (@bts IS NULL OR ts < @bts OR (ts = @bts AND id < @bid)) ORDER BY ${found ? '+ts' : 'ts'} DESC, id DESC LIMIT @limit`)
      .raw()
      .all({ ...p, bts, bid, limit: limit + 1 }) as Raw[];
    const page = rows.slice(0, limit);
    const lastRow = page.at(-1);
    return { ...base, total, events: page.map(namer(db, zone)), more: rows.length > limit, next: rows.length > limit && lastRow ? [lastRow[1], lastRow[0]] : null };
  }
  const offset = Math.max(opts.offset ?? 0, 0);
  // The distinct sources of one port's scans on one day: from the read thread's day counts,
  // when it has counted that day (the latest, ahead; else reading the day would cost more).
  if (opts.group === 'src' && cls === CLASS.scan && f.port !== undefined && first === last && f.hour === undefined && !src && !dst && !addr && opts.daySources?.has(first)) {
    const all = opts.daySources.sources(first, f.port, proto !== null ? { transport: proto } : { except: [icmp4, icmp6].filter((c): c is number => c !== null) });
    const page = all.slice(offset, offset + limit);
    return {
      ...base,
      total: page.length ? all.length : offset ? -1 : 0,
      groups: page.map((r) => ({ value: r.src, events: r.events, packets: r.packets, first: formatInstant(r.first, zone), last: formatInstant(r.last, zone) })),
      more: all.length > offset + limit,
      next: null,
    };
  }
  const g = GROUP_SQL[opts.group];
  // One pass: the groups, and their number as a window count over them.
  const rows = db
    .prepare(
      `SELECT value, events, packets, first, last, count(*) OVER () AS total FROM (
         SELECT ${g} AS value, count(*) AS events, sum(count) AS packets, min(ts) AS first, max(ts) AS last FROM events WHERE ${where} GROUP BY 1)
       ORDER BY events DESC, value LIMIT @limit OFFSET @offset`,
    )
    .all({ ...p, limit: limit + 1, offset }) as { value: string | number; events: number; packets: number; first: number; last: number; total: number }[];
  const total = rows[0]?.total ?? (offset ? -1 : 0);
  const label = (v: string | number): string | number => {
    if (opts.group === 'port') return `${Number(v) % 65536}/${codes.name('transport', Math.floor(Number(v) / 65536))}`;
    return v;
  };
  return {
    ...base,
    total,
    groups: rows.slice(0, limit).map(({ total: _t, ...r }) => ({ ...r, value: label(r.value), first: formatInstant(r.first, zone), last: formatInstant(r.last, zone) })),
    more: rows.length > limit,
    next: null,
  };
}

/** The class names a filter may use. */
export const CLASS_NAMES = Object.keys(CLASS);
