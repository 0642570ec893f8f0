import type { Alert } from '../alert';
import type { Episode } from '../distinct/records';
import type { Observation } from '../distinct/rule';
import { scanTypeIds } from '../../contract/scan-types';
import { dangerLevel, type DangerLevels } from './danger';

/** Samples an alert carries (ports, targets, destinations). */
export const SAMPLE = 20;
/** Distinct destinations counted per scan episode (for a sweep: per source, over its ports). */
export const MAX_EPISODE_DESTINATIONS = 65_536;

export type ScanEvidence = {
  firstLine: string;
  lastLine: string;
  /** The window that met the threshold: `fast` (windowMs) or `long` (longWindowMs: a slow scan). */
  window: 'fast' | 'long';
  /** Up to 20 distinct ports probed (vertical), or the swept port (horizontal). */
  samplePorts: number[];
  /** Up to 20 distinct targets probed (horizontal), or the scanned target(s) (vertical). */
  sampleTargets: string[];
  /** The probe kinds seen (contract/scan-types.ts ids: `syn`, `fin`, `udp`, `ip-proto`, …). */
  scanTypes: string[];
  /** Distinct targets of a vertical scan (a scan of several hosts' ports); a sweep's are `destinations`. */
  targets?: number;
  /** UTC ms of the event that raised the alert (met the threshold): the alert's own time. */
  raisedAt?: number;
};

/** A scan alert: `host` is the scanning source; `port` the swept port, 0 for a vertical scan. */
export interface ScanAlert extends Alert {
  kind: 'vertical-scan' | 'horizontal-scan';
  level: number;
  evidence: ScanEvidence;
}

/**
 * What every packet does to an open scan episode, whatever its rule: packets, last seen (and the
 * line to show for it), peak within the window, danger level, and the scan types seen.
 */
export function countScanPacket(o: Observation, ep: Episode<ScanAlert>, inWindow: number, levels: DangerLevels): void {
  const a = ep.alert;
  a.events += o.packets;
  if (o.ts >= a.last) {
    a.last = o.ts;
    ep.lastRaw = o.raw;
  }
  if (inWindow > a.peak) a.peak = inWindow;
  a.level = dangerLevel(a.events, levels);
  if ((ep.probes & o.probe) !== o.probe) {
    ep.probes |= o.probe;
    a.evidence.scanTypes = scanTypeIds(ep.probes);
  }
}
