/**
 * The shape of the daily (and range) report — what its JSON holds and what the HTML and Markdown
 * renderers read — and the rules that shape it (the spike rule, how much each list carries).
 * reports/daily-data.ts fills it from the database.
 */
import type { AlertFacts } from '../src/contract/alert-view';

/** A port is a spike when its daily events exceed this many times its trailing baseline… */
export const SPIKE_FACTOR = 3;
/** …and reach at least this many events a day (one packet against a baseline of 0.1 is noise). */
export const SPIKE_MIN_EVENTS = 10;
export const BASELINE_DAYS = 30;
export const TOP_SOURCES = 25;
export const TOP_CHART_PORTS = 5;
/** Ports (rows) of the port × hour heat map: `topPortsOverTime` carries this many. */
export const TOP_HEAT_PORTS = 20;
export const REJECT_SAMPLES = 10;
/** Longest range the report accepts (the period's events are read in one pass). */
export const MAX_RANGE_DAYS = 366;

/**
 * `historyZone`: zone of the rollup days behind baselines, history and first-seen ports (the
 * database's). `baselineDays`: days with scan data among the BASELINE_DAYS before `from`, what
 * each baseline averages over.
 */
export interface Period { from: string; to: string; days: number; tz: string; historyZone: string; baselineDays: number }

/** `parsedPercent`: events per 100 lines that looked like firewall traffic (events + rejects) in the period's inputs. */
export interface Totals {
  scans: number; sources: number; ports: number; targets: number;
  late: number; outbound: number; internal: number; external: number; trusted: number; events: number;
  rejects: number; skips: number; parsedPercent: number | null;
}

/**
 * `baseline`: average events per day over the baseline days (null without any); `ratio`: events
 * per day in the period / baseline (null when the baseline is null or 0); `new`: first scanned in
 * the period according to the whole port_day history.
 */
/** `port` is null for TCP / UDP scans whose destination port the device did not log. */
export interface PortRow {
  port: number | null; proto: string; name: string | null; events: number; sources: number; targets: number;
  baseline: number | null; ratio: number | null; spike: boolean; new: boolean;
}

export interface Series { port: number | null; proto: string; name: string | null; values: number[] }

/** `seenBefore`: the last event from this address before the period (any class), null when never seen. */
export interface SourceRow {
  ip: string; events: number; ports: number; topPorts: string[]; first: string; last: string; seenBefore: string | null; new: boolean;
}

/** An alert of the period: the stored row and the facts every alert output shows (contract/alert-view.ts). */
export interface AlertItem extends AlertFacts {
  id: number; kind: string; host: string; port: number; proto: string;
  first: string; last: string; destinations: number; events: number; peak: number; threshold: number; windowS: number;
  evidence: { firstLine?: string; lastLine?: string; sampleDestinations?: string[] };
}

/** What logged the period's events: device host name and rule (log prefix), as written in the log. */
export interface DeviceRow { host: string | null; rule: string | null; scans: number; late: number; outbound: number; trusted: number; other: number; events: number }

export interface TrustedSummary {
  events: number;
  sources: number;
  entries: { cidr: string; note: string | null; events: number; sources: number }[];
  top: { ip: string; events: number; ports: number; first: string; last: string }[];
}

/** Lines counted under one catalog reason (parsers/lib/reasons.ts): code, detail, wording. */
export interface ReasonCount {
  reason: string;
  /** '' when the reason carries none. */
  detail: string;
  text: string;
  count: number;
}

export interface Coverage {
  inputs: { id: number; name: string; lines: number; events: number; skips: number; rejects: number }[];
  skipReasons: ReasonCount[];
  rejectReasons: ReasonCount[];
  rejectSamples: { input: string; line: number; reason: string; detail: string; text: string; sample: string }[];
}

export interface ComparisonRow { port: number | null; proto: string; name: string | null; eventsBefore: number; eventsNow: number; sourcesBefore: number; sourcesNow: number; change: number | null }

export interface Comparison { from: string; to: string; scansBefore: number; scansNow: number; sourcesBefore: number; sourcesNow: number; ports: ComparisonRow[] }

/**
 * `overTime`: unique scanning sources (all ports) and scan events per hour (per day beyond a week);
 * `topPortsOverTime`: events per hour (or day) of the TOP_HEAT_PORTS busiest ports (the heat map);
 * `history`: events per day of the top ports over the baseline window and the period (rollup zone).
 */
export interface DailyReport {
  report: 'daily' | 'range';
  period: Period;
  totals: Totals;
  ports: PortRow[];
  overTime: { unit: 'hour' | 'day'; labels: string[]; sources: number[]; events: number[] };
  topPortsOverTime: Series[];
  history: { labels: string[]; series: (Series & { baseline: number | null })[] };
  topSources: SourceRow[];
  newPorts: { port: number | null; proto: string; name: string | null; events: number; sources: number; firstDay: string }[];
  alerts: AlertItem[];
  devices: DeviceRow[];
  trusted: TrustedSummary;
  coverage: Coverage;
  comparison: Comparison | null;
}

export interface ReportOptions {
  tz?: string;
  /** A range report: adds the comparison with the previous period of the same length. */
  range?: boolean;
}

/** The spike rule, on events per day against the baseline's events per day. */
export function isSpike(perDay: number, baseline: number | null): boolean {
  return baseline !== null && perDay >= SPIKE_MIN_EVENTS && perDay > SPIKE_FACTOR * baseline;
}
