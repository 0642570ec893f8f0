import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { portReport, renderPortReport, type PortReportFormat } from '../../../reports/port-info';
import { outputOption, topOptions } from '../options';
import { show, tableStyle } from '../output';

const FORMATS: PortReportFormat[] = ['table', 'json', 'md'];

export interface PortFlags {
  proto?: string;
  format?: string;
  db?: string;
  tz?: string;
  top?: number;
  limit?: number;
  pager?: boolean;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 65535) throw new InvalidArgumentError(`"${v}" is not a port number (0-65535)`);
  return n;
}

/** `portledger port N`: the text to print. A missing database is not an error, only a note. */
export function portCommand(port: number, f: PortFlags): string {
  const format = (f.format ?? 'table') as PortReportFormat;
  if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  const file = resolveDbPath(f.db);
  if (!fs.existsSync(file)) return renderPortReport(portReport(port, { proto: f.proto, dbFile: file }), format, tableStyle());
  const db = openReadOnly(file);
  try {
    return renderPortReport(portReport(port, { proto: f.proto, db, dbFile: file, tz: f.tz, top: f.top ?? f.limit }), format, tableStyle());
  } finally {
    db.close();
  }
}

export function register(program: Command): void {
  topOptions(program.command('port'), 'how many top sources to list (default 10)')
    .description('what a port is, why it is probed, and what this database has seen on it (last 30 days, top sources)')
    .argument('<port>', 'port number (with --proto icmp: the ICMP type, 8 = echo request)', parsePort)
    .option('--proto <p>', 'tcp | udp (or icmp); default: every protocol')
    .addOption(outputOption(FORMATS))
    .addOption(new Option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)'))
    .addOption(new Option('--tz <zone>', "IANA time zone to render in (default: the database's zone)"))
    .action(async (port: number, o: PortFlags) => show(portCommand(port, o), o));
}
