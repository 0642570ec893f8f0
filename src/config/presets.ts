/**
 * Presets: the scan thresholds as a peer ships them, so portledger alerts where that tool would.
 * `portledger config preset psad|zeek|crowdsec` stores them (and `portledger` the defaults back);
 * `config show` names the preset in effect, or `custom` once a threshold was changed after it.
 * Where each number comes from is in docs/detectors.md ("Presets").
 *
 * - **psad** (psad.conf, github.com/mrash/psad): `PORT_RANGE_SCAN_THRESHOLD 1` (two distinct
 *   ports), `DL1_UNIQUE_HOSTS 10` (a sweep of 10 hosts has danger level 1), `SCAN_TIMEOUT 3600`
 *   (scans are forgotten after an hour without `ENABLE_PERSISTENCE`), `MIN_DANGER_LEVEL 1`
 *   (`DANGER_LEVEL1` = 5 packets). psad also counts IP protocols (`PROTOCOL_SCAN_THRESHOLD 5`);
 *   here a protocol is one more distinct "port" of the target, so a protocol scan already passes
 *   the two-port threshold.
 * - **zeek** (scripts/policy/misc/scan.zeek, github.com/zeek/zeek): `port_scan_threshold 15`,
 *   `addr_scan_threshold 25`, `port_scan_interval` = `addr_scan_interval` = 5 min; Zeek has no
 *   packet levels, so any level (1) will do.
 * - **crowdsec** (scenarios/crowdsecurity/iptables-scan-multi_ports.yaml, github.com/crowdsecurity/hub):
 *   a leaky bucket per source of distinct `dst_port`, `capacity: 15`, `leakspeed: 5s`: it
 *   overflows at the 16th distinct port while full, and a full bucket drains in 15 × 5 s = 75 s,
 *   so 16 distinct ports within 75 s. CrowdSec ships no sweep scenario for firewall logs: the
 *   sweep threshold stays portledger's (Zeek's 25).
 */
import type { DB } from '../store/db';
import { deleteConfig, putConfig, storedConfig } from '../store/settings';
import { settingView, settingViews, SETTINGS, type SettingView } from './settings';

/** The settings a preset sets (the scan and sweep thresholds). */
export const PRESET_KEYS = ['scan-ports', 'scan-hosts', 'scan-window', 'scan-min-level'] as const;
type PresetKey = (typeof PRESET_KEYS)[number];

export interface Preset {
  name: string;
  meaning: string;
  values: Record<PresetKey, number>;
}

export const PRESETS: readonly Preset[] = Object.freeze([
  {
    name: 'psad',
    meaning: 'psad.conf: 2 ports (PORT_RANGE_SCAN_THRESHOLD 1), 10 hosts (DL1_UNIQUE_HOSTS), 1 h (SCAN_TIMEOUT), level 1 (MIN_DANGER_LEVEL)',
    values: { 'scan-ports': 2, 'scan-hosts': 10, 'scan-window': 3600, 'scan-min-level': 1 },
  },
  {
    name: 'zeek',
    meaning: 'Zeek scan.zeek: 15 ports (port_scan_threshold), 25 hosts (addr_scan_threshold), 5 min intervals',
    values: { 'scan-ports': 15, 'scan-hosts': 25, 'scan-window': 300, 'scan-min-level': 1 },
  },
  {
    name: 'crowdsec',
    meaning: 'CrowdSec iptables-scan-multi_ports: overflow at 16 distinct ports (capacity 15) within 75 s (leakspeed 5s × 15)',
    values: { 'scan-ports': 16, 'scan-hosts': 25, 'scan-window': 75, 'scan-min-level': 1 },
  },
]);

/** The name `config preset` takes to go back to portledger's own defaults. */
export const DEFAULT_PRESET = 'portledger';
export const PRESET_NAMES = [...PRESETS.map((p) => p.name), DEFAULT_PRESET];

/** Where the name of the last preset applied is kept (not a setting: `config set` refuses it). */
const PRESET_CONFIG_KEY = 'preset';

function presetNamed(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name.trim().toLowerCase());
}

/** `config preset NAME`: stores the preset's thresholds (or forgets them: `portledger`). Returns what was set. */
export function applyPreset(db: DB, name: string): string {
  const n = name.trim().toLowerCase();
  if (n === DEFAULT_PRESET) {
    for (const k of PRESET_KEYS) deleteConfig(db, k);
    deleteConfig(db, PRESET_CONFIG_KEY);
    return `preset ${DEFAULT_PRESET}: ${PRESET_KEYS.map((k) => `${k} = ${defaultOf(k)}`).join(', ')} (the defaults)`;
  }
  const p = presetNamed(n);
  if (!p) throw new Error(`unknown preset "${name}"; presets: ${PRESET_NAMES.join(', ')}`);
  db.transaction(() => {
    for (const k of PRESET_KEYS) putConfig(db, k, p.values[k]);
    putConfig(db, PRESET_CONFIG_KEY, p.name);
  })();
  return `preset ${p.name}: ${PRESET_KEYS.map((k) => `${k} = ${p.values[k]}`).join(', ')} — ${p.meaning}`;
}

function defaultOf(key: PresetKey): unknown {
  return SETTINGS.find((d) => d.key === key)!.dflt();
}

/**
 * The preset in effect: the last one applied while its thresholds are all still as it set them;
 * `custom (from psad)` once one was changed; `portledger` with the defaults; `custom` otherwise.
 */
export function activePreset(db: DB): string {
  const stored = storedConfig(db).get(PRESET_CONFIG_KEY);
  const values = new Map(settingViews(db).map((v) => [v.key, v.value]));
  const p = typeof stored === 'string' ? presetNamed(stored) : undefined;
  if (p) return PRESET_KEYS.every((k) => values.get(k) === p.values[k]) ? p.name : `custom (from ${p.name})`;
  return PRESET_KEYS.every((k) => values.get(k) === defaultOf(k)) ? DEFAULT_PRESET : 'custom';
}

export const PRESET_MEANING = `scan thresholds as a peer ships them: portledger config preset ${PRESET_NAMES.join('|')}; custom once one was changed`;

/** `config show`: the preset in effect first, then every setting. */
export function configViews(db: DB): SettingView[] {
  const preset = activePreset(db);
  return [{ key: PRESET_CONFIG_KEY, value: preset, default: DEFAULT_PRESET, stored: preset !== DEFAULT_PRESET, meaning: PRESET_MEANING }, ...settingViews(db)];
}

/** `config get KEY`, `preset` included. */
export function configView(db: DB, key: string): SettingView {
  return key === PRESET_CONFIG_KEY ? configViews(db)[0] : settingView(db, key);
}
