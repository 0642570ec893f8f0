import type { Command } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { render } from '../../../reports/render';
import { sourceRows } from '../../../reports/source-coverage';
import { outputFormat } from '../output';

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)} %`);

/** `portledger sources`: every input read, with its parse coverage; a drop is flagged. */
export function registerSources(program: Command): void {
  program
    .command('sources')
    .description('every input ingested, with its parse coverage; flags a drop since the previous run (a changed log format)')
    .option('--format <fmt>', 'table | csv | json | md (default: table)')
    .option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)')
    .action((o: { format?: string; db?: string }) => {
      const db = openReadOnly(resolveDbPath(o.db));
      try {
        const rows = sourceRows(db).map((s) => ({
          source: s.name,
          'last read': s.lastRead,
          lines: s.lines,
          events: s.events,
          skips: s.skips,
          rejects: s.rejects,
          coverage: pct(s.coverage),
          'last run': pct(s.lastRun),
          'run before': pct(s.previousRun),
          warning: s.warning ?? '',
        }));
        const cols = Object.keys(rows[0] ?? { source: '' }).map((k) => ({ key: k as keyof (typeof rows)[number], title: k }));
        process.stdout.write(render(rows, cols, outputFormat(o.format), 'no sources yet'));
      } finally {
        db.close();
      }
    });
}

export const register = registerSources;
