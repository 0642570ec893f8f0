import type { Command } from 'commander';
import { droppedText, sourceRows } from '../../../reports/source-coverage';
import { render } from '../../../reports/render';
import { limited, outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { dbOption, listingOptions } from '../options';
import { readDb } from '../db';

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)} %`);

export function sourcesList(f: ListingFlags & { db?: string }): string {
  return readDb(f.db, (db) => {
    const rows = limited(sourceRows(db), f).map((s) => ({
      source: s.name,
      'last read': s.lastRead,
      lines: s.lines,
      events: s.events,
      skips: s.skips,
      rejects: s.rejects,
      dropped: droppedText(s.dropped),
      coverage: pct(s.coverage),
      'last run': pct(s.lastRun),
      'run before': pct(s.previousRun),
      warning: s.warning ?? '',
    }));
    const numbers = new Set(['lines', 'events', 'skips', 'rejects', 'coverage', 'last run', 'run before']);
    const cols = Object.keys(rows[0] ?? { source: '' }).map((k) => ({
      key: k as keyof (typeof rows)[number],
      title: k,
      align: numbers.has(k) ? ('right' as const) : ('left' as const),
      cut: k === 'source' ? ('start' as const) : undefined,
      tone: k === 'warning' ? (v: unknown) => (v ? ('warning' as const) : undefined) : undefined,
    }));
    return render(rows, cols, outputFormat(f.format), 'no sources yet', tableStyle());
  });
}

/** `portledger sources`: every input read, with its parse coverage; a drop is flagged. */
export function register(program: Command): void {
  listingOptions(program.command('sources').description('every input ingested, with its parse coverage; flags a drop since the previous run (a changed log format)'))
    .addOption(dbOption())
    .action(async (o: ListingFlags & { db?: string }) => show(sourcesList(o), o));
}
