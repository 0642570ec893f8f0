import type { Command } from 'commander';
import { addTrusted, listTrusted, removeTrusted } from '../../store/trust-store';
import { loadSettings } from '../../store/settings';
import { render } from '../../../reports/render';
import { formatInstant } from '../../../reports/time';
import { limited, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { dbOption, intArg, listingOptions } from '../options';
import { readDb, writeDb } from '../db';

const n = (v: number) => v.toLocaleString('en-US');

export function trustAdd(target: string, f: { db?: string; note?: string; days?: number }): string {
  return writeDb(f.db, (db) => {
    const expires = f.days === undefined ? null : Date.now() + f.days * 86_400_000;
    const r = addTrusted(db, target, f.note, { expires });
    const as = r.cidr !== target.trim() ? ` (stored as ${r.cidr})` : '';
    const until = expires === null ? '' : ` until ${formatInstant(expires, loadSettings(db).tz)}`;
    return `trusted ${r.cidr}${as}${until}; ${n(r.events)} past events reclassified as trusted\n`;
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
    const now = Date.now();
    const rows = limited(listTrusted(db), f).map((t) => ({
      cidr: t.cidr, note: t.note ?? '', added: formatInstant(t.added, tz),
      until: t.expires === null ? '' : `${formatInstant(t.expires, tz)}${t.expires <= now ? ' (expired)' : ''}`,
    }));
    return render(rows, [{ key: 'cidr', title: 'trusted' }, { key: 'note', title: 'note' }, { key: 'added', title: 'added' }, { key: 'until', title: 'until' }], outputFormat(f.format), 'no trusted sources', tableStyle());
  });
}

export function register(program: Command): void {
  const trust = program.command('trust').description('sources you trust (monitoring, your own hosts); retroactive for every report');
  trust
    .command('add')
    .description('trust an address or network: its past and future inbound events are left out of the reports')
    .argument('<ip-or-cidr>')
    .option('--note <text>', 'why it is trusted')
    .option('--days <n>', 'for this many days only (then removed as by trust remove, by the next serve, watch or listen)', intArg('--days', 1, 3650))
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
