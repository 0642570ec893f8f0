import { systemZone, checkZone } from '../../parsers/clock';
import { canonicalCidr } from '../classify/networks';
import type { DB } from './db';

/**
 * The settings the store and classification need: where home is, which interfaces face the
 * Internet, and the zone the rollups are counted in. Every setting a user can set, with its
 * default and meaning, is in src/config/settings.ts; values are JSON in the `config` table.
 */
export interface Settings {
  /** Home networks added by the user (the defaults — RFC 1918, loopback, link-local, ULA — always apply). */
  home: string[];
  /** WAN interface names. */
  wanIf: string[];
  /** Zone of the report rollups: days and hours are local days and hours in it. */
  tz: string;
}

/** Every stored value by key, parsed from JSON. */
export function storedConfig(db: DB): Map<string, unknown> {
  const rows = db.prepare('SELECT key, value FROM config').all() as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

export function putConfig(db: DB, key: string, value: unknown): void {
  db.prepare('INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
}

/** Forgets a stored value: the setting is back to its default. */
export function deleteConfig(db: DB, key: string): boolean {
  return db.prepare('DELETE FROM config WHERE key = ?').run(key).changes > 0;
}

export function loadSettings(db: DB): Settings {
  const m = storedConfig(db);
  const get = <T>(k: string, d: T): T => (m.has(k) ? (m.get(k) as T) : d);
  return { home: get('home', [] as string[]), wanIf: get('wan-if', [] as string[]), tz: get('tz', systemZone()) };
}

/**
 * Fixes the rollup zone the first time data arrives, so later runs bucket the same way. A stored
 * zone this system does not know (edited by hand, or from a newer time zone database) is an
 * error naming the fix, before anything is written with it.
 */
export function pinZone(db: DB, tz: string): string {
  const m = storedConfig(db);
  if (m.has('tz')) return checkStoredZone(m.get('tz'));
  putConfig(db, 'tz', checkZone(tz));
  return tz;
}

/** The stored zone if this system knows it; else an error that says how to set a valid one. */
export function checkStoredZone(tz: unknown): string {
  try {
    if (typeof tz !== 'string') throw new Error('not a name');
    return checkZone(tz);
  } catch {
    throw new Error(
      `the database's time zone ${JSON.stringify(tz)} (config key tz) is not a zone this system knows; set a valid one with: portledger config set tz Europe/Berlin (your zone's IANA name)`,
    );
  }
}

/** Adds to the stored lists (what `--home` and `--wan-if` on ingest do). */
export function addToSettings(db: DB, home: string[], wanIf: string[]): Settings {
  const s = loadSettings(db);
  const homes = new Set(s.home);
  for (const h of home) homes.add(canonicalCidr(h));
  const ifs = new Set([...s.wanIf, ...wanIf]);
  if (homes.size !== s.home.length) putConfig(db, 'home', [...homes]);
  if (ifs.size !== s.wanIf.length) putConfig(db, 'wan-if', [...ifs]);
  return loadSettings(db);
}
