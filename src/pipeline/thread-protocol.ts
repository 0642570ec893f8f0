/**
 * The messages between an ingest's threads, in one place: the parse worker (reads and computes
 * batches) and the write thread (stores them); and between `listen` and its parse worker. Every message is an object tagged by `kind`, so
 * each side switches on it and the compiler checks both ends.
 */
import type { ComputedBatch } from './batch';
import type { Tally } from './tally';
import type { OpenSession } from '../store/session-keys';

/**
 * What an ingest found an input to be: `new`, `continued` (part of it was ingested before),
 * `unchanged` (ingested before, nothing new) or `empty` (no text at all: nothing to recognize it
 * by, nothing stored).
 */
export type SourceStatus = 'new' | 'continued' | 'unchanged' | 'empty';

/** What of the input being read is stored, told after each commit (the progress bar's truth). */
export interface StoredProgress {
  /** Bytes of its text (decompressed) stored, up to a line end, counting earlier runs. */
  offset: number;
  /** Its lines stored, counting earlier runs. */
  lines: number;
  /** Events stored from it in this run. */
  events: number;
  /** Where this run started in it (what earlier runs had stored). */
  fromOffset: number;
  fromLines: number;
  /**
   * Bytes read from disk so far (compressed for gzip) and the text those held: their ratio
   * estimates a gzip's text size from its size on disk. The reader runs ahead of the store.
   */
  readDisk: number;
  readText: number;
}

/** The steps of finishing a run after its last batch, each seconds long on a big ingest. */
export type FinishStep = 'detectors' | 'rollups' | 'checkpoint';

/** Parse worker → writer: a computed batch (its buffers transferred), the end, or a failure. */
export type FromParseWorker =
  | { kind: 'batch'; batch: ComputedBatch; bytes: number }
  | { kind: 'finished' }
  | { kind: 'failed'; message: string };

/** Writer → parse worker: one batch written (the worker keeps a bounded number in flight). */
export type ToParseWorker = { kind: 'ack' };

/** Write thread → the thread that started the ingest. */
export type FromWriteThread =
  | { kind: 'start'; file: string; size: number; gzip: boolean }
  | { kind: 'progress'; stored: StoredProgress }
  | { kind: 'finishing'; step: FinishStep }
  | { kind: 'notice'; text: string }
  | { kind: 'done'; file: string; status: SourceStatus; tally: Tally; sourceId?: number }
  | { kind: 'finished' }
  | { kind: 'failed'; message: string };

/**
 * How a computing thread reads and classifies, as plain data: the reading zone (and year, format
 * when given), the classifier's settings, and the retention cutoff (events before it are not
 * stored). Bulk ingest's parse worker (compute-loop.ts ComputeSpec) and `listen`'s both start with it.
 */
export interface ClassifySpec {
  tz: string;
  year?: number;
  format?: string;
  home: string[];
  wanIf: string[];
  trusted: string[];
  wormPort: number;
  notBefore?: number;
}

/** What `listen`'s parse worker (live-parse-worker.ts) starts with. */
export interface LiveParseSpec extends ClassifySpec {
  everyLine?: boolean;
}

/**
 * Listen → its parse worker: messages of one source to compute (numbered from `firstLine`;
 * `openSessions` starts the source's cursor afresh), settings changed meanwhile (trust, the
 * retention cutoff), a source forgotten, the end.
 */
export type ToLiveParse =
  | { kind: 'compute'; id: number; source: number; texts: string[]; firstLine: number; openSessions?: OpenSession[] }
  | { kind: 'settings'; trusted: string[]; notBefore?: number }
  | { kind: 'forget'; source: number }
  | { kind: 'close' };

/** Its answers: the batch computed (buffers transferred), or why not. */
export type FromLiveParse =
  | { kind: 'computed'; id: number; batch: ComputedBatch }
  | { kind: 'failed'; id: number; message: string };
