import { openReadOnly, resolveDbPath, type DB } from '../../store/db';
import { alertsReport, portsReport, sourcesPerHourReport } from '../../../reports/queries';
import { render } from '../../../reports/render';
import { ALERT_COLUMNS, PORT_DAY_COLUMNS, SOURCES_HOUR_COLUMNS } from '../../../reports/columns';
import { outputFormat } from '../output';

export interface ReportFlags {
  db?: string;
  tz?: string;
  format?: string;
  from?: string;
  to?: string;
  date?: string;
  port?: number;
  proto?: string;
}

function withDb<T>(flags: ReportFlags, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(flags.db));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function portsCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => portsReport(db, { from: f.from, to: f.to, port: f.port, proto: f.proto?.toLowerCase(), tz: f.tz }));
  return render(rows, PORT_DAY_COLUMNS, fmt, 'no inbound scans in that range');
}

export function sourcesPerHourCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => sourcesPerHourReport(db, { date: f.date, port: f.port, proto: f.proto?.toLowerCase(), tz: f.tz }));
  return render(rows, SOURCES_HOUR_COLUMNS, fmt, 'no inbound scans that day');
}

export function alertsCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => alertsReport(db, { tz: f.tz }));
  const flat = fmt === 'json' ? rows : rows.map((r) => ({ ...r, evidence: (r.evidence as { sampleDestinations?: string[] }).sampleDestinations?.slice(0, 5).join(' ') }));
  return render(flat, ALERT_COLUMNS, fmt, 'no alerts');
}
