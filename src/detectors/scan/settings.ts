/**
 * Scan detector settings and their defaults.
 *
 * Defaults and where they come from:
 *
 * | setting             | default | source |
 * |---------------------|---------|--------|
 * | `dangerLevels`      | 5 / 15 / 150 / 1,500 / 10,000 packets → levels 1–5 | psad `DANGER_LEVEL1..5` (psad.conf defaults) |
 * | `minLevel`          | 2 (15 packets) | psad's scale; level 1 (5 packets) is background noise |
 * | `verticalPorts`     | 15 distinct ports of one target | Zeek scan.zeek `Scan::port_scan_threshold` = 15; CrowdSec `iptables-scan-multi_ports`: 15 distinct `dst_port` (bucket capacity, leak 5 s) |
 * | `horizontalTargets` | 25 distinct targets on one port | Zeek scan.zeek `Scan::addr_scan_threshold` = 25 (psad.conf has no host-count threshold) |
 * | `windowMs`          | 5 minutes | Zeek `Scan::port_scan_interval` = `addr_scan_interval` = 5 min |
 * | `longWindowMs`      | 24 hours | slow scans; psad's answer is `ENABLE_PERSISTENCE Y` (scans never time out; `SCAN_TIMEOUT` 1 h otherwise) |
 * | `maxSources`        | 100,000 | memory: sources remembered at once, stalest forgotten first |
 * | `maxKeysPerSource`  | 4,096 | memory: (target, port) pairs remembered per source |
 * | `maxKeys`           | 2,000,000 | memory: everything remembered (pairs, per-target and per-port state, episode destinations); ≈ 150 MB when full |
 */

import { STRUCT_COST } from './records';

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
  dangerLevels: readonly [number, number, number, number, number];
  /** Lowest danger level that raises an alert (1–5). */
  minLevel: number;
  /** Most sources remembered at once; the stalest is forgotten beyond it. */
  maxSources: number;
  /** Most (target, port) pairs remembered per source (≥ 10 × the larger distinct threshold). */
  maxKeysPerSource: number;
  /** Most entries remembered in all: pairs, per-target/per-port state (4 each), episode destinations. */
  maxKeys: number;
}

export const DEFAULT_SCAN: Readonly<ScanSettings> = Object.freeze({
  verticalPorts: 15,
  horizontalTargets: 25,
  windowMs: 5 * 60_000,
  longWindowMs: 24 * 3_600_000,
  dangerLevels: Object.freeze([5, 15, 150, 1_500, 10_000]) as readonly [number, number, number, number, number],
  minLevel: 2,
  maxSources: 100_000,
  maxKeysPerSource: 4_096,
  maxKeys: 2_000_000,
});

export function validate(s: ScanSettings): void {
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
  int('maxKeysPerSource', (2 + 2 * STRUCT_COST) * Math.max(s.verticalPorts, s.horizontalTargets));
  int('maxKeys', s.maxKeysPerSource);
  if (s.minLevel > 5) throw new RangeError('scan detector: minLevel must be 1..5');
  const d = s.dangerLevels;
  if (!Array.isArray(d) || d.length !== 5 || d.some((x, i) => !Number.isInteger(x) || x < 1 || (i > 0 && x <= d[i - 1]))) {
    throw new RangeError('scan detector: dangerLevels must be 5 ascending positive integers');
  }
}
