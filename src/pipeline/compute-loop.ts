/**
 * Reads an input from a position and turns it into computed batches of about COMMIT_RECORDS
 * records, each ending on a record boundary. Shared by the in-process path and the worker.
 */
import { createClock } from '../../parsers/clock';
import { parserById } from '../../parsers';
import { CidrSet } from '../classify/networks';
import type { Input } from '../sources/inputs';
import { RecordSplitter } from '../sources/records';
import { BatchComputer, type ComputedBatch, type SourceCursor } from './batch';
import type { OpenSession } from '../store/session-keys';
import type { ClassifySpec } from './thread-protocol';

// 16,000 records per batch were measured twice against 4,000 (whole-process CPU 1.00–1.02 in one
// session; a write-half harness that holds every batch in memory suggested less in another, its
// collector working on the held batches): no clear gain, and 10–40 MB more at peak. Kept at 4,000.
export const COMMIT_RECORDS = 4000;

/** Everything the compute half needs, as plain data (it crosses into a worker). */
export interface ComputeSpec extends ClassifySpec {
  /** Sessions the source left open (store/session-keys). */
  openSessions?: OpenSession[];
  /** Where to start: the saved read position of the source. */
  offset: number;
  lines: number;
}

export async function* computeBatches(input: Input, spec: ComputeSpec): AsyncGenerator<ComputedBatch> {
  const computer = new BatchComputer(
    { home: new CidrSet(spec.home), wanIf: new Set(spec.wanIf), trusted: new CidrSet(spec.trusted) },
    spec.wormPort,
    spec.format ? parserById(spec.format) : undefined,
    spec.notBefore,
  );
  const cursor: SourceCursor = {
    clock: createClock(spec.tz, { fixedYear: spec.year, reference: input.reference }),
    samples: new Map<string, number>(),
    openSessions: spec.openSessions,
  };
  const splitter = new RecordSplitter(spec.offset, spec.lines);
  for await (const chunk of input.chunks(spec.offset)) {
    const batch = splitter.push(chunk);
    for (const r of batch.records) computer.process(r, cursor);
    if (computer.pending >= COMMIT_RECORDS) yield computer.take(batch.endOffset, batch.lines, cursor);
  }
  const last = splitter.end();
  for (const r of last.records) computer.process(r, cursor);
  yield computer.take(last.endOffset, last.lines, cursor);
}
