/**
 * The write half of the pipeline: a computed batch goes through the detectors and into the
 * store, with the source's new read position, in one transaction. That transaction is what
 * makes every source exactly-once, across re-runs and crashes alike.
 */
import { splitReasonKey } from '../../parsers/lib/reasons';
import type { DB } from '../store/db';
import { EventWriter } from '../store/event-writer';
import type { RollupWriter } from '../store/rollups/writer';
import { alertWriter } from '../store/alert-store';
import { isBusy, progressWriter } from '../store/sources';
import type { Alert } from '../contract/alert';
import { COL, RowReader } from '../contract/batch/codec';
import type { ComputedBatch } from './batch';
import { RawLineTable } from '../contract/batch/raw-lines';
import type { LineRef, LineTable } from '../detectors/lines';
import { rollupPort } from '../store/rollups/aggregate';
import type { RollupCounter, RollupDelta } from '../store/rollups/counter';
import type { Tally } from './tally';
import { SessionWriter } from '../store/session-keys';

/** A detector fed with the rows of one class. */
export interface Detector {
  /** The class of rows it looks at: `scan` or `outbound`. */
  readonly feeds: 'scan' | 'outbound';
  /** Called before each batch's rows: the table the line indexes given to `observe` point into. */
  readLinesFrom(lines: LineTable): void;
  observe(src: string, dst: string, dstPort: number | undefined, proto: string, ts: number, raw: LineRef, packets?: number, reason?: string, length?: number): unknown;
  drainChanged(): Alert[];
}

/**
 * How often an open alert's updates are written, at most. A long scan's episode changes in
 * nearly every batch (a bulk run commits ~15 a second); writing it each time cost the write
 * thread more than the scans' detection did (about 14,000 updates of 125 alerts on the
 * reference log). A new alert is written at once (it needs its id); an update waits until this
 * much time has passed since the last write of updates, or a save (WriteSession.save) or the
 * live tick (flushAlerts) comes first — so a stored alert is at most this far behind.
 */
export const ALERT_UPDATE_MS = 1000;

/** Which source a batch belongs to, and the read position it was read from. */
export interface CommitTarget {
  sourceId: number;
  /** The stored read position the batch starts at (see progressWriter: optimistic concurrency). */
  from: number;
  /** sha256 of the bytes before the batch's end offset, when the input can tell. */
  tailHash: string | null;
  /** The text's first bytes, when longer than its stored fingerprint. */
  head?: Buffer;
}

export class BatchSink {
  private readonly events: EventWriter;
  private readonly writeAlerts;
  private readonly writeProgress;
  private readonly insReject;
  private readonly addRejectCount;
  private readonly addSkipCount;
  private readonly sessions: SessionWriter;
  private readonly alertUpdateMs: number;
  /** The classes some detector looks at. */
  private readonly fed: Set<string>;
  /** Open alerts updated since their last write (see ALERT_UPDATE_MS). */
  private readonly pending = new Set<Alert>();
  private lastAlertWrite = Date.now();

  constructor(
    private readonly db: DB,
    /** Counts scans into the report rollups; one per run, shared by all its sources. */
    private readonly rollups: RollupCounter,
    /** Writes what the counter counted, for the days this session owns (see store/rollups/writer). */
    private readonly rollupWriter: RollupWriter,
    private readonly detectors: Detector[],
    /** Told of every alert opened or updated, after it is committed. */
    private readonly onAlerts?: (alerts: Alert[]) => void,
    /**
     * Told when the database stayed locked past the busy timeout; returning true retries the same
     * transaction (bulk ingest waits its turn), false lets the error through (live input rewinds
     * and retries later without blocking).
     */
    private readonly retryBusy?: (attempt: number, e: Error) => boolean,
    alertUpdateMs = ALERT_UPDATE_MS,
  ) {
    this.fed = new Set(detectors.map((d) => d.feeds));
    this.events = new EventWriter(db);
    this.sessions = new SessionWriter(db);
    this.writeAlerts = alertWriter(db);
    this.alertUpdateMs = alertUpdateMs;
    this.writeProgress = progressWriter(db);
    this.insReject = db.prepare('INSERT INTO rejects (source_id, line, reason, detail, sample) VALUES (?, ?, ?, ?, ?)');
    const upsert = (table: string) =>
      db.prepare(`INSERT INTO ${table} (source_id, reason, detail, count) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`);
    this.addRejectCount = upsert('reject_counts');
    this.addSkipCount = upsert('skip_counts');
  }

