/**
 * One pass over a period's events (reports/daily-data.ts builds the daily and range reports on
 * it): per class, per source, per port and per hour or day, by time range (the `events_ts`
 * index). A pass can be kept and brought up to date with rows stored since (addPeriodRows;
 * reports/report-cache.ts), so it lives apart from the report it feeds.
 */
import type { DB } from '../src/store/db';
import { CLASS, Codes } from '../src/store/codes';
import { dayStartUtc, hourBucketer } from '../src/store/rollups/buckets';
import { PORT_NOT_LOGGED, rollupPortSql } from '../src/store/rollups/aggregate';

const HOUR = 3_600_000;

export interface SrcStat { events: number; first: number; last: number; ports: Map<number, number> }

/**
 * Counts from one pass over a period's events. Scan sources are interned to small integers:
 * per-hour distinct sources are bits in a per-source mask, and the (source, port) pairs give
 * both each port's distinct sources and each source's distinct ports, so the hot loop touches
 * no per-port set of addresses.
 */
export interface Pass {
  byClass: number[]; // events per class code
  ids: Map<string, number>;
  ips: string[];
  srcEvents: number[];
  srcFirst: number[];
  srcLast: number[];
  pairs: Map<number, number>; // source id * PAIR + port key → events
  portEvents: Map<number, number>;
  portTargets: Map<number, Set<number>>;
  targets: Map<string, number>;
  bucketSources: number[];
  bucketEvents: number[];
  portBuckets: Map<number, number>; // port key * buckets + bucket → events
  trustedSrc: Map<string, SrcStat>;
  inputs: Set<number>;
  devices: Map<number | null, Map<number | null, number[]>>; // host code → rule code → events per class code
}

export const PAIR = 2 ** 24;
/**
 * Port keys are transport code * PORT_SPAN + port: 0–65535, the ICMP type or 0 for portless
 * protocols, and NOT_LOGGED_KEY for TCP / UDP without a logged port (PORT_NOT_LOGGED, -1, in
 * the rollups).
 */
export const PORT_SPAN = 65537;
export const NOT_LOGGED_KEY = 65536;
/** `port/proto` of the rollups (port_day holds -1 where reports say "not logged"). */
export const rollupKey = (port: number | null, proto: string) => `${port ?? PORT_NOT_LOGGED}/${proto}`;

function addSrc(m: Map<string, SrcStat>, ip: string, pk: number, ts: number, n: number): void {
  const s = m.get(ip);
  if (!s) m.set(ip, { events: n, first: ts, last: ts, ports: new Map([[pk, n]]) });
  else {
    s.events += n;
    if (ts < s.first) s.first = ts;
    if (ts > s.last) s.last = ts;
    s.ports.set(pk, (s.ports.get(pk) ?? 0) + n);
  }
}

/**
 * A pass under way: what `addPeriodRows` needs to add more rows of the same period (the
 * dashboard brings a kept day's pass up to date with the rows stored since, reports/report-cache.ts).
 */
export interface PeriodPass extends Pass {
  tz: string;
  first: number;
  last: number;
  unit: 'hour' | 'day';
  light: boolean;
  /** Per source, a bit per bucket it scanned in (words per source). */
  mask: Uint32Array;
  words: number;
}

function newPass(tz: string, first: number, last: number, unit: 'hour' | 'day', light: boolean): PeriodPass {
  const nb = unit === 'hour' ? (last - first + 1) * 24 : last - first + 1;
  const words = Math.ceil(nb / 32);
  return {
    byClass: [], ids: new Map(), ips: [], srcEvents: [], srcFirst: [], srcLast: [], pairs: new Map(),
    portEvents: new Map(), portTargets: new Map(), targets: new Map(), portBuckets: new Map(),
    bucketSources: new Array<number>(nb).fill(0), bucketEvents: new Array<number>(nb).fill(0), trustedSrc: new Map(), inputs: new Set(), devices: new Map(),
    tz, first, last, unit, light, mask: new Uint32Array(4096 * words), words,
  };
}

/**
 * The period's rows read by `where` (the time range and more: `@from`/`@to` are the period's
 * bounds with an hour's margin for the zone's buckets) added to the pass. Port keys (PORT_SPAN
 * above) are computed in SQL, and addresses are only fetched for the classes that need them.
 */
