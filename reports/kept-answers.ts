/**
 * Answers about a period's events kept by the dashboard's read thread (the explorer, a port's
 * top sources): asked again — a page reloaded, a filter toggled back — they are given from
 * memory while no event of their period changed (past-watch.ts), and read again otherwise.
 */
import type { DB } from '../src/store/db';
import { markPast, unchangedSince, type PastMark } from './past-watch';

/** Answers kept (each a page of rows: tens of kilobytes). */
const KEEP = 64;

export class KeptAnswers {
  private readonly kept = new Map<string, { value: unknown; mark: PastMark }>();
  /** Answers computed (tests and figures). */
  computed = 0;

  constructor(private readonly db: DB) {}

  /** The answer named `key` about the events in [from, until) UTC ms, from memory or `compute`. */
  get<T>(key: string, from: number, until: number, compute: () => T): T {
    const k = this.kept.get(key);
    if (k && unchangedSince(this.db, k.mark, -1)) {
      this.kept.delete(key);
      this.kept.set(key, k);
      return k.value as T;
    }
    this.kept.delete(key);
    // One snapshot: the answer and the mark that keeps it.
    const r = this.db.transaction(() => ({ mark: markPast(this.db, until, -1, from)!, value: compute() }))();
    this.computed++;
    this.kept.set(key, r);
    while (this.kept.size > KEEP) this.kept.delete(this.kept.keys().next().value!);
    return r.value;
  }
}
