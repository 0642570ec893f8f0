import type { Command } from 'commander';
import { addTrusted, listTrusted, removeTrusted } from '../../store/trust-store';
import { loadSettings } from '../../store/settings';
import { render } from '../../../reports/render';
import { formatInstant } from '../../../reports/time';
import { limited, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { dbOption, listingOptions } from '../options';
import { readDb, writeDb } from '../db';

const n = (v: number) => v.toLocaleString('en-US');

export function trustAdd(target: string, f: { db?: string; note?: string }): string {
  return writeDb(f.db, (db) => {
    const r = addTrusted(db, target, f.note);
    const as = r.cidr !== target.trim() ? ` (stored as ${r.cidr})` : '';
    return `trusted ${r.cidr}${as}; ${n(r.events)} past events reclassified as trusted\n`;
  });
}

export function trustRemove(target: string, f: { db?: string }): string {
  return writeDb(f.db, (db) => {
    const r = removeTrusted(db, target);
    return `removed ${r.cidr}; ${n(r.events)} past events count as scans or late packets again\n`;
  });
}

export function trustList(f: ListingFlags & { db?: string }): string {
  return readDb(f.db, (db) => {
    const tz = loadSettings(db).tz;
    const rows = limited(listTrusted(db), f).map((t) => ({ cidr: t.cidr, note: t.note ?? '', added: formatInstant(t.added, tz) }));
    return render(rows, [{ key: 'cidr', title: 'trusted' }, { key: 'note', title: 'note' }, { key: 'added', title: 'added' }], outputFormat(f.format), 'no trusted sources', tableStyle());
  });
}

export function register(program: Command): void {
  const trust = program.command('trust').description('sources you trust (monitoring, your own hosts); retroactive for every report');
  trust
    .command('add')
    .description('trust an address or network: its past and future inbound events are left out of the reports')
    .argument('<ip-or-cidr>')
    .option('--note <text>', 'why it is trusted')
    .addOption(dbOption())
    .action((t: string, o) => void process.stdout.write(trustAdd(t, o)));
  trust
    .command('remove')
    .description('stop trusting it: its events count as scans or late packets again')
    .argument('<ip-or-cidr>')
    .addOption(dbOption())
    .action((t: string, o) => void process.stdout.write(trustRemove(t, o)));
  listingOptions(trust.command('list').description('the trusted addresses and networks'))
    .addOption(dbOption())
    .action(async (o) => show(trustList(o), o));
}
