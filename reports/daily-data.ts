/**
 * The daily (and range) attack report as one data object: JSON is this object, HTML and
 * Markdown render it. Counts that need distinct sets over the period (sources across ports,
 * sources per hour, the worst sources) come from one pass over the period's events by time range
 * (the `events_ts` index); history (baselines, the 30-day chart, first-seen ports, the previous
 * period's events) comes from the `port_day` rollup. Every query is parameterized.
 */
import type { DB } from '../src/store/db';
import { CLASS, Codes } from '../src/store/codes';
import { dayLabel, dayNumber, dayStartUtc, hourBucketer, hourLabel } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { listTrusted } from '../src/store/trust-store';
import { CidrSet } from '../src/classify/networks';
import { formatInstant } from './time';
import { alertsIn, coverageOf } from './daily-fresh';
import { portName } from './port-info';
import { portLabel } from './render';
import { PORT_NOT_LOGGED, rollupPortSql } from '../src/store/rollups/aggregate';
import {
  BASELINE_DAYS,
  TOP_SOURCES,
  TOP_CHART_PORTS,
  TOP_HEAT_PORTS,
  MAX_RANGE_DAYS,
  PortRow,
  SourceRow,
  DeviceRow,
  TrustedSummary,
  ComparisonRow,
  Comparison,
  DailyReport,
  ReportOptions,
  isSpike,
} from './daily-shape';

const HOUR = 3_600_000;

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export { dayStartUtc };

interface SrcStat { events: number; first: number; last: number; ports: Map<number, number> }

/**
 * Counts from one pass over a period's events. Scan sources are interned to small integers:
 * per-hour distinct sources are bits in a per-source mask, and the (source, port) pairs give
 * both each port's distinct sources and each source's distinct ports, so the hot loop touches
 * no per-port set of addresses.
 */
interface Pass {
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

const PAIR = 2 ** 24;
/**
 * Port keys are transport code * PORT_SPAN + port: 0–65535, the ICMP type or 0 for portless
 * protocols, and NOT_LOGGED_KEY for TCP / UDP without a logged port (PORT_NOT_LOGGED, -1, in
 * the rollups).
 */
const PORT_SPAN = 65537;
const NOT_LOGGED_KEY = 65536;
/** `port/proto` of the rollups (port_day holds -1 where reports say "not logged"). */
const rollupKey = (port: number | null, proto: string) => `${port ?? PORT_NOT_LOGGED}/${proto}`;

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
function scanPeriod(db: DB, tz: string, first: number, last: number, unit: 'hour' | 'day', light: boolean): PeriodPass {
  const p = newPass(tz, first, last, unit, light);
  addPeriodRows(db, p, 'ts >= @from AND ts < @to');
  return p;
}

/** Distinct sources per port and distinct ports per source, from the pairs. */
function pairCounts(p: Pass): { portSources: Map<number, number>; srcPorts: number[] } {
  const portSources = new Map<number, number>();
  const srcPorts = new Array<number>(p.ips.length).fill(0);
  for (const pair of p.pairs.keys()) {
    const pk = pair % PAIR;
    portSources.set(pk, (portSources.get(pk) ?? 0) + 1);
    srcPorts[Math.floor(pair / PAIR)]++;
  }
  return { portSources, srcPorts };
}

function splitKey(codes: Codes, pk: number): { port: number | null; proto: string } {
  const port = pk % PORT_SPAN;
  return { port: port === NOT_LOGGED_KEY ? null : port, proto: codes.name('transport', Math.floor(pk / PORT_SPAN)) };
}

const nameOf = (port: number | null, proto: string) => (port === null ? null : (portName(port, proto) ?? null));

/** Builds the report for local days from..to (YYYY-MM-DD) in `opts.tz` (default: the database zone). */
export function buildReport(db: DB, from: string, to: string, opts: ReportOptions = {}): DailyReport {
  return buildReportParts(db, from, to, opts).report;
}

/**
 * The report, and the inputs whose events it counts: what `refreshReport` needs to bring the
 * parts that change without any event of the period changing (alerts, input coverage) up to date.
 */
/**
 * What a report reads of the past before its period (rollups of the days before, the last visit
 * of its worst sources), kept by a caller that knows the past has not changed (report-cache.ts).
 */
export interface PastParts {
  baselineDays?: number;
  baseSums?: Map<string, number>;
  /** `port/proto` of the rollups with a row before the period. */
  portsBefore?: Set<string>;
  /** Last visit before the period per source looked for (null: never seen). */
  lastVisit?: Map<string, number | null>;
}

export function buildReportParts(
  db: DB,
  from: string,
  to: string,
  opts: ReportOptions = {},
  counted?: PeriodPass,
  past?: PastParts,
): { report: DailyReport; inputs: number[]; pass: PeriodPass } {
  const historyZone = loadSettings(db).tz;
  const tz = opts.tz ?? historyZone;
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first > last) throw new Error(`--from ${from} is after --to ${to}`);
  const days = last - first + 1;
  if (days > MAX_RANGE_DAYS) throw new Error(`a report covers at most ${MAX_RANGE_DAYS} days`);
  const codes = new Codes(db);
  const unit = days <= 7 ? 'hour' : 'day';
  // `counted`: this period's pass, kept and brought up to date by the caller.
  const pass = counted && counted.tz === tz && counted.first === first && counted.last === last && counted.unit === unit && !counted.light ? counted : scanPeriod(db, tz, first, last, unit, false);
  const startUtc = dayStartUtc(first, tz);
  const fmt = (ms: number) => formatInstant(ms, tz);

