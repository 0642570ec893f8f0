/**
 * The write half of the pipeline: a computed batch goes through the detectors and into the
 * store, with the source's new read position, in one transaction. That transaction is what
 * makes every source exactly-once, across re-runs and crashes alike.
 */
import type { DB } from '../store/db';
import { EventWriter } from '../store/event-writer';
import { rollupWriter } from '../store/rollup-writer';
import { alertWriter } from '../store/alert-store';
import { progressWriter } from '../store/sources';
import type { WormDetector } from '../detectors/worm';
import { decodeStrings, NUMS, STRS, VOCAB_AT } from './row-codec';
import type { ComputedBatch } from './batch';
import type { Tally } from './tally';

// Positions in the encoded rows (see row-codec).
const TS = 0, DPORT = 3, TRANSPORT = VOCAB_AT + 5;
const SRC = 0, DST = 1;

export class BatchSink {
  private readonly events: EventWriter;
  private readonly writeRollups;
  private readonly writeAlerts;
  private readonly writeProgress;
  private readonly insReject;
  private readonly addRejectCount;
  private readonly addSkipCount;

  constructor(private readonly db: DB, private readonly worm: WormDetector) {
    this.events = new EventWriter(db);
    this.writeRollups = rollupWriter(db);
    this.writeAlerts = alertWriter(db);
    this.writeProgress = progressWriter(db);
    this.insReject = db.prepare('INSERT INTO rejects (source_id, line, reason, sample) VALUES (?, ?, ?, ?)');
    const upsert = (table: string) =>
      db.prepare(`INSERT INTO ${table} (source_id, reason, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count`);
    this.addRejectCount = upsert('reject_counts');
    this.addSkipCount = upsert('skip_counts');
  }

  commit(b: ComputedBatch, sourceId: number, tally: Tally, tailHash: string | null): void {
    const strs = decodeStrings(b.rows);
    const n = b.rows.nums;
    for (const [r, raw] of b.raws) {
      const a = r * NUMS;
      this.worm.observe(strs[r * STRS + SRC], strs[r * STRS + DST], n[a + DPORT], b.rows.vocab[n[a + TRANSPORT]], n[a + TS], raw);
    }
    const events = b.rows.count;
    let skips = 0;
    let rejects = 0;
    for (const [reason, c] of b.skipReasons) (skips += c), tally.skip(reason, c);
    for (const [reason, c] of b.rejectReasons) (rejects += c), tally.reject(reason, undefined, c);
    for (const [id, ev, rj] of b.formats) tally.format(id, ev, rj);
    tally.events += events;
    this.db.transaction(() => {
      this.events.write(b.rows, strs, sourceId);
      this.writeRollups(b.rollup);
      for (const r of b.rejects) this.insReject.run(sourceId, r.line, r.reason, r.sample);
      for (const [reason, c] of b.rejectReasons) this.addRejectCount.run(sourceId, reason, c);
      for (const [reason, c] of b.skipReasons) this.addSkipCount.run(sourceId, reason, c);
      this.writeAlerts(this.worm.drainChanged());
      this.writeProgress(sourceId, { offset: b.endOffset, lines: b.lines, tailHash, events, skips, rejects });
    })();
  }
}
