import { closeDb, openDb, openReadOnly, resolveDbPath, type DB } from '../store/db';

/** A command that writes: opens (creating and migrating) and leaves the file readable at rest. */
export function writeDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openDb(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    closeDb(db);
  }
}

/** A command that only reads: works on a database this user cannot write, and never creates one. */
export function readDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
