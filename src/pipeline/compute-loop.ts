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

// Each transaction costs a fixed part (BEGIN/COMMIT, the rollup rows it rewrites, the read
// position, the alerts it updates) besides its rows: 16,000 records per batch instead of 4,000
// cut the write thread's CPU by about a seventh on the reference log (bench, write half alone).
export const COMMIT_RECORDS = 16000;

/** Everything the compute half needs, as plain data (it crosses into a worker). */
export interface ComputeSpec {
  tz: string;
  year?: number;
  format?: string;
  home: string[];
  wanIf: string[];
  trusted: string[];
  wormPort: number;
  /** Events before this instant are not stored (the retention cutoff). */
  notBefore?: number;
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
