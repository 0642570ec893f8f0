import { PARSERS, parseRecord } from '../parsers';
import { createClock } from '../parsers/clock';

describe('portledger formats', () => {
  test.each(PARSERS.map((p) => [p.id, p] as const))('%s: its example line is claimed by it and parses to an event', (_id, p) => {
    const clock = createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    const r = parseRecord(p.example, clock, undefined, undefined, new Map());
    expect(r.parser?.id).toBe(p.id);
    expect(r.outcome.kind).toBe('event');
    expect(p.title.length).toBeGreaterThan(3);
  });

  test('ids are unique', () => {
    expect(new Set(PARSERS.map((p) => p.id)).size).toBe(PARSERS.length);
  });
});
