/**
 * Where the ingest threads' scripts are, and the heaps the write thread and the parse worker may use.
 *
 * V8 sizes a heap by the machine's memory (a 4 GB limit on a 24 GB machine), and a heap allowed
 * to grow that far lets garbage pile up to about four times what is alive before it collects.
 * What the write thread keeps alive is bounded by design — the detectors' memory budgets, a day
 * of distinct sources, codes — far below 1 GB, under which V8 collects at about 1.6 times the
 * live size. Measured on the bench's 1M-line log (one run each): peak RSS 252–281 MB without the
 * limit, 216–220 MB with it, at the same speed. (512 MB, growing factor 1.4, measured 12–15 MB
 * less at peak at the same CPU, but the rollups' exact per-day sets of sources are not bounded —
 * a day of millions of spoofed sources — and the thread dies at its limit: kept at 1024.)
 * The parse worker keeps no string of a batch alive (utf8-column.ts) and needs far less
 * (PARSE_HEAP).
 */
import type { ResourceLimits } from 'node:worker_threads';
import { threadScript as scriptIn } from '../util/thread-script';

/** Write thread: the detectors (scan memory ≈ 150 MB at its full default budget), rollup sets, codes. */
export const WRITE_HEAP: ResourceLimits = { maxOldGenerationSizeMb: 1024 };

/**
 * Parse worker: what it keeps alive is a batch being built (lines are capped at 64 KiB,
 * sources/records.ts) and a source's parser state (open sessions: 50,000 at most), a few MB.
 * Unbounded, V8 let its old generation fill with promoted garbage all run long (23 MB at the
 * end of the 1M-line bench log, the heap 25 → 56 MB) and kept 32 MB of young generation for
 * objects that die within a record. A 256 MB limit (V8's smallest heap-growing factor, 1.3,
 * far above what it keeps) and a 16 MB young generation hold it at ~31 MB with no more CPU.
 */
export const PARSE_HEAP: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 };

/** A compiled script of this folder, or undefined when running from TypeScript sources without a build. */
export function threadScript(name: string): string | undefined {
  return scriptIn(__filename, 'src/pipeline', name);
}
