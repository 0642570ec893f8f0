/** Shared setup of the per-format unit tests: one line through `parseRecord`, outcome unwrapped. */
import fs from 'node:fs';
import path from 'node:path';
import { createClock } from '../../parsers/clock';
import { peelEnvelope } from '../../parsers/envelope/peel';
import { parseRecord } from '../../parsers/index';
import type { Clock, FirewallEvent, LogParser, ParseOutcome } from '../../parsers/types';

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

/**
 * Every fixture line of the parser's folder, cut every `step` characters and damaged as
 * `variants` says, through sniff and parse: parsing may reject, it must never throw.
 */
export function expectNeverThrows(parser: LogParser, step: number, variants: (line: string, i: number) => string[]): void {
  const dir = path.resolve(__dirname, '../../fixtures', parser.id);
  const lines = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'));
  const c = utc();
  for (const line of lines) {
    for (let i = 0; i <= line.length; i += step) {
      for (const l of variants(line, i)) {
        const env = peelEnvelope(l, c);
        if (parser.sniff(env)) expect(() => parser.parse(env, c)).not.toThrow();
      }
    }
  }
}
