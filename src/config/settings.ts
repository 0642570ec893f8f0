/**
 * The settings a user can set (`portledger config`), each with its default, its check, what it
 * means and what changing it sets off. Values are kept in the store's `config` table; the
 * detection defaults come from the rule pages in src/detectors (with their sources there).
 */
import { checkZone, systemZone } from '../../parsers/clock';
import { canonicalCidr, DEFAULT_HOME } from '../classify/networks';
import { DEFAULT_WORM } from '../detectors/worm';
import { DEFAULT_SCAN } from '../detectors/scan';
import type { DB } from '../store/db';
import { loadSettings, putConfig, storedConfig, type Settings } from '../store/settings';
import { rebuildRollups } from '../store/rollups';
import { parseRetention } from '../store/prune';

/** Every setting, including the detectors' thresholds. */
export interface AllSettings extends Settings {
  /** How long events are kept (`180d`…), or `off`. */
  retention: string;
  wormThreshold: number;
  wormWindowS: number;
  /** Scan detector: distinct ports of one target, distinct targets on one port, window, minimum danger level. */
  scanPorts: number;
  scanHosts: number;
  scanWindowS: number;
  scanMinLevel: number;
}

interface SettingDef {
  key: string;
  meaning: string;
  /** The stored value, checked; throws a message naming the key. */
  parse(text: string): unknown;
  /** How it is shown by `config show`. */
  show(s: AllSettings): string;
}

const wholeNumber = (key: string, max?: number) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a whole number ≥ 1`);
  if (max !== undefined && n > max) throw new Error(`${key} is a danger level from 1 to ${max}`);
  return n;
};
const list = (text: string) => text.split(',').map((v) => v.trim()).filter(Boolean);

export const SETTINGS: readonly SettingDef[] = [
  { key: 'home', meaning: `home networks; always home too: ${DEFAULT_HOME.join(', ')}`, parse: (t) => list(t).map(canonicalCidr), show: (s) => s.home.join(',') || '(none added)' },
  { key: 'wan-if', meaning: 'interfaces facing the Internet', parse: list, show: (s) => s.wanIf.join(',') || '(none)' },
  { key: 'tz', meaning: 'zone of report days and hours', parse: (t) => checkZone(t.trim()), show: (s) => s.tz },
  {
    key: 'retention',
    meaning: 'keep events this long (180d, 26w, 6m, 1y; off = forever); watch and listen prune once a day, rollups are kept',
    parse: (t) => (t.trim().toLowerCase() === 'off' ? 'off' : (parseRetention(t), t.trim().toLowerCase())),
    show: (s) => s.retention,
  },
  { key: 'worm-threshold', meaning: 'distinct outside hosts on 445 that raise a worm alert', parse: wholeNumber('worm-threshold'), show: (s) => String(s.wormThreshold) },
  { key: 'worm-window', meaning: 'seconds in which they must be reached', parse: wholeNumber('worm-window'), show: (s) => String(s.wormWindowS) },
  { key: 'scan-ports', meaning: 'distinct ports of one target that make a vertical scan (Zeek, CrowdSec: 15)', parse: wholeNumber('scan-ports'), show: (s) => String(s.scanPorts) },
  { key: 'scan-hosts', meaning: 'distinct targets on one port that make a horizontal sweep (Zeek: 25)', parse: wholeNumber('scan-hosts'), show: (s) => String(s.scanHosts) },
  { key: 'scan-window', meaning: 'seconds of the fast scan window (a 24 h window catches slow scans)', parse: wholeNumber('scan-window'), show: (s) => String(s.scanWindowS) },
  { key: 'scan-min-level', meaning: 'psad danger level (1-5: 5/15/150/1,500/10,000 packets) an alert needs', parse: wholeNumber('scan-min-level', 5), show: (s) => String(s.scanMinLevel) },
];

export const SETTING_KEYS = SETTINGS.map((d) => d.key);

/** The stored settings with every default applied. */
export function allSettings(db: DB): AllSettings {
  const m = storedConfig(db);
  const get = <T>(k: string, d: T): T => (m.has(k) ? (m.get(k) as T) : d);
  return {
    ...loadSettings(db),
    retention: get('retention', 'off'),
    wormThreshold: get('worm-threshold', DEFAULT_WORM.threshold),
    wormWindowS: get('worm-window', DEFAULT_WORM.windowMs / 1000),
    scanPorts: get('scan-ports', DEFAULT_SCAN.verticalPorts),
    scanHosts: get('scan-hosts', DEFAULT_SCAN.horizontalTargets),
    scanWindowS: get('scan-window', DEFAULT_SCAN.windowMs / 1000),
    scanMinLevel: get('scan-min-level', DEFAULT_SCAN.minLevel),
  };
}

/** `config show`: every setting with its value and meaning. */
export function describeSettings(db: DB): { key: string; value: string; meaning: string }[] {
  const s = allSettings(db);
  return SETTINGS.map((d) => ({ key: d.key, value: d.show(s), meaning: d.meaning }));
}

/**
 * `config set KEY VALUE`: checks and stores the value, and does what the change requires — a
 * new zone rebuilds the rollups (their days and hours are local to it). Returns what a user
 * should know about the effect.
 */
export function changeSetting(db: DB, key: string, text: string): string {
  const def = SETTINGS.find((d) => d.key === key);
  if (!def) throw new Error(`unknown setting "${key}"; settings: ${SETTING_KEYS.join(', ')}`);
  const before = loadSettings(db).tz;
  const value = def.parse(text);
  putConfig(db, key, value);
  if (key === 'tz' && value !== before) {
    const n = rebuildRollups(db);
    return `report rollups rebuilt in the new zone from ${n.toLocaleString('en-US')} scan events`;
  }
  if (key === 'home' || key === 'wan-if') return 'applies to events ingested from now on';
  if (key === 'retention' && value !== 'off') return 'watch and listen prune once a day; run "portledger prune" to prune now';
  return '';
}

/**
 * The zone log stamps are read in: `--tz`, else the zone stored with the database (the first
 * ingest's), else this machine's. The same router's logs are then read the same way every time.
 */
export function readingZone(flag: string | undefined, db?: DB): string {
  if (flag !== undefined) return checkZone(flag);
  const stored = db ? (storedConfig(db).get('tz') as string | undefined) : undefined;
  return checkZone(stored ?? systemZone());
}

/** The retention period in ms, or undefined when events are kept forever. */
export function retentionMs(db: DB): number | undefined {
  const r = allSettings(db).retention;
  return r === 'off' ? undefined : parseRetention(r);
}
