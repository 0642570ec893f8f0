/**
 * The pipeline for input that keeps coming (`watch`, `listen`): every few records go through
 * compute and sink in-process and are committed at once, with the source's read position, so
 * an appended line is in every report within a second and a `kill -9` loses nothing.
 */
import path from 'node:path';
import { createClock } from '../../parsers/clock';
import { parserById } from '../../parsers';
import type { DB } from '../store/db';
import { settleRollups, type SettleResult } from '../store/rollups';
import { createSource, namedSource, sourceById, type SourceRow } from '../store/sources';
import { prunedBefore, pruneOlderThan } from '../store/prune';
import { retentionMs } from '../config/settings';
import type { Alert } from '../contract/alert';
import { WORM_PORT } from './detectors';
import type { RecordBatch } from '../sources/records';
import { BatchComputer, type ComputedBatch, type SourceCursor } from './batch';
import { expireTrusted, loadTrusted } from '../store/trust-store';
import { CidrSet } from '../classify/networks';
import { Tally } from './tally';
import { loadOpenSessions } from '../store/session-keys';
import { matchSource, WriteSession } from './write-session';
import { LiveParseThread } from './live-compute';

export interface LiveOptions {
  tz: string;
  year?: number;
  format?: string;
  /** Told of alerts after they are committed (console, JSON Lines file, webhook). */
  onAlerts?: (alerts: Alert[]) => void;
  /** Told of every committed batch (the `--json` event stream, the live panel). */
  onBatch?: (b: ComputedBatch) => void;
  /** Keep every event's raw line in the batches (`--json --original`). */
  everyLine?: boolean;
  /** Remember scans over 24 hours (slow scans), across runs; false keeps the 5-minute window only (default on). */
  slowScans?: boolean;
  /**
   * Parse and classify in a worker thread (`listen`: see parseThread), where there is a build;
   * `onParseThreadFailure` is told if it stops (batches are then computed in this thread).
   */
  parseThread?: boolean;
  onParseThreadFailure?: (e: Error) => void;
}

/** What fileSource needs to know of a file's text. */
export interface FileText {
  /** Up to FINGERPRINT_BYTES from its start. */
  head: Buffer;
  size: number;
  bytesBefore(offset: number, len: number): Buffer;
}

/** A source the live pipeline is reading: a followed file or a syslog sender. */
export interface LiveSource {
  row: SourceRow;
  cursor: SourceCursor;
  tally: Tally;
}

export class LivePipeline {
  private readonly session: WriteSession;
  private readonly computer: BatchComputer;
  private lastSave = Date.now();
  private nextPrune = Date.now() + 60_000;
  /** The classifier's settings: the trusted list is refreshed in place (see refreshTrust). */
  private readonly classify;
  private trustSeen: string;
  readonly tally = new Tally();
  /**
   * Where the messages of `listen` are parsed and classified, off this thread (which detects
   * and commits): the same BatchComputer, in a worker. Undefined: in this thread (`watch`, a
   * run without a build, or after the worker failed).
   */
  readonly parseThread?: LiveParseThread;

  constructor(private readonly db: DB, private readonly opts: LiveOptions) {
    this.session = new WriteSession(db, { tz: opts.tz, live: true, slowScans: opts.slowScans ?? true, onAlerts: opts.onAlerts });
    this.classify = this.session.classifier;
    this.trustSeen = this.classify.trusted.cidrs.join(',');
    const notBefore = prunedBefore(db);
    this.computer = new BatchComputer(this.classify, WORM_PORT, opts.format ? parserById(opts.format) : undefined, notBefore, opts.everyLine);
    if (opts.parseThread) {
      this.parseThread = LiveParseThread.start(
        {
          tz: opts.tz, year: opts.year, format: opts.format, everyLine: opts.everyLine, wormPort: WORM_PORT, notBefore,
          home: this.classify.home.cidrs, wanIf: [...this.classify.wanIf], trusted: this.classify.trusted.cidrs,
        },
        (e) => opts.onParseThreadFailure?.(e),
      );
    }
  }

  /**
   * Trust changed by another process (the dashboard, `trust add`) or expired: new events follow
   * the list as it is now, and expired entries are removed (their past events count again).
   */
  private refreshTrust(): void {
    expireTrusted(this.db);
    const now = loadTrusted(this.db);
    const seen = now.join(',');
    if (seen === this.trustSeen) return;
    this.trustSeen = seen;
    this.classify.trusted = new CidrSet(now);
    this.parseThread?.settings(this.classify.trusted.cidrs, this.computer.notBefore);
  }

