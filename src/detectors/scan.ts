/**
 * Inbound scan detection: the vertical-scan and horizontal-sweep rules (rules/) on one set of
 * distinct windows (distinct/), per outside source.
 *
 * Pipeline contract: feed it every inbound event of class `scan`, and nothing else. Trusted
 * sources are class `trusted` (classify/classifier.ts), so they never reach `observe` and never
 * raise an alert; `late` packets (ACK, RST, replies) are not probes and are not fed either. The
 * detector is pure — no store, no clock: time is the events' own `ts`.
 *
 * Its memory of slow scans (the 24-hour window) and of open episodes survives a restart through
 * `toJSON()` / `ScanDetector.fromJSON()`: save it after the transaction that wrote the drained
 * alerts, so an episode continues as the same stored alert.
 */
import type { LineRef, LineTable } from './lines';
import { DistinctWindows } from './distinct/distinct-windows';
import { loadWindows, saveWindows, type WindowsDocument } from './distinct/snapshot';
import { HorizontalSweep } from './rules/horizontal-sweep';
import type { ScanAlert } from './rules/scan-alert';
import { VerticalScan } from './rules/vertical-scan';
import { probeBit } from './rules/scan-type';
import { scanSettings, scanWindows, type ScanSettings } from './scan-settings';

export type { ScanAlert, ScanEvidence } from './rules/scan-alert';
export { DEFAULT_SCAN, type ScanSettings } from './scan-settings';

/** The saved memory's format; a document of another format or version starts a fresh detector. */
export const SCAN_STATE_FORMAT = 'portledger-scan';
export const SCAN_STATE_VERSION = 2;

export interface ScanStats {
  /** Sources remembered (≤ maxSources). */
  sources: number;
  /** Of which with per-target and per-port records. */
  heavySources: number;
  /** Budget in use (≤ maxKeys, give or take the source being fed). */
  keys: number;
  /** Sources forgotten to stay within maxSources / maxKeys (expiry not counted). */
  evicted: number;
}

export class ScanDetector {
  /** The class of rows the pipeline feeds it (see pipeline/sink.ts `Detector`). */
  readonly feeds = 'scan' as const;
  readonly settings: Readonly<ScanSettings>;
  private readonly windows: DistinctWindows;

  /** Missing settings take the defaults (`DEFAULT_SCAN`); invalid ones throw a `RangeError`. */
  constructor(settings: Partial<ScanSettings> = {}) {
    const s = scanSettings(settings);
    this.settings = s;
    this.windows = new DistinctWindows(scanWindows(s), (w) => [new VerticalScan(w, s), new HorizontalSweep(w, s)]);
  }

  /** The pipeline hands over each batch's line table before feeding its rows. */
  readLinesFrom(lines: LineTable): void {
    this.windows.readLinesFrom(lines);
  }

  /**
   * Feed one inbound `scan` event. `dstPort`: destination port (undefined, NaN or out of range —
   * portless protocols — counts as 0); `proto`: `tcp`, `udp`, `icmp`…; `ts`: UTC epoch ms; `raw`:
   * the log line, or its index in the table given to `readLinesFrom`; `packets`: packets the
   * event stands for (flow logs), default 1; `reason`: the classifier's reason (`tcp-syn`,
   * `udp`, …) and `length` the IP length, which name the probe's kind in the alert (scan-type.ts).
   */
  observe(src: string, dst: string, dstPort: number | undefined, proto: string, ts: number, raw: LineRef, packets = 1, reason?: string, length?: number): void {
    const probe = reason === undefined ? 0 : probeBit(reason, length, dst.includes(':'), packets);
    this.windows.observe(src, dst, dstPort, proto, ts, raw, packets, probe);
  }

  /** Alerts opened or updated since the last call; the store writes them with the batch. */
  drainChanged(): ScanAlert[] {
    return this.windows.drain<ScanAlert>();
  }

  /** What is remembered now (monitoring, tests). */
  stats(): ScanStats {
    const s = this.windows.stats();
    return { sources: s.keys, heavySources: s.heavyKeys, keys: s.entries, evicted: s.evicted };
  }

  /**
   * The detector's memory as a versioned JSON document with named fields (distinct/snapshot.ts):
   * every remembered source, stalest first, with its items, activity and open episodes — the
   * alerts themselves, with the ids the store gave them.
   */
  toJSON(): string {
    return JSON.stringify({ format: SCAN_STATE_FORMAT, version: SCAN_STATE_VERSION, ...saveWindows(this.windows) });
  }

  /**
   * A detector that continues from a `toJSON()` document, with these settings (they may differ
   * from the saved detector's; windows and limits apply from the next event). Throws on a
   * document of another format or version, or a damaged one: start a fresh detector then.
   */
  static fromJSON(json: string, settings: Partial<ScanSettings> = {}): ScanDetector {
    const doc = JSON.parse(json) as { format?: unknown; version?: unknown } | null;
    if (doc === null || typeof doc !== 'object' || doc.format !== SCAN_STATE_FORMAT) throw new Error('scan detector state: not a portledger-scan document');
    if (doc.version !== SCAN_STATE_VERSION) {
      throw new Error(`scan detector state: version ${String(doc.version)} is not supported (expected ${SCAN_STATE_VERSION})`);
    }
    const d = new ScanDetector(settings);
    loadWindows(d.windows, doc as unknown as WindowsDocument);
    return d;
  }
}
