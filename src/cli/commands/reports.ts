import type { Command } from 'commander';
import { openReadOnly, resolveDbPath, type DB } from '../../store/db';
import { alertsReport, portsReport, sourcesPerHourReport } from '../../../reports/queries';
import { render } from '../../../reports/render';
import { PORT_DAY_COLUMNS, SOURCES_HOUR_COLUMNS } from '../../../reports/columns';
import { FLAT_ALERT_COLUMNS, flatAlert } from '../../../reports/alerts';
import { outputFormat } from '../output';
import { dbOption, limitOption, outputOption, portArg, protoArg, renderZoneOption, TABLE_FORMATS } from '../options';

export interface ReportFlags {
  db?: string;
  tz?: string;
  format?: string;
  from?: string;
  to?: string;
  date?: string;
  port?: number;
  proto?: string;
  limit?: number;
}

function withDb<T>(flags: ReportFlags, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(flags.db));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const limited = <T>(rows: T[], limit?: number) => (limit === undefined ? rows : rows.slice(0, limit));

export function portsCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => portsReport(db, { from: f.from, to: f.to, port: f.port, proto: f.proto, tz: f.tz }));
  return render(limited(rows, f.limit), PORT_DAY_COLUMNS, fmt, 'no inbound scans in that range');
}

export function sourcesPerHourCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => sourcesPerHourReport(db, { date: f.date, port: f.port, proto: f.proto, tz: f.tz }));
  return render(limited(rows, f.limit), SOURCES_HOUR_COLUMNS, fmt, 'no inbound scans that day');
}

export function alertsCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => alertsReport(db, { tz: f.tz }));
  if (fmt === 'json') return render(limited(rows, f.limit), [], fmt);
  return render(limited(rows.map(flatAlert), f.limit), FLAT_ALERT_COLUMNS, fmt, 'no alerts');
}

function reportOptions(cmd: Command): Command {
  return cmd.addOption(outputOption(TABLE_FORMATS)).addOption(limitOption()).addOption(renderZoneOption()).addOption(dbOption());
}

export function register(program: Command): void {
  const report = program.command('report').description('reports over the stored events');
  reportOptions(
    report
      .command('ports')
      .description('per port, protocol and day: events, unique sources and unique targets of inbound scans (trusted left out)')
      .option('--from <date>', 'first day, YYYY-MM-DD (default: 6 days before --to)')
      .option('--to <date>', 'last day, YYYY-MM-DD (default: the latest day with data)')
      .option('--port <n>', 'one port only', portArg)
      .option('--proto <p>', 'one protocol only (tcp, udp, icmp, …)', protoArg),
  ).action((o: ReportFlags) => void process.stdout.write(portsCommand(o)));
  reportOptions(
    report
      .command('sources-per-hour')
      .description('per port, protocol and hour of one day: unique source addresses of inbound scans')
      .option('--date <date>', 'the day, YYYY-MM-DD (default: the latest day with data)')
      .option('--port <n>', 'one port only', portArg)
      .option('--proto <p>', 'one protocol only', protoArg),
  ).action((o: ReportFlags) => void process.stdout.write(sourcesPerHourCommand(o)));
  reportOptions(program.command('alerts').description('alerts raised by the detectors (port scans and sweeps, worm-like outbound volume on 445) with their evidence')).action(
    (o: ReportFlags) => void process.stdout.write(alertsCommand(o)),
  );
}
