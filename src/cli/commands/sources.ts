import type { Command } from 'commander';
import { openReadOnly, resolveDbPath } from '../../store/db';
import { reasonCounts, sourceCoverage } from '../../store/sources';
import { loadSettings } from '../../store/settings';
import { render } from '../../../reports/render';
import { formatInstant } from '../../../reports/time';
import { outputFormat } from '../output';

const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)} %`);
const n = (v: number) => v.toLocaleString('en-US');

/** `12,345 (not allowed 12,000; oversize 345)`, or '' when nothing was dropped. */
function droppedText(m: Map<string, number> | undefined): string {
  if (!m || m.size === 0) return '';
  let total = 0;
  for (const v of m.values()) total += v;
  return `${n(total)} (${[...m].map(([r, v]) => `${r} ${n(v)}`).join('; ')})`;
}

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
        const tz = loadSettings(db).tz;
        // Messages a source lost before they could be read (syslog: refused, the kernel's UDP
        // drops, the store falling behind), and the times storing had to wait.
        const dropped = reasonCounts(db, 'dropped: ');
        const delayed = reasonCounts(db, 'delayed: ');
        const rows = sourceCoverage(db).map((s) => ({
          source: s.name,
          'last read': formatInstant(s.last_seen, tz),
          lines: s.lines,
          events: s.events,
          skips: s.skips,
          rejects: s.rejects,
          dropped: droppedText(dropped.get(s.id)),
          coverage: pct(s.lines ? s.events / s.lines : null),
          'last run': pct(s.last_run),
          'run before': pct(s.previous_run),
          warning: [
            s.last_run !== null && s.previous_run !== null && s.last_run < s.previous_run - 0.1 ? 'coverage dropped: format changed?' : '',
            ...[...(delayed.get(s.id) ?? [])].map(([r, v]) => `storing waited (${r}): ${n(v)} messages stored late`),
          ].filter(Boolean).join('; '),
        }));
        const cols = Object.keys(rows[0] ?? { source: '' }).map((k) => ({ key: k as keyof (typeof rows)[number], title: k }));
        process.stdout.write(render(rows, cols, outputFormat(o.format), 'no sources yet'));
      } finally {
        db.close();
      }
    });
}

export const register = registerSources;
