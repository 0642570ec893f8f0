import { Command, Option } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { geoLookup, ipHistory, renderIpHistory, reverseLookup, systemResolver } from '../../../reports/ip-history';
import { collect } from '../inputs';
import { outputFormat, show, tableStyle } from '../output';
import { outputOption, topOptions } from '../options';

const DNS_TIMEOUT_MS = 2000;

export interface IpFlags {
  db?: string;
  tz?: string;
  format?: string;
  resolve?: boolean;
  geoip?: string[];
  top?: number;
  limit?: number;
  pager?: boolean;
}

export async function ipCommand(address: string, f: IpFlags): Promise<string> {
  const fmt = outputFormat(f.format);
  if (fmt === 'csv') throw new Error('--format for ip must be table, json or md (the history has several sections)');
  const db = openReadOnly(resolveDbPath(f.db));
  let history;
  try {
    history = ipHistory(db, address, { tz: f.tz, top: f.top ?? f.limit });
  } finally {
    db.close();
  }
  if (f.resolve) history.reverseDns = await reverseLookup(history.address, systemResolver(DNS_TIMEOUT_MS), DNS_TIMEOUT_MS);
  if (f.geoip?.length) history.geoip = await geoLookup(history.address, f.geoip);
  return renderIpHistory(history, fmt, tableStyle());
}

export function register(program: Command): void {
  topOptions(program.command('ip'), 'how many ports and peers to list per role (default 20)')
    .description('history of one address: first and last seen, ports, days, classes, alerts, trust — as source and as destination')
    .argument('<address>', 'IPv4 or IPv6 address')
    .option('--resolve', `add its reverse DNS name (gives up after ${DNS_TIMEOUT_MS / 1000} s)`)
    .option('--geoip <file>', 'a MaxMind .mmdb (GeoLite2-Country, -City or -ASN) for country and ASN (repeatable)', collect)
    .addOption(outputOption(['table', 'json', 'md']))
    .addOption(new Option('--tz <zone>', 'IANA time zone to render in (default: the database zone)'))
    .addOption(new Option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)'))
    .action(async (address: string, o: IpFlags) => show(await ipCommand(address, o), o));
}