export function addPeriodRows(db: DB, p: PeriodPass, where: string, params: Record<string, number> = {}): void {
  const { tz, first, last, unit, light, words } = p;
  const nb = p.bucketEvents.length;
  const bucket = hourBucketer(tz);
  const rows = db
    .prepare(
      `SELECT ts, class, transport * ${PORT_SPAN} + ${rollupPortSql(new Codes(db), NOT_LOGGED_KEY)},
         CASE WHEN class IN (@scan, @trusted) THEN src END, CASE WHEN class = @scan THEN dst END, count, source_id, host, rule
       FROM events WHERE ${where}`,
    )
    .raw()
    .iterate({ ...params, scan: CLASS.scan, trusted: CLASS.trusted, from: dayStartUtc(first, tz) - HOUR, to: dayStartUtc(last + 1, tz) + HOUR }) as Iterable<
    [number, number, number, string | null, string | null, number, number, number | null, number | null]
  >;
  for (const [ts, cls, pk, src, dst, n, input, host, rule] of rows) {
    const hour = bucket(ts);
    const day = Math.floor(hour / 24);
    if (day < first || day > last) continue;
    p.byClass[cls] = (p.byClass[cls] ?? 0) + n;
    if (light) {
      if (cls !== CLASS.scan) continue;
    } else {
      p.inputs.add(input);
      let rules = p.devices.get(host);
      if (!rules) p.devices.set(host, (rules = new Map()));
      let perClass = rules.get(rule);
      if (!perClass) rules.set(rule, (perClass = []));
      perClass[cls] = (perClass[cls] ?? 0) + n;
      if (cls === CLASS.trusted) addSrc(p.trustedSrc, src!, pk, ts, n);
      if (cls !== CLASS.scan) continue;
    }
    let id = p.ids.get(src!);
    if (id === undefined) {
      p.ids.set(src!, (id = p.ips.length));
      p.ips.push(src!);
      p.srcEvents.push(0);
      p.srcFirst.push(ts);
      p.srcLast.push(ts);
    }
    const pair = id * PAIR + pk;
    p.pairs.set(pair, (p.pairs.get(pair) ?? 0) + n);
    if (light) {
      p.portEvents.set(pk, (p.portEvents.get(pk) ?? 0) + n);
      continue;
    }
    p.srcEvents[id] += n;
    if (ts < p.srcFirst[id]) p.srcFirst[id] = ts;
    if (ts > p.srcLast[id]) p.srcLast[id] = ts;
    let did = p.targets.get(dst!);
    if (did === undefined) p.targets.set(dst!, (did = p.targets.size));
    let t = p.portTargets.get(pk);
    if (!t) p.portTargets.set(pk, (t = new Set()));
    t.add(did);
    const b = unit === 'hour' ? hour - first * 24 : day - first;
    if ((id + 1) * words > p.mask.length) {
      const grown = new Uint32Array(p.mask.length * 2);
      grown.set(p.mask);
      p.mask = grown;
    }
    const w = id * words + (b >> 5);
    const bit = 1 << (b & 31);
    if (!(p.mask[w] & bit)) {
      p.mask[w] |= bit;
      p.bucketSources[b]++;
    }
    p.bucketEvents[b] += n;
    const key = pk * nb + b;
    p.portBuckets.set(key, (p.portBuckets.get(key) ?? 0) + n);
  }
  // One map update less per event: port totals are the sums of their buckets.
  if (!light) {
    p.portEvents.clear();
    for (const [key, n] of p.portBuckets) p.portEvents.set(Math.floor(key / nb), (p.portEvents.get(Math.floor(key / nb)) ?? 0) + n);
  }
}

/**
 * One pass over the events of local days first..last in `tz`, read by time range. `light` (the
 * previous period) keeps per-port events and sources only.
 */
export function scanPeriod(db: DB, tz: string, first: number, last: number, unit: 'hour' | 'day', light: boolean): PeriodPass {
  const p = newPass(tz, first, last, unit, light);
  addPeriodRows(db, p, 'ts >= @from AND ts < @to');
  return p;
}

/** Distinct sources per port and distinct ports per source, from the pairs. */
export function pairCounts(p: Pass): { portSources: Map<number, number>; srcPorts: number[] } {
  const portSources = new Map<number, number>();
  const srcPorts = new Array<number>(p.ips.length).fill(0);
  for (const pair of p.pairs.keys()) {
    const pk = pair % PAIR;
    portSources.set(pk, (portSources.get(pk) ?? 0) + 1);
    srcPorts[Math.floor(pair / PAIR)]++;
  }
  return { portSources, srcPorts };
}

export function splitKey(codes: Codes, pk: number): { port: number | null; proto: string } {
  const port = pk % PORT_SPAN;
  return { port: port === NOT_LOGGED_KEY ? null : port, proto: codes.name('transport', Math.floor(pk / PORT_SPAN)) };
}
