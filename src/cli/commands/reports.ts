import type { Command } from 'commander';
import { openReadOnly, resolveDbPath, type DB } from '../../store/db';
import { alertsReport, portsListing } from '../../../reports/queries';
import { sourcesPerHourListing, type HourlyRow } from '../../../reports/sources-per-hour';
import { PORT_NOT_LOGGED_TEXT, render, type Column } from '../../../reports/render';
import { PORT_DAY_COLUMNS } from '../../../reports/columns';
import { ALERT_KINDS, FLAT_ALERT_COLUMNS, flatAlert } from '../../../reports/alerts';
import { emptyNote, periodNote, type ReportPeriod } from '../../../reports/period';
import { limited, note, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { dbOption, levelArg, listingOptions, portArg, protoArg, renderZoneOption } from '../options';

export interface ReportFlags extends ListingFlags {
  db?: string;
  tz?: string;
  from?: string;
  to?: string;
  date?: string;
  port?: number;
  proto?: string;
  kind?: string;
}

function withDb<T>(flags: ReportFlags, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(flags.db));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Which period the report chose (when the user did not), or why it is empty: on stderr, whatever the format. */
function sayPeriod(period: ReportPeriod | undefined, empty: boolean, how: string): void {
  const chosen = period && periodNote(period, how);
  if (chosen) note(chosen);
  if (empty) note(emptyNote(period));
}

export function portsCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const { period, rows } = withDb(f, (db) => portsListing(db, { from: f.from, to: f.to, port: f.port, proto: f.proto, tz: f.tz }));
  sayPeriod(period, rows.length === 0, '--from/--to');
  if (rows.length === 0 && fmt === 'table') return '';
  return render(limited(rows, f), PORT_DAY_COLUMNS, fmt, 'no inbound scans', tableStyle());
}

/** The all-ports line reads `all` in text; JSON keeps null. */
const HOURLY_COLUMNS: Column<HourlyRow>[] = [
  { key: 'hour', title: 'hour' },
  { key: 'port', title: 'port', align: 'right', empty: PORT_NOT_LOGGED_TEXT },
  { key: 'proto', title: 'proto' },
  { key: 'sources', title: 'sources', align: 'right' },
];

export function sourcesPerHourCommand(f: ReportFlags): string {
  const fmt = outputFormat(f.format);
  const { period, rows } = withDb(f, (db) => sourcesPerHourListing(db, { date: f.date, from: f.from, to: f.to, port: f.port, proto: f.proto, tz: f.tz }));
  sayPeriod(period, rows.length === 0, '--date or --from/--to');
  if (rows.length === 0 && fmt === 'table') return '';
  const shown = limited(rows, f);
  const text = fmt === 'json' ? shown : shown.map((r) => (r.port === null && r.proto === null ? { ...r, port: 'all', proto: '' } : r));
  return render(text as HourlyRow[], HOURLY_COLUMNS, fmt, 'no inbound scans', tableStyle());
}

export interface AlertFlags extends ReportFlags {
  kind?: string;
  source?: string;
  minLevel?: number;
  open?: boolean;
}

export function alertsCommand(f: AlertFlags): string {
  const fmt = outputFormat(f.format);
  const rows = withDb(f, (db) => alertsReport(db, { tz: f.tz, from: f.from, to: f.to, kind: f.kind, source: f.source, minLevel: f.minLevel, open: f.open }));
  if (fmt === 'json') return render(limited(rows, f), [], fmt);
  return render(limited(rows.map(flatAlert), f), FLAT_ALERT_COLUMNS, fmt, 'no alerts', tableStyle());
}

function reportOptions(cmd: Command): Command {
  return listingOptions(cmd).addOption(renderZoneOption()).addOption(dbOption());
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
  ).action(async (o: ReportFlags) => show(portsCommand(o), o));
  reportOptions(
    report
      .command('sources-per-hour')
      .description('unique source addresses of inbound scans per hour, all 24 hours of each day: every port together (all), then each port and protocol scanned that day')
      .option('--date <date>', 'one day, YYYY-MM-DD (default: the latest day with data)')
      .option('--from <date>', 'first day of several, YYYY-MM-DD')
      .option('--to <date>', 'last day of several, YYYY-MM-DD (default with --from: the latest day with data)')
      .option('--port <n>', 'one port only (listed on every day of the period)', portArg)
      .option('--proto <p>', 'one protocol only', protoArg),
  ).action(async (o: ReportFlags) => show(sourcesPerHourCommand(o), o));
  reportOptions(
    program
      .command('alerts')
      .description('alerts raised by the detectors (port scans and sweeps, worm-like outbound volume on 445): source, danger level, scan type with its nmap option, targets and ports, window, state and evidence lines')
      .option('--from <date>', 'alerts active on or after this day, YYYY-MM-DD')
      .option('--to <date>', 'alerts active on or before this day, YYYY-MM-DD')
      .option('--kind <kind>', `one kind: ${ALERT_KINDS.join(', ')} (also port-scan, sweep)`)
      .option('--source <ip|cidr>', 'alerts about this address or network (203.0.113.7, 203.0.113.0/24, 2001:db8::/32)')
      .option('--min-level <n>', 'danger level 1-5 at least (psad: 5/15/150/1,500/10,000 packets)', levelArg)
      .option('--open', 'only alerts nobody has closed'),
  ).action(async (o: AlertFlags) => show(alertsCommand(o), o));
}