  // Baselines: average events per day with data among the BASELINE_DAYS before the period.
  const bFrom = first - BASELINE_DAYS;
  const pp = past ?? {};
  const baselineDays = (pp.baselineDays ??= db.prepare('SELECT count(DISTINCT day) FROM port_day WHERE day BETWEEN ? AND ?').pluck().get(bFrom, first - 1) as number);
  const baseSums = (pp.baseSums ??= new Map((db.prepare('SELECT port, proto, sum(events) AS events FROM port_day WHERE day BETWEEN ? AND ? GROUP BY port, proto').all(bFrom, first - 1) as { port: number; proto: string; events: number }[]).map((r) => [`${r.port}/${r.proto}`, r.events])));
  const baselineOf = (port: number | null, proto: string) => (baselineDays ? round((baseSums.get(rollupKey(port, proto)) ?? 0) / baselineDays) : null);

  const firstDays = new Map<string, number>();
  if (past) {
    // Ports with a row in the period and none before it: the rows before it are kept (they
    // change only with the past), the period's are few.
    const seen = (past.portsBefore ??= new Set((db.prepare('SELECT DISTINCT port, proto FROM port_day WHERE day < ?').all(first) as { port: number; proto: string }[]).map((r) => `${r.port}/${r.proto}`)));
    for (const r of db.prepare('SELECT port, proto, min(day) AS d FROM port_day WHERE day BETWEEN ? AND ? GROUP BY port, proto').all(first, last) as { port: number; proto: string; d: number }[]) {
      if (!seen.has(`${r.port}/${r.proto}`)) firstDays.set(`${r.port}/${r.proto}`, r.d);
    }
  } else {
    for (const r of db
      .prepare('SELECT port, proto, min(day) AS d FROM port_day WHERE day <= ? GROUP BY port, proto HAVING min(day) >= ?')
      .all(last, first) as { port: number; proto: string; d: number }[]) {
      firstDays.set(`${r.port}/${r.proto}`, r.d);
    }
  }

