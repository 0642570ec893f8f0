/**
 * The history of one address (`portledger ip`): when it was seen, which ports it touched, per
 * day, per class, its alerts and its trust, both as a source and as a destination (an inside
 * host's outbound traffic matters as much as an outside scanner's knocks).
 *
 * There is no index on events.src or events.dst: each secondary index costs ~20 % of ingest
 * speed, and this is an occasional, interactive question. So the address's events are copied
 * in ONE pass over `events` into a small temporary table, and every grouping below runs on that
 * copy in SQL. JS only sees grouped rows, never one row per event.
 *
 * Reverse DNS and GeoIP are optional enrichments; a PTR name or a GeoIP string is as untrusted
 * as log content (an attacker controls its own PTR), so renderers escape them like the rest.
 */
import fs from 'node:fs';
import { Resolver } from 'node:dns/promises';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { DB } from '../src/store/db';
import { Codes } from '../src/store/codes';
import { dayLabel, hourBucketer } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { listTrusted } from '../src/store/trust-store';
import { CidrSet, DEFAULT_HOME } from '../src/classify/networks';
import { readIp } from '../parsers/lib/ip';
import { checkZone } from '../parsers/clock';
import { formatInstant } from './time';
import { terminalSafe } from '../src/util/terminal-text';
import { PORT_NOT_LOGGED_TEXT, render, type Column, type OutputFormat, type TableStyle } from './render';
import { reportPort, rollupPortSql } from '../src/store/rollups/aggregate';
import type { EventLocator } from './event-locator';
import type { AddressDays } from './address-days';

export type { ClassCount, PortCount, DayCount, PeerCount, RoleHistory } from './ip-shape';
import type { ClassCount, PortCount, DayCount, PeerCount, RoleHistory } from './ip-shape';

export interface IpAlert { id: number; kind: string; port: number; proto: string; destinations: number; events: number; first: string; last: string }

export interface ReverseDns { status: 'ok' | 'no PTR' | 'timed out' | 'failed'; names: string[]; error?: string }
export interface GeoInfo { file: string; type: string; found: boolean; country?: string; countryName?: string; city?: string; asn?: number; asOrg?: string; error?: string }

export interface IpHistory {
  address: string;
  home: boolean;
  trusted: { cidr: string; note: string | null; expires: string | null }[];
  tz: string;
  first: string | null;
  last: string | null;
  asSource: RoleHistory;
  asDestination: RoleHistory;
  alerts: IpAlert[];
  reverseDns?: ReverseDns;
  geoip?: GeoInfo[];
}

const QUARTER = 900_000;
const SRC = 0;
const DST = 1;

/** Canonical text of an address as the parsers store it; throws a readable error. */
export function canonicalAddress(text: string): string {
  const ip = readIp(text.trim());
  if (ip === undefined) throw new Error(`"${text}" is not an IP address (examples: 192.0.2.7, 2001:db8::7)`);
  return ip;
}

/**
 * Copies the address's events into temp.ip_hits: the one scan of `events`, the whole table or,
 * with `range` (UTC ms, end exclusive), only that time range through the `events_ts` index.
 * With a ready `locator` (the dashboard's), only the rows it names and the newest ones not yet
 * indexed are read; the filter is the same, so the copy is the same.
 */
