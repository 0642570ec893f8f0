/**
 * The main thread's side of the dashboard's worker threads (worker.ts): start one, send it
 * operations, await the answers. A request waits in the thread's queue; one that takes longer
 * than its timeout is answered with an error (the thread finishes it all the same).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../util/package-root';
import type { Role, WorkerInit } from './worker';

/** The compiled worker script (tests run from TypeScript sources and use the build). */
function script(): string {
  const here = path.join(__dirname, 'worker.js');
  if (__filename.endsWith('.js')) return here;
  const built = path.join(packageRoot(), 'dist', 'src', 'serve', 'worker.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run "npm run build"`);
  return built;
}

export class WorkerError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export class DbWorker {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Set once the thread opened its connection (or failed to). */
  readonly ready: Promise<void>;
  private closed = false;

  constructor(readonly role: Role, init: Omit<WorkerInit, 'role'>) {
    this.worker = new Worker(script(), { workerData: { ...init, role }, name: `serve-${role}` });
    this.ready = new Promise((resolve, reject) => {
      const first = (m: { ready?: boolean; error?: string; code?: string }) => {
        if (m.ready) resolve();
        else reject(new WorkerError(m.error ?? 'the worker did not start', m.code));
      };
      this.worker.once('message', first);
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string; code?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new WorkerError(m.error ?? 'failed', m.code));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', () => this.failAll(new Error(`the ${role} thread stopped`)));
  }

  run<T>(op: string, args: unknown = {}, timeoutMs = 60_000): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the ${this.role} thread is closed`));
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WorkerError(`timed out after ${timeoutMs / 1000} s`, 'TIMEOUT'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.worker.postMessage({ id, op, args });
    });
  }

  /** Waits for the queued work, closes the connection, ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(e);
      this.pending.delete(id);
    }
  }
}
