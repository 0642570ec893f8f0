/**
 * File ingest off the main thread: the write half (detectors, SQLite) runs in a thread of its
 * own with a bounded heap (threads.ts), the parse half in another, and the calling thread only
 * hears progress and summaries — what the CLI shows. Ingesting a million lines this way peaks
 * well under the memory V8's default heap sizing lets the same work take on the main thread.
 */
import { Worker } from 'node:worker_threads';
import type { IngestOptions, SourceSummary } from './ingest';
import { Tally } from './tally';
import { threadScript, WRITE_HEAP } from './threads';
import type { FinishStep, FromWriteThread, StoredProgress } from './thread-protocol';

/** The options that can cross into the thread (plain data; what it tells comes back as messages). */
export type ThreadOptions = Omit<IngestOptions, 'onProgress' | 'onNotice' | 'onFinishing'>;

export interface ThreadListener {
  /** A file's reading starts: its size on disk (compressed for gzip; 0 when unknown). */
  start?(file: string, size: number, gzip: boolean): void;
  progress?(stored: StoredProgress): void;
  finishing?(step: FinishStep): void;
  notice?(text: string): void;
  done?(summary: SourceSummary): void;
}

/** Whether the compiled thread script is there (it is, except when running from sources unbuilt). */
export function canIngestInThread(): boolean {
  return threadScript('write-thread') !== undefined;
}

/** Ingests `files` into the database at `dbFile`, like IngestSession over each then `finish`. */
export function ingestInThread(dbFile: string, files: string[], options: ThreadOptions, on: ThreadListener = {}): Promise<SourceSummary[]> {
  const script = threadScript('write-thread');
  if (!script) return Promise.reject(new Error('the ingest thread script is not built: run "npm run build"'));
  const worker = new Worker(script, { workerData: { dbFile, files, options }, resourceLimits: WRITE_HEAP });
  const summaries: SourceSummary[] = [];
  return new Promise<SourceSummary[]>((resolve, reject) => {
    let settled = false;
    const end = (e?: Error) => {
      if (settled) return;
      settled = true;
      if (e) reject(e);
      else resolve(summaries);
    };
    worker.on('message', (m: FromWriteThread) => {
      if (m.kind === 'start') on.start?.(m.file, m.size, m.gzip);
      else if (m.kind === 'progress') on.progress?.(m.stored);
      else if (m.kind === 'finishing') on.finishing?.(m.step);
      else if (m.kind === 'notice') on.notice?.(m.text);
      else if (m.kind === 'done') {
        const s: SourceSummary = { name: m.file, status: m.status, tally: Tally.from(m.tally), sourceId: m.sourceId };
        summaries.push(s);
        on.done?.(s);
      } else if (m.kind === 'failed') end(new Error(m.message));
      else end();
    });
    worker.on('error', end);
    worker.on('exit', (code) => end(code === 0 ? undefined : new Error(`the ingest thread stopped with code ${code}`)));
  });
}
