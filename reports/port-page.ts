/**
 * The dashboard's page of one port: the knowledge-base entry and IANA names (port-info.ts), the
 * port's scans per day over the last 30 or 90 days, unique sources per hour of one day, and the
 * top sources of that day. Daily and hourly figures come from the rollups by key (day, port),
 * so the cost does not grow with the database; the top sources (`portSources`) are read from
 * that one day's events, a separate question.
 */
import type { DB } from '../src/store/db';
import { dirtyDays, countFromEvents } from '../src/store/rollups';
import { dayLabel, dayNumber } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { ianaServices, portEntry, portName, type IanaService, type PortEntry } from './port-info';
import { exploreEvents } from './events-feed';
import { latestDay } from './overview';
import type { EventLocator } from './event-locator';
import type { DaySources } from './day-sources';

export interface PortPage {
  port: number;
  /** The transport asked for; null = every transport with this port number (ICMP types left out). */
  proto: string | null;
  name: string | null;
  entry: PortEntry | null;
  related: { port: number; name: string }[];
  iana: IanaService[];
  zone: string;
  /** The window of `days`, ending with `to`. */
  from: string | null;
  to: string | null;
  /** One entry per day of the window (zeros included), per transport seen in it. */
  daily: { labels: string[]; series: { proto: string; events: number[]; sources: number[]; targets: number[] }[] };
  /** The day of the hourly chart and the top sources (default: the last day of the window). */
  date: string | null;
  hourly: { labels: string[]; series: { proto: string; sources: number[]; events: number[] }[] };
}

/** The top sources of a port on one day, and how many distinct sources it had. */
export interface PortSources {
  port: number;
  proto: string | null;
  date: string;
  sources: number;
  top: { src: string; events: number; first: string; last: string }[];
}

const ICMP = new Set(['icmp', 'ipv6-icmp']);

export interface PortPageOptions {
  proto?: string;
  /** 30 or 90 (any 1–366). */
  days?: number;
  to?: string;
  date?: string;
  top?: number;
}

export function portPage(db: DB, port: number, opts: PortPageOptions = {}): PortPage {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`"${port}" is not a port number (0-65535)`);
  const proto = opts.proto?.toLowerCase();
  if (proto !== undefined && !/^[a-z0-9-]{1,20}$/.test(proto)) throw new Error(`"${opts.proto}" is not a protocol name (tcp, udp, icmp, …)`);
  const span = opts.days ?? 30;
  if (!Number.isInteger(span) || span < 1 || span > 366) throw new Error('days is 1 to 366');
  const zone = loadSettings(db).tz;
  const entry = portEntry(port, proto) ?? null;
  const related = (entry?.related ?? []).map((p) => ({ port: p, name: portEntry(p)?.name ?? portName(p, 'tcp') ?? portName(p, 'udp') ?? '' }));
  const base = {
    port, proto: proto ?? null, name: (proto ? portName(port, proto) : (portName(port, 'tcp') ?? portName(port, 'udp'))) ?? null,
    entry, related, iana: proto && ICMP.has(proto) ? [] : ianaServices(port), zone,
  };
  const latest = opts.to ? dayNumber(opts.to) : latestDay(db);
  if (latest === null) {
    return { ...base, from: null, to: null, daily: { labels: [], series: [] }, date: null, hourly: { labels: [], series: [] } };
  }
  const first = latest - span + 1;
  const keep = (p: string) => (proto ? p === proto : !ICMP.has(p));

  // Days by key: (day, port) for each day of the window, never a range scan of port_day.
  const window = JSON.stringify(Array.from({ length: span }, (_, i) => first + i));
  const rows = (db
    .prepare('SELECT r.day, r.proto, r.events, r.sources, r.targets FROM json_each(?) d JOIN port_day r ON r.day = d.value AND r.port = ?')
    .all(window, port) as { day: number; proto: string; events: number; sources: number; targets: number }[]).filter((r) => keep(r.proto));
  const dirty = dirtyDays(db, first, latest);
  const daily = new Map<string, { proto: string; events: number[]; sources: number[]; targets: number[] }>();
  const serie = (p: string) => {
    let s = daily.get(p);
    if (!s) daily.set(p, (s = { proto: p, events: new Array(span).fill(0), sources: new Array(span).fill(0), targets: new Array(span).fill(0) }));
    return s;
  };
  for (const r of rows) {
    if (dirty.has(r.day)) continue;
    const s = serie(r.proto);
    s.events[r.day - first] = r.events;
    s.sources[r.day - first] = r.sources;
    s.targets[r.day - first] = r.targets;
  }
  for (const d of dirty) {
    for (const c of countFromEvents(db, zone, d, d, (p, pr) => p === port && keep(pr)).dayCounts(d)) {
      const s = serie(c.proto);
      s.events[d - first] = c.events;
      s.sources[d - first] = c.sources;
      s.targets[d - first] = c.targets;
    }
  }

  const day = opts.date ? dayNumber(opts.date) : latest;
  const hourly = new Map<string, { proto: string; sources: number[]; events: number[] }>();
  let hourRows: { hour: number; proto: string; events: number; sources: number }[];
  if (dirtyDays(db, day, day).size) {
    const agg = countFromEvents(db, zone, day, day, (p, pr) => p === port && keep(pr));
    hourRows = agg.hourNumbers().flatMap((h) => agg.hourCounts(h));
  } else {
    // Hour by hour, (hour, port) is a key prefix; a range of hours would read all their ports.
    const hours = JSON.stringify(Array.from({ length: 24 }, (_, i) => day * 24 + i));
    hourRows = (db.prepare('SELECT r.hour, r.proto, r.events, r.sources FROM json_each(?) h JOIN port_hour r ON r.hour = h.value AND r.port = ?').all(hours, port) as typeof hourRows).filter((r) => keep(r.proto));
  }
  for (const r of hourRows) {
    let s = hourly.get(r.proto);
    if (!s) hourly.set(r.proto, (s = { proto: r.proto, sources: new Array(24).fill(0), events: new Array(24).fill(0) }));
    s.sources[r.hour - day * 24] = r.sources;
    s.events[r.hour - day * 24] = r.events;
  }

  return {
    ...base,
    from: dayLabel(first),
    to: dayLabel(latest),
    daily: { labels: Array.from({ length: span }, (_, i) => dayLabel(first + i)), series: [...daily.values()] },
    date: dayLabel(day),
    hourly: { labels: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')), series: [...hourly.values()] },
  };
}

/**
 * The top sources of a port on one day (default: the latest day with data): the explorer's
 * grouping over that day's events (a port without a transport leaves ICMP types out, as above).
 * It reads the day's events, so the dashboard asks for it separately from the page.
 */
export function portSources(db: DB, port: number, opts: { proto?: string; date?: string; top?: number; locator?: EventLocator; daySources?: DaySources } = {}): PortSources {
  const proto = opts.proto?.toLowerCase();
  const latest = latestDay(db);
  const date = opts.date ?? (latest === null ? undefined : dayLabel(latest));
  if (!date) return { port, proto: proto ?? null, date: '', sources: 0, top: [] };
  const r = exploreEvents(db, { from: date, class: 'scan', port, proto }, { group: 'src', limit: opts.top ?? 15, locator: opts.locator, daySources: opts.daySources });
  return { port, proto: proto ?? null, date, sources: r.total, top: (r.groups ?? []).map((g) => ({ src: String(g.value), events: g.events, first: g.first, last: g.last })) };
}
