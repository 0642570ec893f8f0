/**
 * Ingest of whole inputs (files, .gz, stdin): recognizes text already ingested by its
 * fingerprint and continues after it; the compute half (parse, classify) runs in a worker
 * thread for big files, the write half (detectors, store) here, one transaction per batch.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DB } from '../store/db';
import { createSource, isBusy, recordRun, refreshFingerprint, SourceMoved, type SourceRow, type StoredPosition } from '../store/sources';
import { TAIL_BYTES } from '../sources/fingerprint';
import { sha256 } from '../util/hash';
import { prunedBefore } from '../store/prune';
import { storedClassifierSettings } from '../store/reclassify';
import type { ClassifierSettings } from '../classify/classifier';
import { WORM_PORT } from './detectors';
import type { Input } from '../sources/inputs';
import { PARSE_HEAP, threadScript } from './threads';
import type { ComputedBatch } from './batch';
import { computeBatches, type ComputeSpec } from './compute-loop';
import { Tally } from './tally';
import { loadOpenSessions } from '../store/session-keys';
import { matchSource, WriteSession } from './write-session';
import type { FinishStep, FromParseWorker, SourceStatus, StoredProgress, ToParseWorker } from './thread-protocol';

export type { FinishStep, StoredProgress };

export interface IngestOptions {
  /** Zone the logs were written in. */
  tz: string;
  /** Year for year-less stamps (else from the file's modification time). */
  year?: number;
  /** Force one parser (`--format`). */
  format?: string;
  /** Told after every committed batch what of the input is stored (not merely read). */
  onProgress?: (stored: StoredProgress) => void;
  /** Told of each step of `finish` as it starts (after the last batch, before the command ends). */
  onFinishing?: (step: FinishStep) => void;
  /** Inputs at least this big on disk are parsed in a worker thread (default 4 MB). */
  workerMinBytes?: number;
  /** Remember scans over 24 hours (slow scans), across runs; false keeps the 5-minute window only (default on). */
  slowScans?: boolean;
  /** Told of a condition worth a line on stderr (waiting for another writer's lock). */
  onNotice?: (message: string) => void;
}

export interface SourceSummary {
  name: string;
  status: SourceStatus;
  tally: Tally;
  /** The row in `sources` (absent for an empty input). */
  sourceId?: number;
}

/** What a source is stored as: the absolute path of a file, whatever folder the command ran in; `-` for stdin. */
export function storedSourceName(input: Pick<Input, 'name' | 'kind'>): string {
  return input.kind === 'stdin' ? input.name : path.resolve(input.name);
}

/** The classifier's settings as stored (one home: store/reclassify.ts). */
export const classifierSettings: (db: DB) => ClassifierSettings = storedClassifierSettings;

