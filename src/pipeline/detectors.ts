/**
 * The detectors a run feeds, built from the stored settings, with the scan detector's memory of
 * slow scans restored from the database and saved back.
 */
import type { DB } from '../store/db';
import { loadSettings } from '../store/settings';
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

export function runDetectors(db: DB): RunDetectors {
  const s = loadSettings(db);
  const worm = new WormDetector({ threshold: s.wormThreshold, windowMs: s.wormWindowS * 1000, port: WORM_PORT });
  let scan: ScanDetector | undefined;
  const saved = loadDetectorState(db, 'scan');
  if (saved) {
    try {
      scan = ScanDetector.fromJSON(saved);
    } catch {
      scan = undefined; // another version's memory: start afresh rather than fail
    }
  }
  scan ??= new ScanDetector();
  return { worm, scan, save: () => saveDetectorState(db, 'scan', scan!.toJSON()) };
}
