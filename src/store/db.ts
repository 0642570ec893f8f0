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
  if (file !== ':memory:') checkWritable(file);
  let db: DB;
  try {
    db = new Database(file);
    // First: two processes opening a new file at once (a watch and an ingest started together)
    // wait for each other instead of failing on the switch to WAL or the first migration.
    db.pragma('busy_timeout = 5000');
    db.pragma('user_version');
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`${file} is not a portledger database (not SQLite)`);
    throw e;
  }
  // Bigger pages make bulk inserts ~8 % faster; only takes effect on a new, empty file.
  db.pragma('page_size = 16384');
  // On a new file: pages freed by pruning can be given back without rewriting the file.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16384');
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations().filter((m) => m.version > current);
  const known = schemaVersion();
  if (current > known) {
    db.close();
    throw new Error(`${file} was written by a newer portledger (schema ${current}, this one knows ${known}); upgrade portledger`);
  }
  for (const m of pending) {
    db.transaction(() => {
      // Under the write lock: another process may have applied it since the version was read.
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(fs.readFileSync(m.file, 'utf8'));
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db;
}

/**
 * Fails early, naming the file and the fix, where SQLite would only say "unable to open" or
 * "attempt to write a readonly database" halfway through a command.
 */
function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`cannot create ${file}: the folder ${dir} does not exist`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new Error(`${file} is a directory; give a database file, e.g. --db ${path.join(file, 'portledger.db')}`);
  const owner = (p: string) => {
    const uid = fs.statSync(p).uid;
    return uid === process.getuid?.() ? '' : ` (owned by uid ${uid}: run the command as that user, e.g. with sudo -u)`;
  };
  try {
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  } catch {
    throw new Error(`cannot write ${file}: it is read-only for this user${owner(file)}; reports and other read commands still work`);
  }
  try {
    // SQLite keeps its -wal and -shm files beside the database.
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new Error(`cannot write in ${dir} (SQLite needs to create files beside ${path.basename(file)})${owner(dir)}`);
  }
}

/** Schema version a database file has (0 for a new one), without migrating it. */
export function storedSchemaVersion(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** Schema version this build writes and reads. */
export function schemaVersion(): number {
  return migrations().at(-1)?.version ?? 0;
}

/**
 * Opens an existing database for reading only: every report, the dashboard, `trust list`,
 * `config show`. It never creates, migrates or settles anything, so it works on a file owned by
 * another user (the systemd service's) that this user can only read. A database that needs a
 * migration gets a message naming the command that performs it.
 */
export function openReadOnly(file: string): DB {
  if (file !== ':memory:' && !fs.existsSync(file)) {
    throw new Error(`no database at ${file}: run "portledger ingest" first, or point --db / PORTLEDGER_DB at yours`);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new Error(`${file} is a directory, not a portledger database`);
  let db: DB;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const current = db.pragma('user_version', { simple: true }) as number;
    const known = schemaVersion();
    if (current > known) {
      db.close();
      throw new Error(`${file} was written by a newer portledger (schema ${current}, this one knows ${known}); upgrade portledger`);
    }
    if (current < known) {
      db.close();
      throw new Error(`${file} has schema ${current} and this portledger reads ${known}: run "portledger migrate --db ${file}" (or any writing command, such as ingest) as a user who can write it`);
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw new Error(`${file} is not a portledger database (not SQLite)`);
    throw e;
  }
  return db;
}

/**
 * Closes a writing connection. The last writer to close puts the file back in rollback-journal
 * mode: a WAL database at rest can only be read by a user who may create its -wal and -shm files
 * beside it, which an admin reading the service's database cannot. While any other connection
 * is open the switch fails at once and WAL stays (their readers see the live -shm file).
 */
export function closeDb(db: DB): void {
  if (db.open && !db.readonly && db.name !== ':memory:') {
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.pragma('journal_mode = DELETE');
    } catch {
      // another connection is open: it keeps the WAL, and the last one closes it
    }
  }
  db.close();
}

/**
 * Whether an error says the database cannot take a write right now — another process holds the
 * lock past the busy timeout, the disk is full, an I/O error, the file turned read-only — as
 * opposed to a fault in the statement itself. A daemon keeps what it was writing and tries again
 * later on these; it never exits over them. Returns a short reason for messages, or undefined.
 */
export function storeUnavailable(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'database busy';
  if (code === 'SQLITE_FULL') return 'disk full';
  if (code.startsWith('SQLITE_IOERR')) return 'disk I/O error';
  if (code.startsWith('SQLITE_READONLY')) return 'database read-only';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PROTOCOL' || code === 'SQLITE_NOMEM') return 'database unavailable';
  return undefined;
}
