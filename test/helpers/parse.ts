/** Shared setup of the per-format unit tests: one line through `parseRecord`, outcome unwrapped. */
import { createClock } from '../../parsers/clock';
import { parseRecord } from '../../parsers/index';
import type { Clock, FirewallEvent, ParseOutcome } from '../../parsers/types';

/** UTC, year-less stamps read as 2024. */
export const utc = (): Clock => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

/** The outcome of one line. */
export function parseLine(line: string, clock: Clock = utc()): ParseOutcome {
  return parseRecord(line, clock).outcome;
}

/** The event of one line; throws (failing the test) with the skip/reject reason otherwise. */
export function parseEvent(line: string, clock: Clock = utc()): FirewallEvent {
  const o = parseLine(line, clock);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${o.kind}: ${o.reason}`);
  return o.event;
}