  const { portSources, srcPorts } = pairCounts(pass);
  const ports: PortRow[] = [...pass.portEvents.entries()]
    .map(([pk, events]) => {
      const { port, proto } = splitKey(codes, pk);
      const baseline = baselineOf(port, proto);
      const perDay = events / days;
      return {
        port, proto, name: nameOf(port, proto), events, sources: portSources.get(pk)!, targets: pass.portTargets.get(pk)!.size, baseline,
        ratio: baseline ? round(perDay / baseline) : null,
        spike: isSpike(perDay, baseline),
        new: firstDays.has(rollupKey(port, proto)),
      };
    })
    .sort((a, b) => b.events - a.events || b.sources - a.sources || (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto));

  const nb = pass.bucketEvents.length;
  const labels = Array.from({ length: nb }, (_, i) => (unit === 'hour' ? hourLabel(first * 24 + i) : dayLabel(first + i)));
  const top = ports.slice(0, TOP_CHART_PORTS);
  const heat = ports.slice(0, TOP_HEAT_PORTS);
  const keyOf = (r: { port: number | null; proto: string }) => codes.code('transport', r.proto) * PORT_SPAN + (r.port ?? NOT_LOGGED_KEY);
  const topPortsOverTime = heat.map((r) => ({
    port: r.port, proto: r.proto, name: r.name,
    values: Array.from({ length: nb }, (_, b) => pass.portBuckets.get(keyOf(r) * nb + b) ?? 0),
  }));

  const hFrom = first - BASELINE_DAYS;
  // Day by day: (day, port) is a key prefix, where a range of days would read all their ports.
  const dayQ = db.prepare('SELECT r.day, r.events FROM json_each(?) d JOIN port_day r ON r.day = d.value AND r.port = ? AND r.proto = ?');
  const historyDays = JSON.stringify(Array.from({ length: last - hFrom + 1 }, (_, i) => hFrom + i));
  const history = {
    labels: Array.from({ length: last - hFrom + 1 }, (_, i) => dayLabel(hFrom + i)),
    series: top.map((r) => {
      const values = new Array<number>(last - hFrom + 1).fill(0);
      for (const d of dayQ.all(historyDays, r.port ?? PORT_NOT_LOGGED, r.proto) as { day: number; events: number }[]) values[d.day - hFrom] = d.events;
      return { port: r.port, proto: r.proto, name: r.name, values, baseline: r.baseline };
    }),
  };

  const topSources = worstSources(db, codes, pass, srcPorts, startUtc, fmt, (pp.lastVisit ??= new Map()));
  const inputs = [...pass.inputs].sort((a, b) => a - b);
  const c = (k: number) => pass.byClass[k] ?? 0;

  const report: DailyReport = {
    report: opts.range ? 'range' : 'daily',
    period: { from: dayLabel(first), to: dayLabel(last), days, tz, historyZone, baselineDays },
    totals: {
      scans: c(CLASS.scan), sources: pass.ips.length, ports: pass.portEvents.size, targets: pass.targets.size,
      late: c(CLASS.late), outbound: c(CLASS.outbound), internal: c(CLASS.internal), external: c(CLASS.external), trusted: c(CLASS.trusted),
      events: pass.byClass.reduce((a, b) => a + (b ?? 0), 0), rejects: 0, skips: 0, parsedPercent: null,
    },
    ports,
    overTime: { unit, labels, sources: [...pass.bucketSources], events: [...pass.bucketEvents] },
    topPortsOverTime,
    history,
    topSources,
    newPorts: ports.filter((r) => r.new).map((r) => ({ port: r.port, proto: r.proto, name: r.name, events: r.events, sources: r.sources, firstDay: dayLabel(firstDays.get(rollupKey(r.port, r.proto))!) })),
    alerts: [],
    devices: devicesOf(pass, codes),
    trusted: trustedSummary(db, pass.trustedSrc, c(CLASS.trusted), fmt),
    coverage: { inputs: [], skipReasons: [], rejectReasons: [], rejectSamples: [] },
    comparison: opts.range ? compare(db, codes, tz, first, last, pass.ips.length, ports) : null,
  };
  return { report: refreshReport(db, report, inputs), inputs, pass };
}

