/**
 * `portledger alerts`: the stored alerts, filtered (period, kind, source address or network,
 * danger level, triage state), as rows every format shows alike — one line each, whatever the
 * kind, with the facts of src/contract/alert-view.ts and the evidence lines. JSON keeps the whole
 * stored row (evidence object included) beside those facts.
 */
import ipaddr from 'ipaddr.js';
import type { DB } from '../src/store/db';
import { dayNumber, dayStartUtc } from '../src/store/rollups/buckets';
import { loadSettings } from '../src/store/settings';
import { alertFacts, evidenceSummary, type AlertFacts } from '../src/contract/alert-view';
import type { Column, Tone } from './render';
import { formatInstant } from './time';

export const ALERT_KINDS = ['vertical-scan', 'horizontal-scan', 'worm'] as const;

export interface AlertRow extends AlertFacts {
  id: number; kind: string; host: string; port: number; proto: string; destinations: number; events: number; peak: number;
  first: string; last: string; threshold: number; evidence: unknown;
}

export interface AlertFilter {
  tz?: string;
  /** Local days (YYYY-MM-DD) of the report zone: alerts active on any day from `from` to `to`. */
  from?: string;
  to?: string;
  kind?: string;
  /** An address or a network (CIDR): alerts whose source is it or inside it. */
  source?: string;
  minLevel?: number;
  /** Only alerts nobody has closed. */
  open?: boolean;
}

/** `--kind` takes the stored names and the words people use for them. */
const KIND_WORDS: Record<string, string> = {
  'vertical-scan': 'vertical-scan', vertical: 'vertical-scan', 'port-scan': 'vertical-scan', portscan: 'vertical-scan', scan: 'vertical-scan',
  'horizontal-scan': 'horizontal-scan', horizontal: 'horizontal-scan', sweep: 'horizontal-scan', 'horizontal-sweep': 'horizontal-scan',
  worm: 'worm', 'worm-burst': 'worm',
};

export function alertKind(word: string): string {
  const k = KIND_WORDS[word.trim().toLowerCase()];
  if (!k) throw new Error(`--kind: "${word}" is no alert kind; kinds: ${ALERT_KINDS.join(', ')} (also: port-scan, sweep)`);
  return k;
}

/** A matcher of `--source`: one address, or a network in CIDR notation. */
export function sourceMatcher(spec: string): (ip: string) => boolean {
  const t = spec.trim();
  try {
    if (t.includes('/')) {
      const [net, bits] = ipaddr.parseCIDR(t);
      return (ip) => {
        try {
          const a = ipaddr.process(ip);
          return a.kind() === net.kind() && a.match(net, bits);
        } catch {
          return false;
        }
      };
    }
    const want = ipaddr.process(t).toNormalizedString();
    return (ip) => {
      try {
        return ipaddr.process(ip).toNormalizedString() === want;
      } catch {
        return false;
      }
    };
  } catch {
    throw new Error(`--source: "${spec}" is neither an IP address nor a network like 203.0.113.0/24`);
  }
}

type StoredAlert = {
  id: number; kind: string; host: string; level: number | null; port: number; proto: string; destinations: number; events: number; peak: number;
  first: number; last: number; threshold: number; window_s: number; evidence: string; status: string | null;
};

export function alertsReport(db: DB, f: AlertFilter = {}): AlertRow[] {
  const zone = loadSettings(db).tz;
  const tz = f.tz ?? zone;
  const kind = f.kind === undefined ? null : alertKind(f.kind);
  if (f.minLevel !== undefined && !(Number.isInteger(f.minLevel) && f.minLevel >= 1 && f.minLevel <= 5)) throw new Error('--min-level is a danger level from 1 to 5');
  const from = f.from === undefined ? null : dayStartUtc(dayNumber(f.from), tz);
  const to = f.to === undefined ? null : dayStartUtc(dayNumber(f.to) + 1, tz);
  if (from !== null && to !== null && from >= to) throw new Error('--from is after --to');
  const source = f.source === undefined ? undefined : sourceMatcher(f.source);
  const rows = db
    .prepare(
      `SELECT id, kind, host, level, port, proto, destinations, events, peak, first, last, threshold, window_s, evidence, status
       FROM alerts
       WHERE (@kind IS NULL OR kind = @kind) AND (@from IS NULL OR last >= @from) AND (@to IS NULL OR first < @to)
         AND (@minLevel IS NULL OR level >= @minLevel) AND (@open = 0 OR status = 'open')
       ORDER BY first, id`,
    )
    .all({ kind, from, to, minLevel: f.minLevel ?? null, open: f.open ? 1 : 0 }) as StoredAlert[];
  return rows
    .filter((r) => source === undefined || source(r.host))
    .map((r) => {
      const evidence = JSON.parse(r.evidence) as unknown;
      const facts = alertFacts({ ...r, windowS: r.window_s, state: r.status, evidence });
      return {
        id: r.id, kind: r.kind, host: r.host, port: r.port, proto: r.proto, destinations: r.destinations, events: r.events, peak: r.peak,
        threshold: r.threshold, ...facts, first: formatInstant(r.first, tz), last: formatInstant(r.last, tz), evidence,
      };
    });
}