function collect(db: DB, ip: string, range?: [number, number], locator?: EventLocator): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS ip_hits (
    role INTEGER NOT NULL, ts INTEGER NOT NULL, class INTEGER NOT NULL, transport INTEGER NOT NULL,
    port INTEGER NOT NULL, peer TEXT NOT NULL, count INTEGER NOT NULL)`);
  db.prepare('DELETE FROM temp.ip_hits').run();
  // ICMP counts under its type, TCP / UDP without a logged port under PORT_NOT_LOGGED, portless
  // protocols under 0, as in the port reports.
  const insert = `INSERT INTO temp.ip_hits (role, ts, class, transport, port, peer, count)
     SELECT CASE WHEN src = @ip THEN ${SRC} ELSE ${DST} END, ts, class, transport, ${rollupPortSql(new Codes(db))},
            CASE WHEN src = @ip THEN dst ELSE src END, count
     FROM events WHERE`;
  const params = range ? { ip, from: range[0], to: range[1] } : { ip };
  const found = locator?.find({ addr: ip }, range?.[0], range?.[1]);
  if (found) {
    // `+ts`: rowids drive these reads, never the time index.
    const time = range ? '+ts >= @from AND +ts < @to AND ' : '';
    db.prepare(`${insert} id IN (SELECT value FROM json_each(@ids)) AND ${time}(src = @ip OR dst = @ip)`).run({ ...params, ids: JSON.stringify(found.ids) });
    db.prepare(`${insert} id >= @tail AND ${time}(src = @ip OR dst = @ip)`).run({ ...params, tail: found.tail });
    return;
  }
  db.prepare(`${insert} ${range ? 'ts >= @from AND ts < @to AND ' : ''}(src = @ip OR dst = @ip)`).run(params);
}

function role(db: DB, r: number, tz: string, codes: Codes, top: number): RoleHistory {
  const s = db
    .prepare('SELECT count(*) AS events, coalesce(sum(count), 0) AS packets, min(ts) AS first, max(ts) AS last, count(DISTINCT peer) AS peers, count(DISTINCT transport || \'/\' || port) AS ports FROM temp.ip_hits WHERE role = ?')
    .get(r) as { events: number; packets: number; first: number | null; last: number | null; peers: number; ports: number };
  const classes = (db.prepare('SELECT class, count(*) AS events FROM temp.ip_hits WHERE role = ? GROUP BY class ORDER BY events DESC, class').all(r) as { class: number; events: number }[])
    .map((c) => ({ class: codes.name('class', c.class), events: c.events }));
  const topPorts = (db
    .prepare(
      `SELECT port, transport, count(*) AS events, sum(count) AS packets, min(ts) AS first, max(ts) AS last FROM temp.ip_hits
       WHERE role = ? GROUP BY transport, port ORDER BY events DESC, port, transport LIMIT ?`,
    )
    .all(r, top) as { port: number; transport: number; events: number; packets: number; first: number; last: number }[])
    .map((p) => ({ port: reportPort(p.port), proto: codes.name('transport', p.transport), events: p.events, packets: p.packets, first: formatInstant(p.first, tz), last: formatInstant(p.last, tz) }));
  // Grouped by UTC quarter hour: every zone's midnight falls on one, so each group lies in a single local day.
  const bucket = hourBucketer(tz);
  const perDay = new Map<number, number>();
  for (const q of db.prepare(`SELECT ts / ${QUARTER} AS q, count(*) AS events FROM temp.ip_hits WHERE role = ? GROUP BY q`).all(r) as { q: number; events: number }[]) {
    const day = Math.floor(bucket(q.q * QUARTER) / 24);
    perDay.set(day, (perDay.get(day) ?? 0) + q.events);
  }
  const days = [...perDay].sort((a, b) => a[0] - b[0]).map(([d, events]) => ({ date: dayLabel(d), events }));
  const topPeers = db.prepare('SELECT peer AS address, count(*) AS events FROM temp.ip_hits WHERE role = ? GROUP BY peer ORDER BY events DESC, peer LIMIT ?').all(r, top) as PeerCount[];
  return {
    events: s.events,
    packets: s.packets,
    first: s.first === null ? null : formatInstant(s.first, tz),
    last: s.last === null ? null : formatInstant(s.last, tz),
    peers: s.peers,
    ports: s.ports,
    classes,
    topPorts,
    days,
    topPeers,
  };
}

/**
 * Everything the store knows about one address. `top` bounds the port and peer lists; `range`
 * (UTC ms, end exclusive) reads only that period's events, a bounded lookup on a big database
 * (there is no index on addresses: it would cost ingest on every row).
 */
export function ipHistory(
  db: DB,
  address: string,
  opts: { tz?: string; top?: number; range?: [number, number]; locator?: EventLocator; addressDays?: AddressDays } = {},
): IpHistory {
  const ip = canonicalAddress(address);
  const settings = loadSettings(db);
  const tz = checkZone(opts.tz ?? settings.tz);
  const top = opts.top ?? 20;
  const codes = new Codes(db);
  // The dashboard's days kept in memory: ranges are whole local days of the database's zone.
  if (opts.addressDays && tz === settings.tz) {
    const h = opts.addressDays.history(ip, tz, top, opts.range);
    return { ...about(db, ip, settings.home, tz), first: h.first === null ? null : formatInstant(h.first, tz), last: h.last === null ? null : formatInstant(h.last, tz), asSource: h.roles[SRC], asDestination: h.roles[DST], alerts: alertsOf(db, ip, tz) };
  }
  collect(db, ip, opts.range, opts.locator);
  try {
    const asSource = role(db, SRC, tz, codes, top);
    const asDestination = role(db, DST, tz, codes, top);
    const span = db.prepare('SELECT min(ts) AS first, max(ts) AS last FROM temp.ip_hits').get() as { first: number | null; last: number | null };
    return {
      ...about(db, ip, settings.home, tz),
      first: span.first === null ? null : formatInstant(span.first, tz),
      last: span.last === null ? null : formatInstant(span.last, tz),
      asSource,
      asDestination,
      alerts: alertsOf(db, ip, tz),
    };
  } finally {
    db.prepare('DELETE FROM temp.ip_hits').run();
  }
}

/** Whether the address is at home, and the trusted entries covering it. */
function about(db: DB, ip: string, home: string[], tz: string): Pick<IpHistory, 'address' | 'home' | 'trusted' | 'tz'> {
  return {
    address: ip,
    home: new CidrSet([...DEFAULT_HOME, ...home]).has(ip),
    trusted: listTrusted(db).filter((t) => new CidrSet([t.cidr]).has(ip)).map((t) => ({ cidr: t.cidr, note: t.note, expires: t.expires === null ? null : formatInstant(t.expires, tz) })),
    tz,
  };
}

function alertsOf(db: DB, ip: string, tz: string): IpAlert[] {
  return (db.prepare('SELECT id, kind, port, proto, destinations, events, first, last FROM alerts WHERE host = ? ORDER BY first, id').all(ip) as (Omit<IpAlert, 'first' | 'last'> & { first: number; last: number })[]).map((a) => ({
    ...a,
    first: formatInstant(a.first, tz),
    last: formatInstant(a.last, tz),
  }));
}

/** Whoever controls an address controls its PTR record: no control characters get through. */
function printable(s: string | undefined): string | undefined;
function printable(s: string): string;
function printable(s: string | undefined): string | undefined {
  return s === undefined ? undefined : terminalSafe(s);
}

/** A PTR lookup; `signal` aborts it (the timeout). Injected so tests never touch the network. */
export type ReverseResolver = (ip: string, signal: AbortSignal) => Promise<string[]>;

/** node:dns with one try and its own timeout; an abort cancels the query outright. */
export function systemResolver(timeoutMs = 2000): ReverseResolver {
  return (ip, signal) => {
    const r = new Resolver({ timeout: timeoutMs, tries: 1 });
    signal.addEventListener('abort', () => r.cancel(), { once: true });
    return r.reverse(ip);
  };
}

/** Reverse DNS that always settles within `timeoutMs`: names, "no PTR", "timed out" or "failed". */
export async function reverseLookup(ip: string, resolve: ReverseResolver, timeoutMs = 2000): Promise<ReverseDns> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((res) => {
    timer = setTimeout(() => res('timeout'), timeoutMs);
  });
  try {
    const r = await Promise.race([resolve(ip, ac.signal), timeout]);
    if (r === 'timeout') {
      ac.abort();
      return { status: 'timed out', names: [] };
    }
    return r.length ? { status: 'ok', names: r.map(printable) } : { status: 'no PTR', names: [] };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return { status: 'no PTR', names: [] };
    if (code === 'ETIMEOUT' || code === 'ECANCELLED') return { status: 'timed out', names: [] };
    return { status: 'failed', names: [], error: code ?? (e instanceof Error ? e.message : String(e)) };
  } finally {
    clearTimeout(timer);
  }
}

interface GeoRecord {
  country?: { iso_code?: string; names?: Record<string, string> };
  registered_country?: { iso_code?: string; names?: Record<string, string> };
  city?: { names?: Record<string, string> };
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

/**
 * Readers kept by file and modification time: the dashboard looks up many addresses, and a City
 * database is tens of megabytes to read; an updated file is read again.
 */
const geoReaders = new Map<string, { mtimeMs: number; reader: Promise<Reader<Response>> }>();

function openGeo(file: string): Promise<Reader<Response>> {
  const mtimeMs = fs.statSync(file).mtimeMs;
  const known = geoReaders.get(file);
  if (known && known.mtimeMs === mtimeMs) return known.reader;
  const reader = maxmind.open<Response>(file);
  geoReaders.set(file, { mtimeMs, reader });
  reader.catch(() => geoReaders.delete(file));
  return reader;
}

/** Country, city and ASN from MaxMind-format databases (GeoLite2-Country, -City, -ASN, …). */
export async function geoLookup(ip: string, files: string[]): Promise<GeoInfo[]> {
  const out: GeoInfo[] = [];
  for (const file of files) {
    let reader: Reader<Response>;
    try {
      reader = await openGeo(file);
    } catch (e) {
      throw new Error(`--geoip ${file}: not a readable MaxMind database (${e instanceof Error ? e.message : String(e)})`);
    }
    const type = String(reader.metadata.databaseType);
    if (reader.metadata.ipVersion === 4 && ip.includes(':')) {
      out.push({ file, type, found: false, error: 'IPv4-only database' });
      continue;
    }
    const r = reader.get(ip) as GeoRecord | null;
    if (!r) {
      out.push({ file, type, found: false });
      continue;
    }
    const country = r.country ?? r.registered_country;
    out.push({
      file,
      type,
      found: true,
      country: printable(country?.iso_code),
      countryName: printable(country?.names?.en),
      city: printable(r.city?.names?.en),
      asn: typeof r.autonomous_system_number === 'number' ? r.autonomous_system_number : undefined,
      asOrg: printable(r.autonomous_system_organization),
    });
  }
  return out;
}

function geoText(g: GeoInfo): string {
  if (g.error) return `${g.error} (${g.type})`;
  if (!g.found) return `not in ${g.type}`;
  const parts = [
    [g.country, g.countryName].filter(Boolean).join(' '),
    g.city ?? '',
    g.asn !== undefined ? `AS${g.asn}${g.asOrg ? ` ${g.asOrg}` : ''}` : '',
  ].filter(Boolean);
  return `${parts.join(', ') || 'no country or ASN'} (${g.type})`;
}

function dnsText(d: ReverseDns): string {
  return d.status === 'ok' ? d.names.join(' ') : d.status === 'failed' ? `failed (${d.error})` : d.status;
}

const PORT_COLS: Column<PortCount>[] = [
  { key: 'port', title: 'port', align: 'right', empty: PORT_NOT_LOGGED_TEXT },
  { key: 'proto', title: 'proto' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'first', title: 'first' },
  { key: 'last', title: 'last' },
];
const CLASS_COLS: Column<ClassCount>[] = [{ key: 'class', title: 'class' }, { key: 'events', title: 'events', align: 'right' }];
const DAY_COLS: Column<DayCount>[] = [{ key: 'date', title: 'date' }, { key: 'events', title: 'events', align: 'right' }];
const ALERT_COLS: Column<IpAlert>[] = [
  { key: 'kind', title: 'kind' },
  { key: 'port', title: 'port', align: 'right' },
  { key: 'proto', title: 'proto' },
  { key: 'destinations', title: 'destinations', align: 'right' },
  { key: 'events', title: 'attempts', align: 'right' },
  { key: 'first', title: 'first' },
  { key: 'last', title: 'last' },
];

const n = (count: number, word: string) => `${count} ${count === 1 ? word : word === 'address' ? 'addresses' : `${word}s`}`;

/** JSON as is; table and Markdown as sections, each list through the shared (escaping) renderer. */
export function renderIpHistory(h: IpHistory, format: Exclude<OutputFormat, 'csv'>, style: TableStyle = {}): string {
  if (format === 'json') return JSON.stringify(h) + '\n';
  const fmt = format;
  const heading = (t: string) => (fmt === 'md' ? `\n## ${t}\n\n` : `\n${t}\n`);
  const facts: { k: string; v: string }[] = [
    { k: 'network', v: h.home ? 'home (inside)' : 'outside' },
    { k: 'trusted', v: h.trusted.length ? h.trusted.map((t) => t.cidr + (t.note ? ` (${t.note})` : '') + (t.expires ? ` until ${t.expires}` : '')).join(', ') : 'no' },
    { k: 'first seen', v: h.first ?? 'never' },
    { k: 'last seen', v: h.last ?? 'never' },
    { k: 'as source', v: `${n(h.asSource.events, 'event')} to ${n(h.asSource.peers, 'address')} on ${n(h.asSource.ports, 'port')}` },
    { k: 'as destination', v: `${n(h.asDestination.events, 'event')} from ${n(h.asDestination.peers, 'address')} on ${n(h.asDestination.ports, 'port')}` },
  ];
  if (h.reverseDns) facts.push({ k: 'reverse DNS', v: dnsText(h.reverseDns) });
  for (const g of h.geoip ?? []) facts.push({ k: 'geoip', v: geoText(g) });
  // The address is canonical (validated), so it can stand in a column title.
  let out = render(facts, [{ key: 'k', title: 'ip' }, { key: 'v', title: h.address }], fmt, 'no rows', style);
  const section = (title: string, r: RoleHistory, peerTitle: string) => {
    if (r.events === 0) return heading(title) + `(no events)\n`;
    let s = heading(`${title}: ${n(r.events, 'event')}, ${r.first} … ${r.last} (${h.tz})`);
    s += render(r.classes, CLASS_COLS, fmt, 'no rows', style);
    s += heading(`${title}: ports (top ${r.topPorts.length} of ${r.ports})`) + render(r.topPorts, PORT_COLS, fmt, 'no rows', style);
    s += heading(`${title}: per day`) + render(r.days, DAY_COLS, fmt, 'no rows', style);
    s += heading(`${title}: ${peerTitle} (top ${r.topPeers.length} of ${r.peers})`) + render(r.topPeers, [{ key: 'address', title: peerTitle }, { key: 'events', title: 'events', align: 'right' }], fmt, 'no rows', style);
    return s;
  };
  out += section('As source', h.asSource, 'destinations');
  out += section('As destination', h.asDestination, 'sources');
  out += heading('Alerts (as host)') + render(h.alerts, ALERT_COLS, fmt, 'no alerts', style);
  return out;
}
