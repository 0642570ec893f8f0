/**
 * Ingest of whole inputs (files, .gz, stdin): recognizes text already ingested by its
 * fingerprint and continues after it, streams the rest through the record processor in
 * transactions of about a megabyte, then recounts the rollups it touched.
 */
import { createClock } from '../../parsers/clock';
import type { DB } from '../store/db';
import { loadSettings, pinZone } from '../store/settings';
import { createSource, findSource, refreshFingerprint, sha256, type SourceRow } from '../store/sources';
import { settleRollups } from '../store/rollups';
import { loadTrusted } from '../store/trust-store';
import { CidrSet, DEFAULT_HOME } from '../classify/networks';
import type { ClassifierSettings } from '../classify/classifier';
import { WormDetector } from '../detectors/worm';
import type { Input } from '../sources/inputs';
import { RecordSplitter } from '../sources/records';
import { RecordProcessor } from './processor';
import { Tally } from './tally';

export interface IngestOptions {
  /** Zone the logs were written in. */
  tz: string;
  /** Year for year-less stamps (else from the file's modification time). */
  year?: number;
  /** Force one parser (`--format`). */
  format?: string;
  /** Called after every batch with bytes read from disk and lines so far. */
  onProgress?: (bytes: number, lines: number) => void;
}

export interface SourceSummary {
  name: string;
  /** `new`, `continued` (part of it was ingested before) or `unchanged` (nothing new). */
  status: 'new' | 'continued' | 'unchanged';
  tally: Tally;
}

const TAIL_BYTES = 256;
const COMMIT_RECORDS = 4000;

export function classifierSettings(db: DB): ClassifierSettings {
  const s = loadSettings(db);
  return { home: new CidrSet([...DEFAULT_HOME, ...s.home]), wanIf: new Set(s.wanIf), trusted: new CidrSet(loadTrusted(db)) };
}

export class IngestSession {
  private readonly processor: RecordProcessor;

  constructor(private readonly db: DB, private readonly opts: IngestOptions) {
    const rollupTz = pinZone(db, opts.tz);
    const s = loadSettings(db);
    const worm = new WormDetector({ threshold: s.wormThreshold, windowMs: s.wormWindowS * 1000, port: 445 });
    this.processor = new RecordProcessor(db, classifierSettings(db), rollupTz, worm, opts.format);
  }

  async ingest(input: Input): Promise<SourceSummary> {
    const tally = new Tally();
    if (input.head.length === 0) return { name: input.name, status: 'unchanged', tally };
    const now = Date.now();
    let src = this.resume(input);
    let status: SourceSummary['status'] = 'continued';
    if (!src) {
      src = createSource(this.db, input.name, input.head, now);
      status = 'new';
    } else if (input.head.length > src.fp_len) refreshFingerprint(this.db, src.id, input.name, input.head, now);
    tally.duplicateLines = src.lines;

    const cursor = {
      id: src.id,
      clock: createClock(this.opts.tz, { fixedYear: this.opts.year, reference: () => input.mtimeMs }),
      tally,
      samples: new Map<string, number>(),
    };
    const splitter = new RecordSplitter(src.offset, src.lines);
    const commit = (endOffset: number, lines: number) => {
      const tail = input.bytesBefore ? sha256(input.bytesBefore(endOffset, TAIL_BYTES)) : null;
      this.processor.commit(src!.id, { offset: endOffset, lines, tailHash: tail }, tally);
    };
    let position = { offset: src.offset, lines: src.lines };
    for await (const chunk of input.chunks(src.offset)) {
      const batch = splitter.push(chunk);
      for (const r of batch.records) this.processor.process(r, cursor);
      position = { offset: batch.endOffset, lines: batch.lines };
      if (this.processor.pending >= COMMIT_RECORDS) commit(position.offset, position.lines);
      this.opts.onProgress?.(input.bytesRead(), batch.lines);
    }
    const last = splitter.end();
    for (const r of last.records) this.processor.process(r, cursor);
    if (last.endOffset !== src.offset || this.processor.pending > 0) commit(last.endOffset, last.lines);
    tally.lines = last.lines - src.lines;
    if (status === 'continued' && tally.lines === 0) status = 'unchanged';
    return { name: input.name, status, tally };
  }

  /** Recounts the rollups this session touched; call once after the last input. */
  finish(): void {
    settleRollups(this.db);
  }

  /** The source this input continues, if its first bytes and the bytes before the saved position match. */
  private resume(input: Input): SourceRow | undefined {
    const src = findSource(this.db, input.head);
    if (!src) return undefined;
    if (src.offset > 0 && src.tail_hash && input.bytesBefore) {
      if (input.size !== undefined && input.size < src.offset) return undefined;
      if (sha256(input.bytesBefore(src.offset, TAIL_BYTES)) !== src.tail_hash) return undefined;
    }
    return src;
  }
}
