import fs from 'node:fs';
import { closeDb, openDb, openReadOnly, resolveDbPath, storedSchemaVersion, type DB } from '../../store/db';
import { addTrusted, listTrusted, removeTrusted } from '../../store/trust-store';
import { loadSettings } from '../../store/settings';
import { changeSetting, describeSettings } from '../../config/settings';
import { PARSERS } from '../../../parsers';
import { render } from '../../../reports/render';
import { formatInstant } from '../../../reports/time';
import { outputFormat } from '../output';

/** A command that writes: opens (creating and migrating) and leaves the file readable at rest. */
function withDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openDb(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    closeDb(db);
  }
}

/** A command that only reads: works on a database this user cannot write. */
function readDb<T>(dbFlag: string | undefined, fn: (db: DB) => T): T {
  const db = openReadOnly(resolveDbPath(dbFlag));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function trustAdd(target: string, f: { db?: string; note?: string }): string {
  return withDb(f.db, (db) => {
    const r = addTrusted(db, target, f.note);
    return `trusted ${r.cidr}; ${r.events.toLocaleString('en-US')} past events reclassified as trusted\n`;
  });
}

export function trustRemove(target: string, f: { db?: string }): string {
  return withDb(f.db, (db) => {
    const r = removeTrusted(db, target);
    return `removed ${r.cidr}; ${r.events.toLocaleString('en-US')} past events count as scans or late packets again\n`;
  });
}

export function trustList(f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) => {
    const tz = loadSettings(db).tz;
    const rows = listTrusted(db).map((t) => ({ cidr: t.cidr, note: t.note ?? '', added: formatInstant(t.added, tz) }));
    return render(rows, [{ key: 'cidr', title: 'trusted' }, { key: 'note', title: 'note' }, { key: 'added', title: 'added' }], outputFormat(f.format), 'no trusted sources');
  });
}

export function configShow(f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) =>
    render(describeSettings(db), [{ key: 'key', title: 'setting' }, { key: 'value', title: 'value' }, { key: 'meaning', title: 'meaning' }], outputFormat(f.format)),
  );
}

export function configSet(key: string, value: string, f: { db?: string }): string {
  return withDb(f.db, (db) => {
    const note = changeSetting(db, key, value);
    return `${key} = ${value}${note ? `; ${note}` : ''}\n`;
  });
}

export function formatsList(f: { format?: string }): string {
  const rows = PARSERS.map((p) => ({ id: p.id, title: p.title, example: p.example }));
  return render(rows, [{ key: 'id', title: 'format' }, { key: 'title', title: 'what' }, { key: 'example', title: 'example line' }], outputFormat(f.format));
}

/** `portledger migrate`: brings a database written by an older version to this one's schema. */
export function migrate(f: { db?: string }): string {
  const file = resolveDbPath(f.db);
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  const before = storedSchemaVersion(file);
  return withDb(f.db, (db) => {
    const now = db.pragma('user_version', { simple: true }) as number;
    return before === now ? `${file} is up to date (schema ${now})\n` : `${file} migrated from schema ${before} to ${now}\n`;
  });
}
