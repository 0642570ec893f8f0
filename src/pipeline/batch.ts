/**
 * The compute half of the pipeline: records → checks → parser → classifier, collected into a
 * batch that the store writes in one transaction. Pure of storage, so it runs in a worker
 * thread for big files and in-process for stdin and live input.
 */
import { reasonKey, type SkipCode } from '../../parsers/lib/reasons';
import type { Clock, LogParser, SourceState } from '../../parsers/types';
import { classify, type ClassifierSettings } from '../classify/classifier';
import type { RawRecord } from '../sources/records';
import { readRecord } from './read-record';
import { RowEncoder, type EncodedRows } from '../contract/batch/codec';
import { RawLineWriter, type RawLines } from '../contract/batch/raw-lines';
import type { OpenSession, SessionDelta } from '../store/session-keys';
import { SessionTracker } from './sessions';

const SAMPLES_PER_REASON = 100;
/** Skip reason of an event older than the retention cutoff (store/prune.ts). */
export const BEFORE_RETENTION: SkipCode = 'before-retention';
const SAMPLE_CHARS = 512;

export interface ComputedBatch {
  rows: EncodedRows;
  /**
   * The raw text of the rows a detector may keep as alert evidence (scans, outbound to the worm
   * port; every row when asked). Which rows carry one changes no count: the write half reads
   * every row.
   */
  raws: RawLines;
  rejects: { line: number; reason: string; detail: string; sample: string }[];
  /** Counts per `reasonKey` (code, or code and detail). */
  skipReasons: [string, number][];
  rejectReasons: [string, number][];
  /** Per format: events, rejects. */
  formats: [string, number, number][];
  /** Read position after this batch, and physical lines up to it. */
  endOffset: number;
  lines: number;
  /** The source's open sessions changed by this batch (formats that log sessions only). */
  sessions?: SessionDelta;
}

export interface SourceCursor {
  clock: Clock;
  hint?: LogParser;
  /** What parsers remember about this source (header-declared columns). */
  state?: SourceState;
  /** Reject samples kept so far from this source in this run, per reason code. */
  samples: Map<string, number>;
  /** The source's sessions: one record of each counted (created at its first session record). */
  sessions?: SessionTracker;
  /** Sessions left open by earlier runs (store/session-keys), to start `sessions` with. */
  openSessions?: OpenSession[];
}

export class BatchComputer {
  private rows = new RowEncoder();
  private readonly raws = new RawLineWriter();
  private rejects: ComputedBatch['rejects'] = [];
  private skipReasons = new Map<string, number>();
  private rejectReasons = new Map<string, number>();
  private formats = new Map<string, [number, number]>();
  private records = 0;

  constructor(
    private readonly settings: ClassifierSettings,
    private readonly wormPort: number,
    private readonly forced?: LogParser,
    /** Events before this instant are not stored: the retention period pruned their days. */
    public notBefore = -Infinity,
    /** Keep every event's raw line, not only those a detector may need (`--json --original`). */
    private readonly everyLine = false,
  ) {}

  /** Records taken since the last `take`. */
  get pending(): number {
    return this.records;
  }

  process(rec: RawRecord, cur: SourceCursor): void {
    this.records++;
    cur.state ??= new Map();
    const { parser, outcome, text } = readRecord(rec, cur.clock, this.forced, cur.hint, cur.state);
    if (outcome.kind === 'skip') {
      bump(this.skipReasons, reasonKey(outcome.reason, outcome.detail));
      return;
    }
    if (parser) cur.hint = parser;
    if (outcome.kind === 'reject') {
      bump(this.rejectReasons, reasonKey(outcome.reason, outcome.detail));
      if (parser) this.format(parser.id)[1]++;
      const kept = cur.samples.get(outcome.reason) ?? 0;
      if (kept < SAMPLES_PER_REASON) {
        cur.samples.set(outcome.reason, kept + 1);
        this.rejects.push({ line: rec.line, reason: outcome.reason, detail: outcome.detail ?? '', sample: printable(rec.text.slice(0, SAMPLE_CHARS)) });
      }
      return;
    }
    const e = outcome.event;
    if (e.ts < this.notBefore) {
      bump(this.skipReasons, BEFORE_RETENTION);
      return;
    }
    if (e.sessionPhase !== undefined) {
      const folded = (cur.sessions ??= new SessionTracker(cur.openSessions)).see(e, rec.line);
      if (folded !== undefined) {
        bump(this.skipReasons, folded.reason);
        return;
      }
    }
    const c = classify(e, this.settings);
    if (this.everyLine || c.class === 'scan' || (c.class === 'outbound' && e.dstPort === this.wormPort)) this.raws.add(this.rows.count, text);
    this.rows.add(e, c, rec.line);
    this.format(e.format)[0]++;
  }

  /** The batch so far; `cur`: the source it came from, whose session changes go with it. */
  take(endOffset: number, lines: number, cur?: SourceCursor): ComputedBatch {
    const b: ComputedBatch = {
      rows: this.rows.take(),
      raws: this.raws.take(),
      rejects: this.rejects,
      skipReasons: [...this.skipReasons],
      rejectReasons: [...this.rejectReasons],
      formats: [...this.formats].map(([id, [ev, rj]]) => [id, ev, rj]),
      endOffset,
      lines,
    };
    if (cur?.sessions !== undefined) b.sessions = cur.sessions.take();
    this.rejects = [];
    this.skipReasons = new Map();
    this.rejectReasons = new Map();
    this.formats = new Map();
    this.records = 0;
    return b;
  }

  private format(id: string): [number, number] {
    let f = this.formats.get(id);
    if (!f) this.formats.set(id, (f = [0, 0]));
    return f;
  }
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Control bytes as `\xNN`, so a sample of binary junk stays readable text in the database. */
function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
