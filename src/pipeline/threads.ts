/**
 * Where the ingest threads' scripts are, and the heap the write thread may use.
 *
 * V8 sizes a heap by the machine's memory (a 4 GB limit on a 24 GB machine), and a heap allowed
 * to grow that far lets garbage pile up to about four times what is alive before it collects.
 * What the write thread keeps alive is bounded by design — the detectors' memory budgets, a day
 * of distinct sources, codes — far below 1 GB, under which V8 collects at about 1.6 times the
 * live size. Measured on the bench's 1M-line log (one run each): peak RSS 252–281 MB without the
 * limit, 216–220 MB with it, at the same speed. The parse worker needs none: it keeps no string
 * of a batch alive (utf8-column.ts).
 */
import type { ResourceLimits } from 'node:worker_threads';
import { threadScript as scriptIn } from '../util/thread-script';

/** Write thread: the detectors (scan memory ≈ 150 MB at its full default budget), rollup sets, codes. */
export const WRITE_HEAP: ResourceLimits = { maxOldGenerationSizeMb: 1024 };

/** A compiled script of this folder, or undefined when running from TypeScript sources without a build. */
export function threadScript(name: string): string | undefined {
  return scriptIn(__filename, 'src/pipeline', name);
}