/**
 * The report with its alerts and input coverage read again: alerts change as episodes go on and
 * are triaged, an input's counts as it is read further, neither with the period's events.
 */
export function refreshReport(db: DB, r: DailyReport, inputs: number[]): DailyReport {
  const tz = r.period.tz;
  const coverage = coverageOf(db, inputs);
  const skips = coverage.inputs.reduce((a, i) => a + i.skips, 0);
  const rejects = coverage.inputs.reduce((a, i) => a + i.rejects, 0);
  const parsed = coverage.inputs.reduce((a, i) => a + i.events, 0);
  const startUtc = dayStartUtc(dayNumber(r.period.from), tz);
  const endUtc = dayStartUtc(dayNumber(r.period.to) + 1, tz);
  return {
    ...r,
    totals: { ...r.totals, rejects, skips, parsedPercent: parsed + rejects ? round((100 * parsed) / (parsed + rejects), 1) : null },
    alerts: alertsIn(db, startUtc, endUtc, (ms) => formatInstant(ms, tz)),
    coverage,
  };
}

function portList(codes: Codes, ports: Map<number, number>, n: number): string[] {
  return [...ports.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, n)
    .map(([pk]) => {
      const { port, proto } = splitKey(codes, pk);
      return portLabel(port, proto);
    });
}

function worstSources(db: DB, codes: Codes, p: Pass, srcPorts: number[], startUtc: number, fmt: (ms: number) => string, known: Map<string, number | null>): SourceRow[] {
  // The first TOP_SOURCES in this order, without sorting every source (a busy day has 100,000).
  const cmp = (a: number, b: number) => p.srcEvents[b] - p.srcEvents[a] || (p.ips[a] < p.ips[b] ? -1 : 1);
  const top: number[] = [];
  for (let id = 0; id < p.ips.length; id++) {
    if (top.length === TOP_SOURCES && cmp(id, top[TOP_SOURCES - 1]) >= 0) continue;
    let i = Math.min(top.length, TOP_SOURCES - 1);
    while (i > 0 && cmp(id, top[i - 1]) < 0) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = id;
  }
  const portsOf = new Map<number, Map<number, number>>(top.map((id) => [id, new Map()]));
  for (const [pair, n] of p.pairs) portsOf.get(Math.floor(pair / PAIR))?.set(pair % PAIR, n);
  // Without an index on src this reads the history before the period, going back in growing
  // windows: a source found in one has its last visit there (nothing later is left unread), and
  // only those not found yet are looked for further back; never-seen ones read it all once.
  // `known`: last visits found before (null: none), kept by the caller while the past stays.
  const before = new Map<string, number | null>();
  for (const id of top) {
    const v = known.get(p.ips[id]);
    if (v !== undefined) before.set(p.ips[id], v);
  }
  const lastVisit = db.prepare('SELECT src, max(ts) AS ts FROM events WHERE ts >= ? AND ts < ? AND src IN (SELECT value FROM json_each(?)) GROUP BY src');
  const sought = top.map((id) => p.ips[id]).filter((ip) => !before.has(ip));
  let end = startUtc;
  for (const days of [1, 3, 12, Infinity]) {
    const wanted = sought.filter((ip) => !before.has(ip));
    if (!wanted.length) break;
    const from = days === Infinity ? Number.MIN_SAFE_INTEGER : end - days * 86_400_000;
    for (const r of lastVisit.all(from, end, JSON.stringify(wanted)) as { src: string; ts: number }[]) before.set(r.src, r.ts);
    end = from;
  }
  for (const ip of sought) known.set(ip, before.get(ip) ?? null);
  return top.map((id) => {
    const ip = p.ips[id];
    const prev = before.get(ip) ?? undefined;
    return {
      ip, events: p.srcEvents[id], ports: srcPorts[id], topPorts: portList(codes, portsOf.get(id)!, 5),
      first: fmt(p.srcFirst[id]), last: fmt(p.srcLast[id]), seenBefore: prev === undefined ? null : fmt(prev), new: prev === undefined,
    };
  });
}