  /**
   * Which source a file's text belongs to, decided under the write lock so that two processes
   * meeting the same new file make one source of it:
   * - it continues a known source when its first bytes are that source's and the bytes before the
   *   saved position are the same too (a rotated copy, a restart);
   * - `wait` when its first bytes are a known source's but it is still shorter than that source's
   *   saved position: it has nothing new yet, and may be a copy still being written; decided
   *   again once it has grown;
   * - otherwise a new source, read from its start.
   * `sameText`: a source whose text is known (by this process) to start with `head`, for a file
   * too short yet for the stored fingerprint to tell (the first bytes of a copy in progress).
   */
  fileSource(name: string, file: FileText, sameText?: number): LiveSource | 'wait' {
    const decide = (): SourceRow | 'wait' | 'new' => {
      const m = matchSource(this.db, file, sameText !== undefined ? sourceById(this.db, sameText) : undefined);
      return m === 'shorter' ? 'wait' : m;
    };
    // Decided without the lock (this runs on every poll for a file left waiting); a new source
    // is decided again and made under it.
    let row = decide();
    if (row === 'new') {
      row = this.db.transaction(() => {
        const again = decide();
        return again === 'new' ? createSource(this.db, path.resolve(name), file.head, Date.now()) : again;
      }).immediate();
    }
    return row === 'wait' ? row : this.track(row);
  }

  /** The source for one syslog sender (`syslog udp 192.0.2.1`); created on first message. */
  namedSource(name: string): LiveSource {
    return this.track(namedSource(this.db, name, Date.now()));
  }

  /**
   * Parses, classifies, detects and commits one batch of a source's records, read from the
   * source's committed position (`src.row`), which moves only when the commit succeeds. Throws
   * SourceMoved when another writer stored part of this text meanwhile (nothing of the batch is
   * stored; the caller goes on from the stored position) and whatever SQLite throws (busy, full:
   * nothing stored; the caller re-reads from `src.row` later). The sink lets the detectors and
   * the rollup counter see the rows only under the write lock with the position checked, so a
   * busy database or a moved position leaves them untouched; only a failure past that point (a
   * full disk at COMMIT) has the detectors see the rows again when re-read (the rollup counter
   * gets them back through RollupCounter.failed).
   */
  process(src: LiveSource, batch: RecordBatch, tailHash: string | null = null, head?: Buffer): void {
    const computed = this.compute(src, batch);
    try {
      this.commit(src, computed, tailHash, head);
    } catch (e) {
      // Nothing of the batch is stored and its records will be read again: the session memory
      // goes back to what the store holds, or their start records would pass for known sessions.
      src.cursor.sessions = undefined;
      src.cursor.openSessions = loadOpenSessions(this.db, src.row.id);
      throw e;
    }
  }

  /** The compute half of `process`, in this thread: records parsed, classified, encoded. */
  compute(src: LiveSource, batch: RecordBatch): ComputedBatch {
    for (const r of batch.records) this.computer.process(r, src.cursor);
    return this.computer.take(batch.endOffset, batch.lines, src.cursor);
  }

  /**
   * The commit half of `process`, for a batch computed here or in the parse worker. A batch
   * refused by the database (it throws, nothing stored) may be offered again as it is: the
   * detectors and rollups see its rows only once the write lock is held (see BatchSink.commit).
   */
  commit(src: LiveSource, computed: ComputedBatch, tailHash: string | null = null, head?: Buffer): void {
    const longer = head && head.length > src.row.fp_len ? head : undefined;
    this.session.sink.commit(computed, { sourceId: src.row.id, from: src.row.offset, tailHash, head: longer }, src.tally);
    src.row.offset = computed.endOffset;
    src.row.lines = computed.lines;
    if (tailHash) src.row.tail_hash = tailHash;
    if (longer) src.row.fp_len = longer.length;
    this.tally.add(src.tally);
    src.tally = new Tally();
    this.opts.onBatch?.(computed);
  }

  /** Recounts hours that could not be counted in memory; saves detector memory once a minute. */
  settle(): SettleResult {
    // A small step each tick: a big day's recount never holds the write lock for long.
    const r = settleRollups(this.db, { budgetMs: 500 });
    this.applyRetention();
    const notBefore = prunedBefore(this.db) ?? -Infinity;
    if (notBefore !== this.computer.notBefore) {
      this.computer.notBefore = notBefore;
      this.parseThread?.settings(this.classify.trusted.cidrs, notBefore);
    }
    this.refreshTrust();
    // Updates of open alerts wait for a batch (sink.ts ALERT_UPDATE_MS); a quiet input's too.
    this.session.sink.flushAlerts(true);
    if (Date.now() - this.lastSave >= 60_000) {
      this.session.save();
      this.lastSave = Date.now();
    }
    return r;
  }

  /**
   * The `retention` setting, once a day (and a minute after start): old events deleted in small
   * steps, within a time budget per tick, so live writing goes on.
   */
  private applyRetention(): void {
    const now = Date.now();
    if (now < this.nextPrune) return;
    const keep = retentionMs(this.db);
    if (keep === undefined) {
      this.nextPrune = now + 3_600_000;
      return;
    }
    const r = pruneOlderThan(this.db, keep, now, { budgetMs: 1000 });
    // Not done within the budget: go on at the next tick.
    this.nextPrune = r.done ? now + 86_400_000 : now;
  }

  /** Final recount and save; the database stays open for the caller to close. The parse worker ends. */
  close(): void {
    void this.parseThread?.close();
    this.session.finish();
  }

  private track(row: SourceRow): LiveSource {
    const cursor: SourceCursor = {
      clock: createClock(this.opts.tz, { fixedYear: this.opts.year, reference: () => Date.now() }),
      samples: new Map(),
      openSessions: loadOpenSessions(this.db, row.id),
    };
    return { row, cursor, tally: new Tally() };
  }
}
