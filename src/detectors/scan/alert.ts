import type { Alert } from '../alert';

export type ScanEvidence = {
  firstLine: string;
  lastLine: string;
  /** The window that met the threshold: `fast` (windowMs) or `long` (longWindowMs: a slow scan). */
  window: 'fast' | 'long';
  /** Up to 20 distinct ports probed (vertical), or the swept port (horizontal). */
  samplePorts: number[];
  /** Up to 20 distinct targets probed (horizontal), or the scanned target(s) (vertical). */
  sampleTargets: string[];
};

/** A scan alert: `host` is the scanning source; `port` the swept port, 0 for a vertical scan. */
export interface ScanAlert extends Alert {
  kind: 'vertical-scan' | 'horizontal-scan';
  level: number;
  evidence: ScanEvidence;
}

export interface ScanStats {
  /** Sources remembered (≤ maxSources). */
  sources: number;
  /** Of which with per-target and per-port state. */
  heavySources: number;
  /** Budget in use (≤ maxKeys, give or take the source being fed). */
  keys: number;
  /** Sources forgotten to stay within maxSources / maxKeys (expiry not counted). */
  evicted: number;
}
