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
import { checkStoredZone, deleteConfig, loadSettings, putConfig, storedConfig, type Settings } from '../store/settings';
import { reclassifyStored, storedClassifierSettings, type ReclassifyScope } from '../store/reclassify';
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
  /**
   * The value to store from what a user gave, already read as JSON where it was JSON (an array,
   * a number, a quoted string) and as the typed text otherwise; checked, throws naming the key.
   */
  parse(input: unknown): unknown;
  /** The value in effect, as JSON. */
  value(s: AllSettings): unknown;
  /** The default, as JSON. */
  dflt(): unknown;
}

const wholeNumber = (key: string, max?: number) => (input: unknown) => {
  const n = typeof input === 'number' ? input : typeof input === 'string' && input.trim() !== '' ? Number(input) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a whole number ≥ 1`);
  if (max !== undefined && n > max) throw new Error(`${key} is a danger level from 1 to ${max}`);
  return n;
};

/** A comma list (`a,b`) or a JSON array of strings (`["a","b"]`). */
const list = (key: string, each: (v: string) => string = (v) => v) => (input: unknown) => {
  const items = Array.isArray(input) ? input : typeof input === 'string' ? input.split(',') : undefined;
  if (!items || items.some((v) => typeof v !== 'string')) throw new Error(`${key} takes a comma list or a JSON array of strings`);
  return (items as string[]).map((v) => v.trim()).filter(Boolean).map(each);
};

const text = (key: string, check: (v: string) => string) => (input: unknown) => {
  if (typeof input !== 'string') throw new Error(`${key} takes a text value`);
  return check(input.trim());
};

export const SETTINGS: readonly SettingDef[] = [
  { key: 'home', meaning: `home networks; always home too: ${DEFAULT_HOME.join(', ')}`, parse: list('home', canonicalCidr), value: (s) => s.home, dflt: () => [] },
  { key: 'wan-if', meaning: 'interfaces facing the Internet', parse: list('wan-if'), value: (s) => s.wanIf, dflt: () => [] },
  { key: 'tz', meaning: 'zone of report days and hours', parse: text('tz', checkZone), value: (s) => s.tz, dflt: () => systemZone() },
  {
    key: 'retention',
    meaning: 'keep events this long (180d, 26w, 6m, 1y; off = forever); watch and listen prune once a day, rollups are kept',
    parse: text('retention', (t) => (t.toLowerCase() === 'off' ? 'off' : (parseRetention(t), t.toLowerCase()))),
    value: (s) => s.retention,
    dflt: () => 'off',
  },
  { key: 'worm-threshold', meaning: 'distinct outside hosts on 445 that raise a worm alert', parse: wholeNumber('worm-threshold'), value: (s) => s.wormThreshold, dflt: () => DEFAULT_WORM.threshold },
  { key: 'worm-window', meaning: 'seconds in which they must be reached', parse: wholeNumber('worm-window'), value: (s) => s.wormWindowS, dflt: () => DEFAULT_WORM.windowMs / 1000 },
  { key: 'scan-ports', meaning: 'distinct ports of one target that make a vertical scan (Zeek, CrowdSec: 15)', parse: wholeNumber('scan-ports'), value: (s) => s.scanPorts, dflt: () => DEFAULT_SCAN.verticalPorts },
  { key: 'scan-hosts', meaning: 'distinct targets on one port that make a horizontal sweep (Zeek: 25)', parse: wholeNumber('scan-hosts'), value: (s) => s.scanHosts, dflt: () => DEFAULT_SCAN.horizontalTargets },
  { key: 'scan-window', meaning: 'seconds of the fast scan window (a 24 h window catches slow scans)', parse: wholeNumber('scan-window'), value: (s) => s.scanWindowS, dflt: () => DEFAULT_SCAN.windowMs / 1000 },
  { key: 'scan-min-level', meaning: 'psad danger level (1-5: 5/15/150/1,500/10,000 packets) an alert needs', parse: wholeNumber('scan-min-level', 5), value: (s) => s.scanMinLevel, dflt: () => DEFAULT_SCAN.minLevel },
];

export const SETTING_KEYS = SETTINGS.map((d) => d.key);

function definition(key: string): SettingDef {
  const def = SETTINGS.find((d) => d.key === key);
  if (!def) throw new Error(`unknown setting "${key}"; settings: ${SETTING_KEYS.join(', ')}`);
  return def;
}

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

/** A value as a person reads it: a list as `a,b` (what `config set` takes), an empty one as `(none)`. */
export function settingText(v: unknown): string {
  if (Array.isArray(v)) return v.length ? v.join(',') : '(none)';
  return String(v);
}

/** One setting as `config show` and `config get` give it: its value and default as JSON, whether it is stored. */
export interface SettingView {
  key: string;
  value: unknown;
  default: unknown;
  /** False when no value is stored: the default applies. */
  stored: boolean;
  meaning: string;
}

export function settingViews(db: DB): SettingView[] {
  const s = allSettings(db);
  const m = storedConfig(db);
  return SETTINGS.map((d) => ({ key: d.key, value: d.value(s), default: d.dflt(), stored: m.has(d.key), meaning: d.meaning }));
}

/** `config get KEY`. */
export function settingView(db: DB, key: string): SettingView {
  definition(key);
  return settingViews(db).find((v) => v.key === key)!;
}

/** `config show` as text columns: every setting with its value and meaning. */
export function describeSettings(db: DB): { key: string; value: string; meaning: string }[] {
  return settingViews(db).map((v) => ({ key: v.key, value: settingText(v.value), meaning: v.meaning }));
}

/**
 * What a user typed, as JSON where it is JSON (`["a","b"]`, `30`, `"UTC"`, `null`), else the
 * text itself (`a,b`, `Europe/Berlin`, `off`).
 */
function readInput(typed: string): unknown {
  const t = typed.trim();
  if (!/^(\[|"|null$|-?\d)/.test(t)) return typed;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return typed;
  }
}

export interface ChangeOptions {
  /** home, wan-if: re-decide the stored events of the addresses or interfaces the change covers. */
  reclassify?: boolean;
}

/** Added or removed between two lists. */
const changedItems = (a: string[], b: string[]) => [...a.filter((x) => !b.includes(x)), ...b.filter((x) => !a.includes(x))];

/** A change of the settings that decide direction (home, wan-if): made, and what it means for the stored events. */
function directionChange(db: DB, key: string, write: () => void, opts: ChangeOptions): string {
  const before = loadSettings(db);
  const classifier = storedClassifierSettings(db);
  const what = key === 'home' ? 'addresses' : 'interfaces';
  if (!opts.reclassify) {
    write();
    return `applies to events ingested from now on; stored events keep their direction and class (add --reclassify to re-decide those of the ${what} it adds or removes)`;
  }
  let scope: ReclassifyScope = { cidrs: [], interfaces: [] };
  const r = reclassifyStored(db, classifier, () => {
    write();
    const now = loadSettings(db);
    scope = key === 'home' ? { cidrs: changedItems(before.home, now.home), interfaces: [] } : { cidrs: [], interfaces: changedItems(before.wanIf, now.wanIf) };
    return scope;
  });
  if (scope.cidrs.length + scope.interfaces.length === 0) return 'nothing added or removed: no stored event to re-decide';
  const n = (v: number) => v.toLocaleString('en-US');
  return `applies to events ingested from now on; stored events re-decided: ${n(r.examined)} of the ${what} it adds or removes, ${n(r.changed)} changed direction or class (their days' reports recounted)`;
}

/**
 * `config set KEY VALUE`: checks and stores the value (text, or JSON where it is JSON; `null`
 * is `config unset`), and does what the change requires — a new zone rebuilds the rollups
 * (their days and hours are local to it), home networks and WAN interfaces re-decide stored
 * events when asked. Returns what a user should know about the effect.
 */
export function changeSetting(db: DB, key: string, typed: string, opts: ChangeOptions = {}): string {
  const def = definition(key);
  const input = readInput(typed);
  if (input === null) return unsetSetting(db, key, opts);
  const value = def.parse(input);
  return store(db, key, () => putConfig(db, key, value), opts);
}

/** `config unset KEY`: the setting back to its default, with the same effects as setting it. */
export function unsetSetting(db: DB, key: string, opts: ChangeOptions = {}): string {
  definition(key);
  // The rollups are counted in a zone: an unset zone is this machine's, stored as any other.
  if (key === 'tz') return store(db, key, () => putConfig(db, 'tz', systemZone()), opts) || `tz is this machine's zone (${systemZone()}) already`;
  return store(db, key, () => deleteConfig(db, key), opts);
}

function store(db: DB, key: string, write: () => void, opts: ChangeOptions): string {
  if (key === 'home' || key === 'wan-if') return directionChange(db, key, write, opts);
  const before = loadSettings(db);
  write();
  const after = loadSettings(db);
  if (key === 'tz' && after.tz !== before.tz) {
    const n = rebuildRollups(db);
    return `report rollups rebuilt in the new zone from ${n.toLocaleString('en-US')} scan events`;
  }
  if (key === 'retention' && allSettings(db).retention !== 'off') return 'watch and listen prune once a day; run "portledger prune" to prune now';
  return '';
}

/**
 * The zone log stamps are read in: `--tz`, else the zone stored with the database (the first
 * ingest's), else this machine's. The same router's logs are then read the same way every time.
 */
export function readingZone(flag: string | undefined, db?: DB): string {
  if (flag !== undefined) return checkZone(flag);
  const stored = db ? storedConfig(db) : undefined;
  // A stored zone this system does not know gets the message that names the fix.
  return stored?.has('tz') ? checkStoredZone(stored.get('tz')) : checkZone(systemZone());
}

/** The retention period in ms, or undefined when events are kept forever. */
export function retentionMs(db: DB): number | undefined {
  const r = allSettings(db).retention;
  return r === 'off' ? undefined : parseRetention(r);
}