/** One alert as a table, CSV or Markdown row. */
export interface FlatAlert {
  id: number;
  kind: string;
  source: string;
  level: number | null;
  scan_type: string;
  targets: number;
  ports: number;
  proto: string;
  packets: number;
  peak: number;
  first: string;
  last: string;
  /** When the alert was raised: the event that met the threshold (UTC). */
  raised: string;
  window: string;
  state: string;
  evidence: string;
  first_line: string;
  last_line: string;
}

export function flatAlert(r: AlertRow): FlatAlert {
  return {
    id: r.id, kind: r.kind, source: r.source, level: r.level, scan_type: r.scan_type, targets: r.targets, ports: r.ports, proto: r.proto,
    packets: r.events, peak: r.peak, first: r.first, last: r.last, raised: r.raised ?? '', window: `${r.window} ${r.window_s}s`, state: r.state,
    evidence: evidenceSummary(r.kind, r), first_line: r.first_line, last_line: r.last_line,
  };
}

/**
 * How an alert stands out on a colour terminal: psad's danger levels 4–5 (1,500 and 10,000
 * packets) and a worm burst (an inside host gone bad) in red, 3 in yellow, 1–2 in cyan.
 */
export function alertTone(a: Pick<FlatAlert, 'kind' | 'level'>): Tone {
  if (a.kind === 'worm' || (a.level ?? 0) >= 4) return 'danger';
  return (a.level ?? 0) >= 3 ? 'warning' : 'notice';
}

export const FLAT_ALERT_COLUMNS: Column<FlatAlert>[] = [
  { key: 'id', title: 'id', align: 'right' },
  { key: 'kind', title: 'kind', tone: (_v, a) => alertTone(a) },
  { key: 'source', title: 'source' },
  { key: 'level', title: 'level', align: 'right', tone: (_v, a) => (a.level === null ? undefined : alertTone(a)) },
  { key: 'scan_type', title: 'scan type' },
  { key: 'targets', title: 'targets', align: 'right' },
  { key: 'ports', title: 'ports', align: 'right' },
  { key: 'proto', title: 'proto' },
  { key: 'packets', title: 'packets', align: 'right' },
  { key: 'peak', title: 'peak/window', align: 'right' },
  { key: 'first', title: 'first' },
  { key: 'last', title: 'last' },
  { key: 'raised', title: 'raised (UTC)' },
  { key: 'window', title: 'window' },
  { key: 'state', title: 'state' },
  { key: 'evidence', title: 'evidence' },
  { key: 'first_line', title: 'first line' },
  { key: 'last_line', title: 'last line' },
];

/** An alert's title and what happened, in a sentence a report prints (daily report, Markdown and HTML). */
export function alertHeadline(a: AlertFacts & { kind: string; port: number; proto: string }): string {
  switch (a.kind) {
    case 'worm':
      return `Worm-like outbound traffic: ${a.source} → ${a.port}/${a.proto}`;
    case 'vertical-scan':
      return `Port scan: ${a.source} → ${a.ports} ports of ${a.targets} host${a.targets === 1 ? '' : 's'}`;
    case 'horizontal-scan':
      return `Sweep: ${a.source} → ${a.port}/${a.proto} on ${a.targets} hosts`;
    default:
      return `${a.kind}: ${a.source}`;
  }
}

export function alertSentence(a: AlertFacts & { kind: string; port: number; proto: string; events: number; peak: number; threshold: number; first: string; last: string }): string {
  const level = a.level === null ? '' : `Danger level ${a.level} of 5. `;
  const how = a.scan_type ? ` Scan type: ${a.scan_type}.` : '';
  const win = `${a.window === 'long' ? 'the slow-scan window of' : 'a window of'} ${a.window_s.toLocaleString('en-US')} s`;
  const what =
    a.kind === 'worm'
      ? `${a.source} reached ${a.targets.toLocaleString('en-US')} distinct outside hosts on ${a.port}/${a.proto}`
      : a.kind === 'vertical-scan'
        ? `${a.source} probed ${a.ports.toLocaleString('en-US')} ports (${a.sample_ports.slice(0, 10).join(' ')}${a.ports > 10 ? ' …' : ''}) of ${a.sample_targets.slice(0, 3).join(' ')}${a.targets > 3 ? ' …' : ''}`
        : `${a.source} probed ${a.port}/${a.proto} on ${a.targets.toLocaleString('en-US')} hosts`;
  return `${level}${what}; threshold ${a.threshold.toLocaleString('en-US')} within ${win}, peak ${a.peak.toLocaleString('en-US')} in one window, ${a.events.toLocaleString('en-US')} packets from ${a.first} to ${a.last}.${how} State: ${a.state}.`;
}
