import { parseRecord } from '../../parsers';
import { reject } from '../../parsers/lib/reasons';
import { outOfRange, TIME_OUT_OF_RANGE } from '../../parsers/lib/time-checks';
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
 * event that cannot be placed in time is a reject: without a time stamp, or with one outside
 * the sane range (before 1990, or more than a day past when the log was last written — the
 * clock's reference: the file's mtime, now for stdin and live input). One stray stamp must not
 * reach the store, where it would move every report's default window.
 */
export function readRecord(rec: RawRecord, clock: Clock, forced?: LogParser, hint?: LogParser, state?: SourceState): ReadRecord {
  if (rec.overlongBytes !== undefined) return { outcome: reject('line-too-long'), text: rec.text };
  let text = rec.text;
  if (text.charCodeAt(0) === 0) text = text.replace(/^\x00+/, '');
  if (BINARY.test(text)) return { outcome: reject('binary-data'), text };
  const { parser, outcome } = parseRecord(text, clock, forced, hint, state);
  if (outcome.kind === 'event') {
    const ts = outcome.event.ts;
    if (typeof ts !== 'number' || Number.isNaN(ts)) return { outcome: reject('no-timestamp'), parser, text };
    if (outOfRange(ts, clock.reference())) return { outcome: reject(TIME_OUT_OF_RANGE), parser, text };
  }
  return { outcome, parser, text };
}