/** Batches computed in a worker thread, acknowledged one by one as they are written. */
async function* workerBatches(input: Input, spec: ComputeSpec, script: string, progress: (bytes: number, text: number) => void): AsyncGenerator<ComputedBatch> {
  const worker = new Worker(script, { workerData: { name: input.name, spec }, resourceLimits: PARSE_HEAP });
  const queue: FromParseWorker[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  worker.on('message', (m: FromParseWorker) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure = e;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`parser worker stopped with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
      const m = queue.shift();
      if (!m) throw failure;
      if (m.kind === 'failed') throw new Error(m.message);
      if (m.kind === 'finished') return;
      progress(m.bytes, m.batch.endOffset);
      yield m.batch;
      worker.postMessage({ kind: 'ack' } satisfies ToParseWorker);
    }
  } finally {
    await worker.terminate();
  }
}

export class IngestSession {
  private readonly session: WriteSession;
  private readonly settings: ClassifierSettings;

  constructor(private readonly db: DB, private readonly opts: IngestOptions) {
    this.session = new WriteSession(db, { tz: opts.tz, live: false, slowScans: opts.slowScans ?? true, onBusy: (attempt) => this.waitBusy(attempt) });
    this.settings = this.session.classifier;
    // Checkpointing the WAL every 1,000 pages costs about a tenth of bulk insert time; let it
    // grow to ~160 MB during the run and checkpoint once at the end.
    db.pragma('wal_autocheckpoint = 10000');
    // A bulk ingest appends (events by rowid, the ts index in time order) and upserts a few hot
    // rollup pages: 8 MiB of page cache hold what it touches again. The 16 MiB openDb sets
    // were 6–13 MB more at peak RSS for no speed; 4 MiB cost 1–10 % more CPU (1M-line bench log, A/B).
    db.pragma('cache_size = -8192');
  }

  async ingest(input: Input): Promise<SourceSummary> {
    const tally = new Tally();
    if (input.head.length === 0) return { name: input.name, status: 'empty', tally };
    const now = Date.now();
    const { src, status: found } = this.patiently(() => this.sourceFor(input, now));
    let status = found;
    tally.duplicateLines = src.lines;
    const at: StoredPosition = { offset: src.offset, lines: src.lines, tail_hash: src.tail_hash };
    input.committed?.(at.offset);
    for (;;) {
      try {
        await this.readFrom(input, src.id, at, tally);
        break;
      } catch (e) {
        if (!(e instanceof SourceMoved)) throw e;
        // Another writer (a watch, another ingest) stored part of this text meanwhile: nothing of
        // this batch was stored; go on after what it stored.
        const next = this.continueAfter(input, e.stored);
        if (next === 'done') break;
        tally.duplicateLines += next.lines - at.lines;
        Object.assign(at, next);
      }
    }
    if (status === 'continued' && tally.lines === 0) status = 'unchanged';
    if (tally.lines > 0) this.patiently(() => recordRun(this.db, src.id, now, tally));
    return { name: input.name, status, tally, sourceId: src.id };
  }

  /** Reads the input from `at` to its end, committing batch by batch; `at` follows each commit. */
  private async readFrom(input: Input, sourceId: number, at: StoredPosition, tally: Tally): Promise<void> {
    const spec: ComputeSpec = {
      tz: this.opts.tz, year: this.opts.year, format: this.opts.format, home: this.settings.home.cidrs, wanIf: [...this.settings.wanIf],
      trusted: this.settings.trusted.cidrs, wormPort: WORM_PORT, offset: at.offset, lines: at.lines, notBefore: prunedBefore(this.db),
      // The sessions this source left open, as committed: a re-read after another writer stored
      // part of the text starts from what that commit left.
      openSessions: loadOpenSessions(this.db, sourceId),
    };
    const script = threadScript('parse-worker');
    const useWorker = script !== undefined && input.kind !== 'stdin' && (input.size ?? 0) >= (this.opts.workerMinBytes ?? 4 * 1024 * 1024);
    const read = { disk: 0, text: 0 };
    const from = { fromOffset: at.offset, fromLines: at.lines };
    const batches = useWorker ? workerBatches(input, spec, script!, (disk, text) => Object.assign(read, { disk, text })) : computeBatches(input, spec);
    for await (const b of batches) {
      if (b.endOffset === at.offset && b.rows.count + b.rejects.length + b.skipReasons.length === 0) continue;
      const tail = input.bytesBefore ? sha256(input.bytesBefore(b.endOffset, TAIL_BYTES)) : null;
      this.session.sink.commit(b, { sourceId, from: at.offset, tailHash: tail }, tally);
      tally.lines += b.lines - at.lines;
      Object.assign(at, { offset: b.endOffset, lines: b.lines, tail_hash: tail });
      input.committed?.(b.endOffset);
      if (!useWorker) Object.assign(read, { disk: input.bytesRead(), text: b.endOffset });
      this.opts.onProgress?.({ offset: b.endOffset, lines: b.lines, events: tally.events, ...from, readDisk: read.disk, readText: read.text });
    }
  }

  /**
   * Where to go on after another writer stored this source's text to `stored`: there, when this
   * input holds the same bytes before it (or cannot tell: gzip, stdin); `done` when the input
   * ends before it (all it has is stored); an error when it holds other text there (neither
   * writer's lines may be doubled).
   */
  private continueAfter(input: Input, stored: StoredPosition): StoredPosition | 'done' {
    if (!stored.tail_hash || !input.bytesBefore) return stored;
    const before = input.bytesBefore(stored.offset, TAIL_BYTES);
    if (before.length < Math.min(TAIL_BYTES, stored.offset)) return 'done';
    if (sha256(before) === stored.tail_hash) return stored;
    throw new Error(`${input.name}: another process stored different text that starts like this file, meanwhile; re-run to read it as a new input`);
  }

  /** The source this input continues, or a new one; decided under the write lock, so two writers meeting one new text make one source. */
  private sourceFor(input: Input, now: number): { src: SourceRow; status: SourceSummary['status'] } {
    return this.db.transaction(() => {
      const src = this.resume(input);
      const name = storedSourceName(input);
      if (!src) return { src: createSource(this.db, name, input.head, now), status: 'new' as const };
      if (input.head.length > src.fp_len) refreshFingerprint(this.db, src.id, name, input.head, now);
      return { src, status: 'continued' as const };
    }).immediate();
  }

  /**
   * Runs a write, waiting out another writer that holds the lock past the busy timeout (a watch
   * committing, a recount): a bulk ingest can wait its turn; it says so once.
   */
  private patiently<T>(fn: () => T): T {
    for (let attempt = 1; ; attempt++) {
      try {
        return fn();
      } catch (e) {
        if (!isBusy(e) || !this.waitBusy(attempt)) throw e;
      }
    }
  }

  private waitBusy = (attempt: number): boolean => {
    if (attempt === 1 && !this.toldBusy) {
      this.toldBusy = true;
      this.opts.onNotice?.('the database is locked by another process; waiting for it (nothing is lost)');
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(1000, 100 * attempt));
    return true;
  };

  private toldBusy = false;

  /** Recounts the rollups this session could not count in memory; call once after the last input. */
  finish(): void {
    this.session.finish((fn) => this.patiently(fn), this.opts.onFinishing);
    this.opts.onFinishing?.('checkpoint');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** The source this input continues (a text shorter than the stored position is read as a new one). */
  private resume(input: Input): SourceRow | undefined {
    const m = matchSource(this.db, input);
    return typeof m === 'string' ? undefined : m;
  }
}
