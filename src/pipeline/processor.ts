/**
 * One record through the whole pipeline: envelope → format parser → classifier → detectors →
 * buffered writes. `commit` writes a batch and the read position that produced it in one
 * transaction, which is what makes every source exactly-once.
 */
import type { Clock, LogParser } from '../../parsers/types';
import { parserById } from '../../parsers';
import { readRecord } from './read-record';
import { classify, isScanReason, type ClassifierSettings } from '../classify/classifier';
import { WormDetector } from '../detectors/worm';
import type { DB } from '../store/db';
import { EventWriter } from '../store/event-writer';
import { RollupWriter, rollupPort } from '../store/rollup-writer';
import { alertWriter } from '../store/alert-store';
import { progressWriter, type Progress } from '../store/sources';
import type { RawRecord } from '../sources/records';
import { Tally } from './tally';

const SAMPLES_PER_REASON = 100;
const SAMPLE_CHARS = 512;

export interface SourceCursor {
  id: number;
  clock: Clock;
  hint?: LogParser;
  tally: Tally;
  /** Reject samples kept so far this run, per reason. */
  samples: Map<string, number>;
}

export class RecordProcessor {
  private readonly events: EventWriter;
  private readonly rollups: RollupWriter;
  private readonly worm: WormDetector;
  private readonly forced?: LogParser;
  private readonly writeAlerts;
  private readonly writeProgress;
  private readonly insReject;
  private readonly addRejectCount;
  private readonly addSkipCount;
  private readonly addTrustedHit;
  private rejects: { source: number; line: number; reason: string; sample: string }[] = [];
  private rejectCounts = new Map<string, number>();
  private skipCounts = new Map<string, number>();
  private trustedHits = new Set<string>();
  private pendingRecords = 0;

  constructor(
    private readonly db: DB,
    private readonly settings: ClassifierSettings,
    rollupTz: string,
    worm: WormDetector,
    format?: string,
  ) {
    this.events = new EventWriter(db);
    this.rollups = new RollupWriter(db, rollupTz);
    this.worm = worm;
    this.forced = format ? parserById(format) : undefined;
    this.writeAlerts = alertWriter(db);
    this.writeProgress = progressWriter(db);
    this.insReject = db.prepare('INSERT INTO rejects (source_id, line, reason, sample) VALUES (?, ?, ?, ?)');
    this.addRejectCount = db.prepare(
      'INSERT INTO reject_counts (source_id, reason, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count',
    );
    this.addSkipCount = db.prepare(
      'INSERT INTO skip_counts (source_id, reason, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count',
    );
    this.addTrustedHit = db.prepare('INSERT OR IGNORE INTO trusted_hit (src) VALUES (?)');
  }

  /** Records buffered since the last commit. */
  get pending(): number {
    return this.pendingRecords;
  }

  process(rec: RawRecord, cur: SourceCursor): void {
    this.pendingRecords++;
    const { parser, outcome, text } = readRecord(rec, cur.clock, this.forced, cur.hint);
    if (outcome.kind === 'skip') {
      cur.tally.skip(outcome.reason);
      const k = `${cur.id}\t${outcome.reason}`;
      this.skipCounts.set(k, (this.skipCounts.get(k) ?? 0) + 1);
      return;
    }
    if (parser) cur.hint = parser;
    if (outcome.kind === 'reject') return this.reject(cur, rec, outcome.reason, parser?.id);
    const e = outcome.event;
    const c = classify(e, this.settings);
    this.events.add(e, c, cur.id, rec.line);
    cur.tally.event(e.format);
    if (c.class === 'scan' || (c.class === 'trusted' && isScanReason(c.reason))) {
      this.rollups.add(rollupPort(e.dstPort, e.icmpType), e.transport, e.ts, e.srcIp, e.dstIp, e.count ?? 1);
      if (c.class === 'trusted') this.trustedHits.add(e.srcIp);
    } else if (c.class === 'outbound') {
      this.worm.observe(e.srcIp, e.dstIp, e.dstPort, e.transport, e.ts, text);
    }
  }

  /** Writes everything buffered and the source's new read position, atomically. */
  commit(sourceId: number, progress: Omit<Progress, 'events' | 'skips' | 'rejects'>, tally: Tally): void {
    const counts = tally.takeDelta();
    this.db.transaction(() => {
      this.events.flush();
      this.rollups.flush();
      for (const r of this.rejects) this.insReject.run(r.source, r.line, r.reason, r.sample);
      for (const [k, n] of this.rejectCounts) {
        const [id, reason] = splitKey(k);
        this.addRejectCount.run(id, reason, n);
      }
      for (const [k, n] of this.skipCounts) {
        const [id, reason] = splitKey(k);
        this.addSkipCount.run(id, reason, n);
      }
      for (const src of this.trustedHits) this.addTrustedHit.run(src);
      this.writeAlerts(this.worm.drainChanged());
      this.writeProgress(sourceId, { ...progress, ...counts });
    })();
    this.rejects = [];
    this.rejectCounts = new Map();
    this.skipCounts = new Map();
    this.trustedHits = new Set();
    this.pendingRecords = 0;
  }

  private reject(cur: SourceCursor, rec: RawRecord, reason: string, format?: string): void {
    cur.tally.reject(reason, format);
    const k = `${cur.id}\t${reason}`;
    this.rejectCounts.set(k, (this.rejectCounts.get(k) ?? 0) + 1);
    const kept = cur.samples.get(reason) ?? 0;
    if (kept < SAMPLES_PER_REASON) {
      cur.samples.set(reason, kept + 1);
      this.rejects.push({ source: cur.id, line: rec.line, reason, sample: printable(rec.text.slice(0, SAMPLE_CHARS)) });
    }
  }
}

/** Control bytes as `\xNN`, so a sample of binary junk stays readable text in the database. */
function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function splitKey(k: string): [number, string] {
  const tab = k.indexOf('\t');
  return [Number(k.slice(0, tab)), k.slice(tab + 1)];
}
