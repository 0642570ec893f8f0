/**
 * portledger as a library: parse a log line into an ECS document, ingest files into a ledger,
 * and read the ledger's reports. The CLI (src/cli) is built on the same pieces.
 */
import { createClock } from '../parsers/clock';
import { ecsDocument, type EcsDocument } from '../parsers/ecs';
import type { RejectCode, SkipCode } from '../parsers/types';
import { parserById, parseRecord } from '../parsers';
import { classify } from './classify/classifier';
import { CidrSet, DEFAULT_HOME } from './classify/networks';
import { closeDb, openDb, openReadOnly, type DB } from './store/db';
import { IngestSession, type SourceSummary } from './pipeline/ingest';
import { openInput } from './sources/inputs';
import { alertsReport, portsReport, sourcesPerHourReport } from '../reports/queries';

export type { EcsDocument } from '../parsers/ecs';
export type { FirewallEvent, LogParser, ParseOutcome, RejectCode, SkipCode } from '../parsers/types';
export { PARSERS } from '../parsers';
export type { SourceSummary } from './pipeline/ingest';
export type { PortDayRow, SourcesHourRow, AlertRow } from '../reports/queries';

export interface ParseLineOptions {
  /** IANA zone the line was written in (default UTC). */
  tz?: string;
  /** Year for a syslog stamp without one (default: inferred from now). */
  year?: number;
  /** A log format id (`portledger formats`) instead of detection. */
  format?: string;
  /** Home networks besides RFC 1918, loopback, link-local and ULA. */
  home?: string[];
}

/**
 * What a line became. Skip and reject reasons are codes of the catalog (docs/reasons.md), with the
 * detail some carry beside them: `{ skip: 'not-firewall', detail: 'dhcpd' }`.
 */
export type ParsedLine = { event: EcsDocument } | { skip: SkipCode; detail?: string } | { reject: RejectCode; detail?: string };

/** One log line → an ECS document with its classification, or why it is not an event. */
export function parseLine(line: string, opts: ParseLineOptions = {}): ParsedLine {
  const clock = createClock(opts.tz ?? 'UTC', { fixedYear: opts.year, reference: () => Date.now() });
  const { outcome } = parseRecord(line, clock, opts.format ? parserById(opts.format) : undefined);
  if (outcome.kind === 'skip') return outcome.detail === undefined ? { skip: outcome.reason } : { skip: outcome.reason, detail: outcome.detail };
  if (outcome.kind === 'reject') return outcome.detail === undefined ? { reject: outcome.reason } : { reject: outcome.reason, detail: outcome.detail };
  const c = classify(outcome.event, { home: new CidrSet([...DEFAULT_HOME, ...(opts.home ?? [])]), wanIf: new Set(), trusted: new CidrSet([]) });
  return { event: ecsDocument(outcome.event, c) };
}

/** Ingests files (plain or gzip) into the ledger at `dbFile`, creating it if needed; idempotent like `portledger ingest`. */
export async function ingestFiles(dbFile: string, files: string[], opts: { tz: string; year?: number; format?: string }): Promise<SourceSummary[]> {
  const db = openDb(dbFile);
  try {
    const session = new IngestSession(db, opts);
    const out: SourceSummary[] = [];
    for (const f of files) out.push(await session.ingest(await openInput(f)));
    session.finish();
    return out;
  } finally {
    closeDb(db);
  }
}

/** A ledger opened for reading (works on a file this user cannot write). Close it when done. */
export interface Ledger {
  db: DB;
  ports: (opts?: Parameters<typeof portsReport>[1]) => ReturnType<typeof portsReport>;
  sourcesPerHour: (opts?: Parameters<typeof sourcesPerHourReport>[1]) => ReturnType<typeof sourcesPerHourReport>;
  alerts: () => ReturnType<typeof alertsReport>;
  close: () => void;
}

export function openLedger(dbFile: string): Ledger {
  const db = openReadOnly(dbFile);
  return {
    db,
    ports: (o = {}) => portsReport(db, o),
    sourcesPerHour: (o = {}) => sourcesPerHourReport(db, o),
    alerts: () => alertsReport(db),
    close: () => db.close(),
  };
}
