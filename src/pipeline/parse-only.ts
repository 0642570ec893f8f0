/**
 * The pipeline without the store: records → envelope → parser → classifier, yielding what each
 * record became. Backs `portledger parse` and the corpus coverage run.
 */
import { createClock } from '../../parsers/clock';
import { parserById } from '../../parsers';
import { reasonKey } from '../../parsers/lib/reasons';
import { readRecord } from './read-record';
import type { FirewallEvent, LogParser } from '../../parsers/types';
import { classify, type Classified, type ClassifierSettings } from '../classify/classifier';
import type { Input } from '../sources/inputs';
import { RecordSplitter, type RawRecord } from '../sources/records';
import { Tally } from './tally';
import { SessionTracker } from './sessions';

export type ParsedRecord =
  | { kind: 'event'; record: RawRecord; event: FirewallEvent; classified: Classified }
  | { kind: 'skip' | 'reject'; record: RawRecord; reason: string; detail?: string; format?: string };

export interface ParseOptions {
  tz: string;
  year?: number;
  format?: string;
}

export async function* parseInput(input: Input, settings: ClassifierSettings, opts: ParseOptions, tally: Tally): AsyncGenerator<ParsedRecord> {
  const clock = createClock(opts.tz, { fixedYear: opts.year, reference: input.reference });
  const forced = opts.format ? parserById(opts.format) : undefined;
  const splitter = new RecordSplitter();
  let hint: LogParser | undefined;
  const state = new Map<string, unknown>();
  // A session logged at start and end is one event here too, as in the store.
  const sessions = new SessionTracker();
  const one = (record: RawRecord): ParsedRecord => {
    const read = readRecord(record, clock, forced, hint, state);
    const { parser } = read;
    let { outcome } = read;
    if (parser && outcome.kind !== 'skip') hint = parser;
    if (outcome.kind === 'event' && outcome.event.sessionPhase !== undefined) outcome = sessions.see(outcome.event, record.line) ?? outcome;
    if (outcome.kind === 'event') {
      tally.event(outcome.event.format);
      return { kind: 'event', record, event: outcome.event, classified: classify(outcome.event, settings) };
    }
    const key = reasonKey(outcome.reason, outcome.detail);
    if (outcome.kind === 'skip') tally.skip(key);
    else tally.reject(key, parser?.id);
    return { kind: outcome.kind, record, reason: outcome.reason, detail: outcome.detail, format: parser?.id };
  };
  for await (const chunk of input.chunks(0)) {
    for (const r of splitter.push(chunk).records) yield one(r);
  }
  const last = splitter.end();
  for (const r of last.records) yield one(r);
  tally.lines += last.lines;
  const forgotten = sessions.take();
  tally.sessionsExpired += forgotten.expired;
  tally.sessionsEvicted += forgotten.evicted;
}
