/**
 * The detectors a run feeds, built from the stored settings, with the scan detector's memory of
 * slow scans restored from the database and saved back.
 */
import type { DB } from '../store/db';
import { allSettings } from '../config/settings';
import { loadDetectorState, saveDetectorState } from '../store/detector-state';
import { WormDetector } from '../detectors/worm';
import { ScanDetector } from '../detectors/scan';

export const WORM_PORT = 445;

export interface RunDetectors {
  worm: WormDetector;
  scan: ScanDetector;
  /** Saves the scan detector's memory (slow scans, open episodes). */
  save(): void;
}

/**
 * `slowScans`: the scan detector also remembers 24 hours (psad-style slow scans) and its memory
 * is kept across runs — the default of `ingest`, `watch` and `listen`; `--no-slow-scans` keeps
 * the 5-minute window only (and neither reads nor writes the saved memory).
 */
export function runDetectors(db: DB, opts: { slowScans: boolean }): RunDetectors {
  const s = allSettings(db);
  const worm = new WormDetector({ threshold: s.wormThreshold, windowMs: s.wormWindowS * 1000, port: WORM_PORT });
  const tuned = { verticalPorts: s.scanPorts, horizontalTargets: s.scanHosts, windowMs: s.scanWindowS * 1000, minLevel: s.scanMinLevel };
  let scan: ScanDetector | undefined;
  if (!opts.slowScans) {
    const fast = new ScanDetector({ ...tuned, longWindowMs: 0 });
    return { worm, scan: fast, save: () => undefined };
  }
  const saved = loadDetectorState(db, 'scan');
  if (saved) {
    try {
      scan = ScanDetector.fromJSON(saved, tuned);
    } catch {
      scan = undefined; // another version's memory: start afresh rather than fail
    }
  }
  scan ??= new ScanDetector(tuned);
  return { worm, scan, save: () => saveDetectorState(db, 'scan', scan!.toJSON()) };
}
