import type { Command } from 'commander';
import { splitReasonKey } from '../../../parsers/lib/reasons';
import { readingZone } from '../../config/settings';
import { coverage } from '../../pipeline/coverage';
import { render } from '../../../reports/render';
import { limited, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { intArg, listingOptions, logZoneOption } from '../options';

/** `no-addresses 4; not-firewall (dhcpd) 2`: catalog codes, compact for a table of folders. */
const label = (key: string) => {
  const [code, detail] = splitReasonKey(key);
  return detail ? `${code} (${detail})` : code;
};
const reasons = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${label(r)} ${n}`).join('; ');

export async function coverageCommand(paths: string[], f: ListingFlags & { tz?: string; year?: number; logFormat?: string; output?: string }): Promise<string> {
  const groups = await coverage(paths, { tz: readingZone(f.tz), year: f.year, format: f.logFormat });
  const rows = groups.map((g) => ({
    folder: g.group,
    files: g.files,
    lines: g.tally.lines,
    events: g.tally.events,
    formats: [...g.tally.formats].filter(([, v]) => v.events > 0).map(([id, v]) => `${id} ${v.events}`).join(', '),
    skips: g.tally.skips,
    rejects: g.tally.rejects,
    'skip reasons': reasons(g.tally.skipReasons),
    'reject reasons': reasons(g.tally.rejectReasons),
    crashes: g.crashes.length,
  }));
  const total = rows.reduce((t, r) => ({ lines: t.lines + r.lines, events: t.events + r.events, crashes: t.crashes + r.crashes }), { lines: 0, events: 0, crashes: 0 });
  const cols = Object.keys(rows[0] ?? { folder: '' }).map((k) => ({ key: k as keyof (typeof rows)[number], title: k, align: ['files', 'lines', 'events', 'skips', 'rejects', 'crashes'].includes(k) ? ('right' as const) : ('left' as const) }));
  const crashes = groups.flatMap((g) => g.crashes).map((c) => `crash: ${c}\n`).join('');
  return render(limited(rows, f), cols, outputFormat(f.format ?? f.output), 'no files', tableStyle()) + crashes + `total: ${total.lines} lines, ${total.events} events, ${total.crashes} crashes\n`;
}

export function register(program: Command): void {
  listingOptions(program.command('coverage'))
    .description('parse coverage of log files, grouped by folder: events per format, skips and rejects per reason (stores nothing)')
    .argument('<paths...>', 'files or folders')
    .addOption(logZoneOption())
    .option('--year <yyyy>', 'year for syslog stamps without one', intArg('--year', 1990, 9999))
    .option('--log-format <id>', 'force one log format')
    .option('--output <fmt>', 'deprecated spelling of --format')
    .action(async (paths: string[], o) => show(await coverageCommand(paths, o), o));
}
