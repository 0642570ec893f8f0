/**
 * `listen`'s end of its parse worker (live-parse-worker.ts): messages go out as text, computed
 * batches come back in the order asked. The worker runs at the priority of the thread that
 * starts it (listen lowers its own below the UDP receive thread's first), so on a busy CPU the
 * socket is still read first. If the worker fails, every batch it had not answered is refused
 * (`ParseThreadFailed`) and the caller computes it in its own thread: nothing is lost.
 */
import { Worker } from 'node:worker_threads';
import type { OpenSession } from '../store/session-keys';
import type { ComputedBatch } from './batch';
import type { FromLiveParse, LiveParseSpec, ToLiveParse } from './thread-protocol';
import { threadScript } from './threads';

/**
 * Parser state of some thousands of senders and a few batches at a time: a small heap. The young
 * generation is kept small too: every message's text and parse are garbage once its batch is
 * sent, and V8's default (16 MB semi-spaces) let it hold ~25 MB more at peak (listen at 20k
 * msg/s x 100,000: peak RSS 217-230 MB with the default, 204-205 with 8 MB; 164-165 with no
 * worker, same minutes, load 8).
 */
const PARSE_HEAP = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

export class ParseThreadFailed extends Error {}

export class LiveParseThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (b: ComputedBatch) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead?: Error;
  private closing?: Promise<void>;

  /** Undefined without a build (tests from TypeScript sources and no dist/): compute in-process then. */
  static start(spec: LiveParseSpec, onFailure: (e: Error) => void): LiveParseThread | undefined {
    const script = threadScript('live-parse-worker');
    return script ? new LiveParseThread(script, spec, onFailure) : undefined;
  }

  private constructor(script: string, spec: LiveParseSpec, onFailure: (e: Error) => void) {
    this.worker = new Worker(script, { workerData: spec, resourceLimits: PARSE_HEAP });
    this.worker.on('message', (m: FromLiveParse) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.kind === 'computed') w.resolve(m.batch);
      else w.reject(new ParseThreadFailed(`the parse worker could not compute a batch: ${m.message}`));
    });
    const fail = (e: Error) => {
      if (this.dead) return;
      this.dead = e;
      for (const w of this.waiting.values()) w.reject(new ParseThreadFailed(e.message));
      this.waiting.clear();
      if (!this.closing) onFailure(e);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the parse worker stopped (code ${code})`)));
  }

  /** Whether batches can still be computed there. */
  get alive(): boolean {
    return !this.dead && !this.closing;
  }

  /** Computes the messages `texts` of source `source`, numbered from `firstLine`. */
  compute(source: number, texts: string[], firstLine: number, openSessions?: OpenSession[]): Promise<ComputedBatch> {
    if (this.dead || this.closing) return Promise.reject(new ParseThreadFailed(this.dead?.message ?? 'the parse worker is closed'));
    const id = this.nextId++;
    return new Promise<ComputedBatch>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ kind: 'compute', id, source, texts, firstLine, openSessions });
    });
  }

  /** Trust changed, or the retention cutoff moved: batches asked from now on follow it. */
  settings(trusted: string[], notBefore: number | undefined): void {
    this.send({ kind: 'settings', trusted, notBefore });
  }

  /** A source whose cursor the worker may let go (an idle sender forgotten by the intake). */
  forget(source: number): void {
    this.send({ kind: 'forget', source });
  }

  /** Ends the worker once it has answered what it was asked. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.dead) return resolve();
      const stuck = setTimeout(() => void this.worker.terminate(), 5000);
      this.worker.once('exit', () => {
        clearTimeout(stuck);
        resolve();
      });
      this.worker.postMessage({ kind: 'close' } satisfies ToLiveParse);
    });
    return this.closing;
  }

  private send(m: ToLiveParse): void {
    if (!this.dead) this.worker.postMessage(m);
  }
}
