/**
 * The daily (and range) attack report as one data object: JSON is this object, HTML and
 * Markdown render it. Counts that need distinct sets over the period (sources across ports,
 * sources per hour, the worst sources) come from one pass over the period's events by time range
 * (the `events_ts` index); history (baselines, the 30-day chart, first-seen ports, the previous
 * period's events) comes from the `port_day` rollup. Every query is parameterized.
 */
import type { DB } from '../src/store/db';
import { CLASS, Codes } from '../src/store/codes';
import { dayLabel, dayNumber, dayStartUtc, hourLabel } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { listTrusted } from '../src/store/trust-store';
import { CidrSet } from '../src/classify/networks';
import { formatInstant } from './time';
import { alertsIn, coverageOf } from './daily-fresh';
import { portName } from './port-info';
import { portLabel } from './render';
import { PORT_NOT_LOGGED } from '../src/store/rollups/aggregate';
import {
  NOT_LOGGED_KEY, PAIR, PORT_SPAN, addPeriodRows, pairCounts, rollupKey, scanPeriod, splitKey,
  type Pass, type PeriodPass, type SrcStat,
} from './period-pass';
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

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export { dayStartUtc };

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
