/**
 * The write half every run shares — one-shot `ingest` and live `watch` / `listen` alike: the
 * rollup zone pinned, the detectors built from the stored settings (and their memory restored),
 * the rollup session, the classifier settings as stored, and the sink that commits a computed
 * batch with all of them. The runs differ only in how text reaches a batch and how often they
 * save, not in what a batch does to the database; so that is wired once, here.
 */
import type { DB } from '../store/db';
import { pinZone } from '../store/settings';
import { rollupSession, settleRollups, type RollupSession } from '../store/rollups';
import { findSource, type SourceRow } from '../store/sources';
import { storedClassifierSettings } from '../store/reclassify';
import { forgetIdleSessions } from '../store/session-keys';
import type { ClassifierSettings } from '../classify/classifier';
import type { Alert } from '../contract/alert';
import { TAIL_BYTES } from '../sources/fingerprint';
import { sha256 } from '../util/hash';
import { runDetectors, type RunDetectors } from './detectors';
import { BatchSink } from './sink';
import { SESSION_LIFETIME_MS } from './sessions';
import type { FinishStep } from './thread-protocol';

export interface WriteSessionOptions {
  /** The zone the run reads stamps in; the rollups' zone is pinned to the stored one (or this, first). */
  tz: string;
  /** Live runs keep rollups by ownership of today's days (several writers); a bulk run counts in memory. */
  live: boolean;
  /** The scan detector's 24-hour window, remembered across runs. */
  slowScans: boolean;
  /** Told of alerts after they are committed. */
  onAlerts?: (alerts: Alert[]) => void;
  /** Called when a commit finds the database locked: true to try again (after waiting). */
  onBusy?: (attempt: number) => boolean;
}

/** What a text is to the store: a known source it continues, one not to decide yet, or a new one. */
export type SourceMatch = SourceRow | 'shorter' | 'new';

/** What matching needs to know of a text: its first bytes, its size and the bytes before a position. */
export interface TextView {
  head: Buffer;
  /** The text's size; looked at only for a text that can be re-read (a .gz's size on disk is not its text's). */
  size?: number;
  /** Undefined when the text cannot be re-read (stdin, gzip): then the saved position is trusted. */
  bytesBefore?: (offset: number, len: number) => Buffer;
}

/**
 * The source a text continues: a known source whose first bytes it starts with and whose bytes
 * before the saved position it holds too (a rotated copy, a restart, the same file again);
 * `shorter` when its first bytes are a known source's but it ends before that source's saved
 * position (a copy still being written, or a file rewritten); otherwise `new`. `known`, when
 * given, is tried before the fingerprint lookup.
 */
export function matchSource(db: DB, text: TextView, known?: SourceRow): SourceMatch {
  const row = known ?? findSource(db, text.head);
  if (!row) return 'new';
  if (row.offset > 0 && text.bytesBefore) {
    if (text.size !== undefined && text.size < row.offset) return 'shorter';
    if (row.tail_hash && sha256(text.bytesBefore(row.offset, TAIL_BYTES)) !== row.tail_hash) return 'new';
  }
  return row;
}

export class WriteSession {
  readonly rollupTz: string;
  readonly detectors: RunDetectors;
  readonly rollups: RollupSession;
  readonly sink: BatchSink;
  /** As stored when the session began; a live run refreshes `trusted` in place. */
  readonly classifier: ClassifierSettings;

  constructor(private readonly db: DB, opts: WriteSessionOptions) {
    this.rollupTz = pinZone(db, opts.tz);
    this.detectors = runDetectors(db, { slowScans: opts.slowScans });
    this.rollups = rollupSession(db, this.rollupTz, { live: opts.live });
    this.sink = new BatchSink(db, this.rollups.counter, this.rollups.writer, [this.detectors.worm, this.detectors.scan], opts.onAlerts, opts.onBusy);
    this.classifier = storedClassifierSettings(db);
  }

  /**
   * What lives only in memory between commits, saved: alert updates not written yet, then the
   * detectors' memory (which names those alerts); sessions idle past their lifetime are forgotten.
   */
  save(now = Date.now()): void {
    this.sink.flushAlerts();
    this.detectors.save();
    forgetIdleSessions(this.db, now, SESSION_LIFETIME_MS);
  }

  /**
   * The end of a run: memory saved, this run's days handed back, every hour it could not count
   * in memory recounted. `step` runs each write (a bulk run waits out another writer's lock there).
   */
  finish(step: <T>(fn: () => T) => T = (fn) => fn(), told?: (s: FinishStep) => void): void {
    told?.('detectors');
    step(() => this.save());
    told?.('rollups');
    step(() => this.rollups.writer.release());
    step(() => settleRollups(this.db));
  }
}
