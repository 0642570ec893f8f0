/**
 * Scan detector settings, their defaults and where the defaults come from. The rules that use
 * them explain each threshold (rules/vertical-scan.ts, rules/horizontal-sweep.ts, rules/danger.ts).
 *
 * | setting             | default | source |
 * |---------------------|---------|--------|
 * | `verticalPorts`     | 15 distinct ports of one target | Zeek scan.zeek `Scan::port_scan_threshold` = 15; CrowdSec `iptables-scan-multi_ports`: 15 distinct `dst_port` (bucket capacity, leak 5 s) |
 * | `horizontalTargets` | 25 distinct targets on one port | Zeek scan.zeek `Scan::addr_scan_threshold` = 25 (psad.conf has no host-count threshold) |
 * | `windowMs`          | 5 minutes | Zeek `Scan::port_scan_interval` = `addr_scan_interval` = 5 min |
 * | `longWindowMs`      | 24 hours | slow scans; psad's answer is `ENABLE_PERSISTENCE Y` (scans never time out; `SCAN_TIMEOUT` 1 h otherwise) |
 * | `dangerLevels`      | 5 / 15 / 150 / 1,500 / 10,000 packets → levels 1–5 | psad `DANGER_LEVEL1..5` (psad.conf defaults) |
 * | `minLevel`          | 2 (15 packets) | psad's scale; level 1 (5 packets) is background noise |
 * | `maxSources`        | 25,000 | memory: sources remembered at once, stalest forgotten first (a source that keeps probing stays fresh; the one-off sources of a busy day are the ones let go) |
 * | `maxKeysPerSource`  | 4,096 | memory: budget entries per source ((target, port) pairs, per-target and per-port records) |
 * | `maxKeys`           | 2,000,000 | memory: budget entries in all (pairs, per-target and per-port records, episode destinations); ≈ 150 MB when full |
 */
import { GROUP_COST } from './distinct/records';
import type { WindowSettings } from './distinct/distinct-windows';
import { PSAD_DANGER_LEVELS, validDangerLevels, type DangerLevels } from './rules/danger';
import { HORIZONTAL_TARGETS } from './rules/horizontal-sweep';
import { VERTICAL_PORTS } from './rules/vertical-scan';

export interface ScanSettings {
  /** Distinct ports of one target, within a window, that make a vertical scan. */
  verticalPorts: number;
  /** Distinct targets on one port (and protocol), within a window, that make a horizontal sweep. */
  horizontalTargets: number;
  /** The fast window, ms. */
  windowMs: number;
  /** The slow-scan window, ms; 0 (or anything ≤ `windowMs`) turns slow-scan detection off. */
  longWindowMs: number;
  /** Packets of an episode for danger levels 1..5, ascending (psad's DANGER_LEVEL1..5). */
  dangerLevels: DangerLevels;
  /** Lowest danger level that raises an alert (1–5). */
  minLevel: number;
  /** Most sources remembered at once; the stalest is forgotten beyond it. */
  maxSources: number;
  /** Most budget entries per source (≥ 10 × the larger distinct threshold). */
  maxKeysPerSource: number;
  /** Most budget entries in all: pairs, per-target/per-port records (4 each), episode destinations. */
  maxKeys: number;
}

export const DEFAULT_SCAN: Readonly<ScanSettings> = Object.freeze({
  verticalPorts: VERTICAL_PORTS,
  horizontalTargets: HORIZONTAL_TARGETS,
  windowMs: 5 * 60_000,
  longWindowMs: 24 * 3_600_000,
  dangerLevels: PSAD_DANGER_LEVELS,
  minLevel: 2,
  // 100,000 cost 130 MB more peak RSS on the reference 1M-line ingest (258,000 sources) for the
  // same alerts (122 vertical scans, 3 worms): 455 → 325 MB, measured in one session.
  maxSources: 25_000,
  maxKeysPerSource: 4_096,
  maxKeys: 2_000_000,
});

/** `partial` over the defaults, checked (a `RangeError` names the bad setting) and frozen. */
export function scanSettings(partial: Partial<ScanSettings>): Readonly<ScanSettings> {
  const s: ScanSettings = { ...DEFAULT_SCAN, ...partial };
  const int = (name: keyof ScanSettings, min: number) => {
    const v = s[name] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`scan detector: ${name} must be an integer ≥ ${min} (got ${String(v)})`);
  };
  int('verticalPorts', 2);
  int('horizontalTargets', 2);
  int('windowMs', 1);
  int('longWindowMs', 0);
  int('minLevel', 1);
  int('maxSources', 1);
  // Room for one scan: each port or target probed may cost a pair plus a per-port/per-target record.
  int('maxKeysPerSource', (2 + 2 * GROUP_COST) * Math.max(s.verticalPorts, s.horizontalTargets));
  int('maxKeys', s.maxKeysPerSource);
  if (s.minLevel > 5) throw new RangeError('scan detector: minLevel must be 1..5');
  if (!validDangerLevels(s.dangerLevels)) throw new RangeError('scan detector: dangerLevels must be 5 ascending positive integers');
  return Object.freeze({ ...s, dangerLevels: Object.freeze([...s.dangerLevels]) as DangerLevels });
}

/** What the scan rules ask of the windows. */
export function scanWindows(s: ScanSettings): WindowSettings {
  return { windowMs: s.windowMs, longWindowMs: s.longWindowMs, maxKeys: s.maxSources, maxEntriesPerKey: s.maxKeysPerSource, maxEntries: s.maxKeys };
}
