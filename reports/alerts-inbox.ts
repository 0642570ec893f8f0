/**
 * The alerts inbox: open and closed alerts with their triage (who closed them, when, with which
 * note), filtered by kind, danger level and host, and one alert in full with its evidence lines
 * and its triage history. Reads only; triage is written by src/store/alert-triage.ts.
 */
import type { DB } from '../src/store/db';
import { loadSettings } from '../src/store/settings';
import { formatInstant } from './time';
import { alertFacts } from '../src/contract/alert-view';

export type AlertStatus = 'open' | 'closed';

export interface InboxAlert {
  id: number;
  kind: string;
  host: string;
  port: number;
  proto: string;
  /** psad danger level 1–5 of scan alerts; null for kinds without one (worm). */
  level: number | null;
  destinations: number;
  events: number;
  peak: number;
  threshold: number;
  windowS: number;
  first: string;
  last: string;
  status: AlertStatus;
  closedAt: string | null;
  /** The detector updated the episode after it was closed: worth a second look. */
  updatedSinceClosed: boolean;
  /** The probe kinds with their nmap options (`SYN (-sS)`); '' for a worm burst. */
  scanType: string;
  /** Distinct targets and ports the episode reached (a vertical scan: its ports; the others: one port). */
  targets: number;
  ports: number;
  /** `long`: seen over the 24-hour window only (a slow scan). */
  window: 'fast' | 'long';
  /** When it was raised (the event that met the threshold), in the database's zone; null if not recorded. */
  raised: string | null;
}

export interface TriageNote { id: number; at: string; action: string; by: string; via: string; note: string | null }

export interface AlertDetail extends InboxAlert {
  evidence: { firstLine?: string; lastLine?: string; sampleDestinations?: string[]; [k: string]: unknown };
  notes: TriageNote[];
}

export interface InboxFilter {
  status?: AlertStatus | 'all';
  kind?: string;
  /** Lowest danger level shown (alerts without a level are left out when set). */
  level?: number;
  /** The host (the inside host of a worm alert, the source of a scan). */
  host?: string;
  limit?: number;
  offset?: number;
}

export interface Inbox {
  zone: string;
  counts: { open: number; closed: number };
  kinds: string[];
  total: number;
  rows: InboxAlert[];
}

interface AlertRowDb {
  id: number; kind: string; host: string; port: number; proto: string; level: number | null; destinations: number; events: number;
  peak: number; threshold: number; window_s: number; first: number; last: number; status: AlertStatus; closed_at: number | null; updated: number;
  evidence: string;
}

const COLS = 'id, kind, host, port, proto, level, destinations, events, peak, threshold, window_s, first, last, status, closed_at, updated, evidence';

function parseEvidence(text: string): AlertDetail['evidence'] {
  try {
    const e = JSON.parse(text) as unknown;
    return e !== null && typeof e === 'object' ? (e as AlertDetail['evidence']) : { unreadable: text };
  } catch {
    return { unreadable: text };
  }
}

function toInbox(r: AlertRowDb, tz: string, evidence = parseEvidence(r.evidence)): InboxAlert {
  // The facts every other alert output shows (contract/alert-view.ts), so the inbox says the same.
  const f = alertFacts({ kind: r.kind, host: r.host, port: r.port, proto: r.proto, level: r.level, destinations: r.destinations, windowS: r.window_s, evidence });
  const raisedAt = typeof evidence.raisedAt === 'number' ? evidence.raisedAt : undefined;
  return {
    id: r.id, kind: r.kind, host: r.host, port: r.port, proto: r.proto, level: r.level, destinations: r.destinations, events: r.events,
    peak: r.peak, threshold: r.threshold, windowS: r.window_s, first: formatInstant(r.first, tz), last: formatInstant(r.last, tz),
    status: r.status, closedAt: r.closed_at === null ? null : formatInstant(r.closed_at, tz),
    updatedSinceClosed: r.status === 'closed' && r.closed_at !== null && r.updated > r.closed_at,
    scanType: f.scan_type, targets: f.targets, ports: f.ports, window: f.window,
    raised: raisedAt === undefined || !Number.isFinite(raisedAt) ? null : formatInstant(raisedAt, tz),
  };
}

export function alertsInbox(db: DB, f: InboxFilter = {}): Inbox {
  const tz = loadSettings(db).tz;
  const status = f.status ?? 'open';
  if (!['open', 'closed', 'all'].includes(status)) throw new Error('status is open, closed or all');
  if (f.level !== undefined && (!Number.isInteger(f.level) || f.level < 1 || f.level > 5)) throw new Error('level is a danger level from 1 to 5');
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 500);
  const where = `(@status = 'all' OR status = @status) AND (@kind IS NULL OR kind = @kind)
    AND (@level IS NULL OR level >= @level) AND (@host IS NULL OR host = @host)`;
  const p = { status, kind: f.kind ?? null, level: f.level ?? null, host: f.host?.trim() || null };
  const counts = { open: 0, closed: 0 };
  for (const r of db.prepare('SELECT status, count(*) AS n FROM alerts GROUP BY status').all() as { status: AlertStatus; n: number }[]) counts[r.status] = r.n;
  const rows = db
    .prepare(`SELECT ${COLS} FROM alerts WHERE ${where} ORDER BY coalesce(level, 0) DESC, last DESC, id DESC LIMIT @limit OFFSET @offset`)
    .all({ ...p, limit, offset: Math.max(f.offset ?? 0, 0) }) as AlertRowDb[];
  return {
    zone: tz,
    counts,
    kinds: db.prepare('SELECT DISTINCT kind FROM alerts ORDER BY kind').pluck().all() as string[],
    total: db.prepare(`SELECT count(*) FROM alerts WHERE ${where}`).pluck().get(p) as number,
    rows: rows.map((r) => toInbox(r, tz)),
  };
}

/** One alert with its evidence and triage history; undefined when there is no such alert. */
export function alertDetail(db: DB, id: number): AlertDetail | undefined {
  const tz = loadSettings(db).tz;
  const r = db.prepare(`SELECT ${COLS} FROM alerts WHERE id = ?`).get(id) as AlertRowDb | undefined;
  if (!r) return undefined;
  const notes = (db.prepare('SELECT id, at, action, by, via, note FROM alert_notes WHERE alert_id = ? ORDER BY id').all(id) as (Omit<TriageNote, 'at'> & { at: number })[])
    .map((n) => ({ ...n, at: formatInstant(n.at, tz) }));
  const evidence = parseEvidence(r.evidence);
  return { ...toInbox(r, tz, evidence), evidence, notes };
}

/** Alerts changed (opened, updated by a detector) after `since` (UTC ms), newest first: the live feed. */
export function alertsUpdatedSince(db: DB, since: number, limit = 20): { updated: number; rows: InboxAlert[] } {
  const tz = loadSettings(db).tz;
  const rows = db.prepare(`SELECT ${COLS} FROM alerts WHERE updated > ? ORDER BY updated DESC LIMIT ?`).all(since, limit) as AlertRowDb[];
  const updated = (db.prepare('SELECT coalesce(max(updated), 0) FROM alerts').pluck().get() as number) ?? 0;
  return { updated, rows: rows.map((r) => toInbox(r, tz)) };
}
