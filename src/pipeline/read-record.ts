import { parseRecord } from '../../parsers';
import { reject } from '../../parsers/lib/reasons';
import type { Clock, LogParser, ParseOutcome, SourceState } from '../../parsers/types';
import type { RawRecord } from '../sources/records';

// Control characters other than tab, DEL, NUL, and U+FFFD from undecodable bytes: not log text.
const BINARY = /[\x00-\x08\x0b-\x1f\x7f\ufffd]/;

export interface ReadRecord {
  outcome: ParseOutcome;
  /** The parser that claimed the record, if any. */
  parser?: LogParser;
  /** The text that was parsed (NUL padding removed). */
  text: string;
}

/**
 * The checks every record gets before and after its parser, shared by ingest, parse and live
 * modes: overlong and binary lines are rejects, NUL padding left by a crash is dropped, and an
 * event that cannot be placed in time is a reject.
 */
export function readRecord(rec: RawRecord, clock: Clock, forced?: LogParser, hint?: LogParser, state?: SourceState): ReadRecord {
  if (rec.overlongBytes !== undefined) return { outcome: reject('line-too-long'), text: rec.text };
  let text = rec.text;
  if (text.charCodeAt(0) === 0) text = text.replace(/^\x00+/, '');
  if (BINARY.test(text)) return { outcome: reject('binary-data'), text };
  const { parser, outcome } = parseRecord(text, clock, forced, hint, state);
  if (outcome.kind === 'event' && !Number.isFinite(outcome.event.ts)) {
    return { outcome: reject('no-timestamp'), parser, text };
  }
  return { outcome, parser, text };
}