  /**
   * Stores a batch with the source's new read position, or nothing of it. Throws SourceMoved
   * when another writer moved the position since `to.from` (nothing stored), and what SQLite
   * throws (busy past the timeout, disk full) once `retryBusy` declines to wait longer.
   */
  commit(b: ComputedBatch, to: CommitTarget, tally: Tally): void {
    const rows = new RowReader(b.rows);
    const events = b.rows.count;
    let skips = 0;
    let rejects = 0;
    for (const [, c] of b.skipReasons) skips += c;
    for (const [, c] of b.rejectReasons) rejects += c;
    const sourceId = to.sourceId;
    let delta: RollupDelta | undefined;
    let alerts: Alert[] = [];
    let counted = false;
    // IMMEDIATE takes the write lock up front, through the busy timeout: a deferred transaction
    // that first reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT) when another writer
    // committed in between, which is what lost lines with two writers. And the detectors and the
    // rollup counter see the rows only once the lock is held and the position checked: a busy
    // database or a position another writer moved refuses the batch before anything counted it,
    // so the caller can offer the same records again and nothing is counted twice.
    const write = this.db.transaction(() => {
      // First, so a batch another writer has stored meanwhile costs nothing before it rolls back.
      this.writeProgress(sourceId, { from: to.from, offset: b.endOffset, lines: b.lines, tailHash: to.tailHash, head: to.head, events, skips, rejects });
      counted = true;
      this.perRow(b, rows);
      alerts = this.dueAlerts(this.detectors.flatMap((d) => d.drainChanged()));
      delta = this.rollups.take();
      this.events.write(rows, sourceId);
      // After the events: an end record's deny may correct a row of this very batch.
      if (b.sessions) this.sessions.apply(sourceId, b.sessions);
      const r = this.rollupWriter.write(delta);
      for (const x of b.rejects) this.insReject.run(sourceId, x.line, x.reason, x.detail, x.sample);
      for (const [key, c] of b.rejectReasons) this.addRejectCount.run(sourceId, ...splitReasonKey(key), c);
      for (const [key, c] of b.skipReasons) this.addSkipCount.run(sourceId, ...splitReasonKey(key), c);
      this.writeAlerts(alerts);
      return r.disowned;
    }).immediate;
    let disowned: number[];
    for (let attempt = 1; ; attempt++) {
      try {
        disowned = write();
        break;
      } catch (e) {
        // Busy at BEGIN: nothing ran, the same transaction again is exact.
        if (!counted && isBusy(e) && this.retryBusy?.(attempt, e as Error)) continue;
        // Nothing of the batch is stored: the rollup counter must not keep what it counted of it.
        // (Had the failure come after the detectors saw the rows — a full disk at COMMIT — they
        // keep them, and count them again when the rows are offered again; the store never does.)
        if (counted) this.rollups.failed(delta ?? this.rollups.take());
        // Updates taken for this transaction were not written: they wait for the next one.
        for (const a of alerts) if (a.id !== undefined) this.pending.add(a);
        throw e;
      }
    }
    this.rollups.disown(disowned);
    for (const [reason, c] of b.skipReasons) tally.skip(reason, c);
    for (const [reason, c] of b.rejectReasons) tally.reject(reason, undefined, c);
    for (const [id, ev, rj] of b.formats) tally.format(id, ev, rj);
    tally.events += events;
    if (b.sessions) {
      tally.sessionsExpired += b.sessions.expired;
      tally.sessionsEvicted += b.sessions.evicted;
    }
    if (alerts.length > 0) this.onAlerts?.(alerts);
  }

  /** Writes the alert updates still waiting (a save, the end of a run, the live tick once due). */
  flushAlerts(onlyIfDue = false): void {
    if (this.pending.size === 0 || (onlyIfDue && Date.now() - this.lastAlertWrite < this.alertUpdateMs)) return;
    const alerts = [...this.pending];
    this.db.transaction(() => this.writeAlerts(alerts)).immediate();
    this.pending.clear();
    this.lastAlertWrite = Date.now();
    this.onAlerts?.(alerts);
  }

  /**
   * Of the alerts the detectors just drained, those to write now: new ones always, updates once
   * ALERT_UPDATE_MS passed since the last write of updates (with every update waiting); the
   * rest wait, each alert once with its newest state (the detector updates the same object).
   */
  private dueAlerts(drained: Alert[]): Alert[] {
    const fresh: Alert[] = [];
    for (const a of drained) {
      if (a.id === undefined) fresh.push(a);
      else this.pending.add(a);
    }
    if (this.pending.size === 0 || Date.now() - this.lastAlertWrite < this.alertUpdateMs) return fresh;
    const due = [...fresh, ...this.pending];
    this.pending.clear();
    this.lastAlertWrite = Date.now();
    return due;
  }

  /**
   * Every scan into the rollups; scans and outbound rows to the detectors that want them, with
   * their raw line where the batch carries one (the evidence an alert may keep).
   */
  private perRow(b: ComputedBatch, rows: RowReader): void {
    const lines = new RawLineTable(b.raws);
    for (const d of this.detectors) d.readLinesFrom(lines);
    const lineOf = new Int32Array(rows.count).fill(-1);
    for (let i = 0; i < b.raws.rows.length; i++) lineOf[b.raws.rows[i]] = i;
    for (let r = 0; r < rows.count; r++) {
      const cls = rows.word(r, COL.class);
      if (cls !== 'scan' && !this.fed.has(cls!)) continue;
      const port = rows.num(r, COL.dport);
      const proto = rows.word(r, COL.transport)!;
      const ts = rows.num(r, COL.ts)!;
      const count = rows.num(r, COL.count)!;
      const src = rows.src(r);
      const dst = rows.dst(r);
      if (cls === 'scan') this.rollups.add(rollupPort(port, rows.num(r, COL.icmp_type), proto), proto, ts, src, dst, count);
      const line = lineOf[r] >= 0 ? lineOf[r] : '';
      const reason = rows.word(r, COL.reason);
      const length = rows.num(r, COL.length);
      for (const d of this.detectors) if (d.feeds === cls) d.observe(src, dst, port, proto, ts, line, count, reason, length);
    }
  }
}