/** Per port: the period against the previous one of the same length. */
function compare(db: DB, codes: Codes, tz: string, first: number, last: number, sourcesNow: number, ports: PortRow[]): Comparison {
  const days = last - first + 1;
  const before = scanPeriod(db, tz, first - days, first - 1, 'day', true);
  const { portSources } = pairCounts(before);
  const rows = new Map<number, ComparisonRow>();
  const keyOf = (port: number | null, proto: string) => codes.code('transport', proto) * PORT_SPAN + (port ?? NOT_LOGGED_KEY);
  for (const r of ports) rows.set(keyOf(r.port, r.proto), { port: r.port, proto: r.proto, name: r.name, eventsBefore: 0, eventsNow: r.events, sourcesBefore: 0, sourcesNow: r.sources, change: null });
  for (const [pk, events] of before.portEvents) {
    let r = rows.get(pk);
    if (!r) {
      const { port, proto } = splitKey(codes, pk);
      rows.set(pk, (r = { port, proto, name: nameOf(port, proto), eventsBefore: 0, eventsNow: 0, sourcesBefore: 0, sourcesNow: 0, change: null }));
    }
    r.eventsBefore = events;
    r.sourcesBefore = portSources.get(pk)!;
  }
  for (const r of rows.values()) r.change = r.eventsBefore ? round((100 * (r.eventsNow - r.eventsBefore)) / r.eventsBefore, 1) : null;
  return {
    from: dayLabel(first - days),
    to: dayLabel(first - 1),
    scansBefore: before.byClass[CLASS.scan] ?? 0,
    scansNow: ports.reduce((a, r) => a + r.events, 0),
    sourcesBefore: before.ips.length,
    sourcesNow,
    ports: [...rows.values()].sort((a, b) => Math.max(b.eventsNow, b.eventsBefore) - Math.max(a.eventsNow, a.eventsBefore) || (a.port ?? -1) - (b.port ?? -1) || a.proto.localeCompare(b.proto)),
  };
}

function devicesOf(p: Pass, codes: Codes): DeviceRow[] {
  const rows: DeviceRow[] = [];
  for (const [hostCode, rules] of p.devices) {
    const host = hostCode === null ? null : codes.name('host', hostCode);
    for (const [ruleCode, by] of rules) {
      const rule = ruleCode === null ? null : codes.name('rule', ruleCode);
      const at = (k: number) => by[k] ?? 0;
      const events = by.reduce((a, b) => a + (b ?? 0), 0);
      const known = at(CLASS.scan) + at(CLASS.late) + at(CLASS.outbound) + at(CLASS.trusted);
      rows.push({ host, rule, scans: at(CLASS.scan), late: at(CLASS.late), outbound: at(CLASS.outbound), trusted: at(CLASS.trusted), other: events - known, events });
    }
  }
  return rows.sort((a, b) => b.events - a.events || String(a.host).localeCompare(String(b.host)) || String(a.rule).localeCompare(String(b.rule)));
}

function trustedSummary(db: DB, m: Map<string, SrcStat>, events: number, fmt: (ms: number) => string): TrustedSummary {
  const entries = listTrusted(db).map((e) => ({ cidr: e.cidr, note: e.note, set: new CidrSet([e.cidr]), events: 0, sources: 0 }));
  for (const [ip, s] of m) {
    const e = entries.find((x) => x.set.has(ip));
    if (e) {
      e.events += s.events;
      e.sources++;
    }
  }
  return {
    events,
    sources: m.size,
    entries: entries.map(({ set: _set, ...e }) => e),
    top: [...m.entries()]
      .sort((a, b) => b[1].events - a[1].events || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([ip, s]) => ({ ip, events: s.events, ports: s.ports.size, first: fmt(s.first), last: fmt(s.last) })),
  };
}
