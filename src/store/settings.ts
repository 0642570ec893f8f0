import { systemZone, checkZone } from '../../parsers/clock';
import { canonicalCidr } from '../classify/networks';
import type { DB } from './db';
import { DEFAULT_WORM } from '../detectors/worm';

/** Settings kept in the database so every later command and live mode uses the same ones. */
export interface Settings {
  /** Home networks added by the user (the defaults — RFC 1918, loopback, link-local, ULA — always apply). */
  home: string[];
  /** WAN interface names. */
  wanIf: string[];
  /** Zone of the report rollups: days and hours are local days and hours in it. */
  tz: string;
  wormThreshold: number;
  wormWindowS: number;
  /** Scan detector: distinct ports of one target, distinct targets on one port, window, minimum danger level. */
  scanPorts: number;
  scanHosts: number;
  scanWindowS: number;
  scanMinLevel: number;
}

export const SETTING_KEYS = ['home', 'wan-if', 'tz', 'worm-threshold', 'worm-window', 'scan-ports', 'scan-hosts', 'scan-window', 'scan-min-level'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

function raw(db: DB): Map<string, string> {
  const rows = db.prepare('SELECT key, value FROM config').all() as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

function put(db: DB, key: string, value: unknown): void {
  db.prepare('INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
}

export function loadSettings(db: DB): Settings {
  const m = raw(db);
  const get = <T>(k: string, d: T): T => (m.has(k) ? (JSON.parse(m.get(k)!) as T) : d);
  return {
    home: get('home', [] as string[]),
    wanIf: get('wan-if', [] as string[]),
    tz: get('tz', systemZone()),
    wormThreshold: get('worm-threshold', DEFAULT_WORM.threshold),
    wormWindowS: get('worm-window', DEFAULT_WORM.windowMs / 1000),
    scanPorts: get('scan-ports', 15),
    scanHosts: get('scan-hosts', 25),
    scanWindowS: get('scan-window', 300),
    scanMinLevel: get('scan-min-level', 2),
  };
}

/** Fixes the rollup zone the first time data arrives, so later runs bucket the same way. */
export function pinZone(db: DB, tz: string): string {
  const m = raw(db);
  if (m.has('tz')) return JSON.parse(m.get('tz')!) as string;
  put(db, 'tz', checkZone(tz));
  return tz;
}

/** Adds to the stored lists (what `--home` and `--wan-if` on ingest do). */
export function addToSettings(db: DB, home: string[], wanIf: string[]): Settings {
  const s = loadSettings(db);
  const homes = new Set(s.home);
  for (const h of home) homes.add(canonicalCidr(h));
  const ifs = new Set([...s.wanIf, ...wanIf]);
  if (homes.size !== s.home.length) put(db, 'home', [...homes]);
  if (ifs.size !== s.wanIf.length) put(db, 'wan-if', [...ifs]);
  return loadSettings(db);
}

/** `config set KEY VALUE`: validates and stores; returns a message about what follows. */
export function setSetting(db: DB, key: string, value: string): void {
  const list = value.split(',').map((v) => v.trim()).filter(Boolean);
  switch (key) {
    case 'home':
      put(db, 'home', list.map(canonicalCidr));
      return;
    case 'wan-if':
      put(db, 'wan-if', list);
      return;
    case 'tz':
      put(db, 'tz', checkZone(value.trim()));
      return;
    case 'worm-threshold':
    case 'worm-window':
    case 'scan-ports':
    case 'scan-hosts':
    case 'scan-window':
    case 'scan-min-level': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a whole number ≥ 1`);
      if (key === 'scan-min-level' && n > 5) throw new Error('scan-min-level is a danger level from 1 to 5');
      put(db, key, n);
      return;
    }
    default:
      throw new Error(`unknown setting "${key}"; settings: ${SETTING_KEYS.join(', ')}`);
  }
}
