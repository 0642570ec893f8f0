import type { Command } from 'commander';
import { parseRetention, pruneOlderThan } from '../../store/prune';
import { dbOption } from '../options';
import { writeDb } from '../db';

const n = (v: number) => v.toLocaleString('en-US');

export function pruneCommand(f: { db?: string; keep: string; vacuum?: boolean }): string {
  const keep = parseRetention(f.keep);
  return writeDb(f.db, (db) => {
    const r = pruneOlderThan(db, keep, Date.now(), { vacuum: f.vacuum });
    const freed = r.freedBytes > 0 ? `; the file shrank by ${(r.freedBytes / 1e6).toFixed(1)} MB` : r.incremental || f.vacuum ? '' : '; the space is reused for new events (--vacuum rewrites the file to give it back)';
    return `deleted ${n(r.events)} events before ${new Date(r.cutoff).toISOString()}; per-port rollups kept${freed}\n`;
  });
}

export function register(program: Command): void {
  program
    .command('prune')
    .description('delete events older than a period, in small steps beside running writers; the per-port rollups are kept')
    .requiredOption('--keep <period>', 'how much to keep: 180d, 26w, 6m, 1y')
    .option('--vacuum', 'then rewrite the file to give the space back (blocks other writers while it runs)')
    .addOption(dbOption())
    .action((o) => void process.stdout.write(pruneCommand(o)));
}
