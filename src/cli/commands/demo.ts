import fs from 'node:fs';
import type { Command } from 'commander';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { packageRoot } from '../../util/package-root';
import { ingestCommand } from './ingest';
import { alertsCommand, portsCommand, sourcesPerHourCommand } from './reports';

/**
 * The quick start: ingest every bundled fixture into a fresh embedded database and show what a
 * user sees on their own logs — the per-port daily table, unique sources per hour, the alerts.
 */
export async function demoCommand(f: { db?: string }): Promise<void> {
  const db = f.db ?? 'portledger-demo.db';
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
  const root = packageRoot();
  const files = globSync('fixtures/**/*.log', { cwd: root }).sort().map((p) => path.join(root, p));
  const say = (s = '') => process.stdout.write(s + '\n');
  say(`portledger demo: ingesting ${files.length} bundled fixture logs into ${db}`);
  await ingestCommand(files, { db, tz: 'UTC', year: 2024, progress: false }, say);
  const day = '2024-06-14';
  say(`\nInbound scans per port on ${day} (fixtures/demo/home-router.log):`);
  process.stdout.write(portsCommand({ db, from: day, to: day, format: 'table' }));
  say(`\nUnique sources per hour on port 23/tcp that day:`);
  process.stdout.write(sourcesPerHourCommand({ db, date: day, port: 23, proto: 'tcp', format: 'table' }));
  say('\nAlerts:');
  process.stdout.write(alertsCommand({ db, format: 'table' }));
  // Into the current folder: `reports/` of a checkout is the project's own source folder.
  say(`\nExplore further: node dist/src/cli/main.js report daily --db ${db} --date ${day} --out .  (writes ./portledger-${day}.html; or portledger … after npm link)`);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('ingest the bundled fixtures into a fresh database and print the reports')
    .option('--db <file>', 'database to (re)create', 'portledger-demo.db')
    .action((o) => demoCommand(o));
}
