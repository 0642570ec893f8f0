/**
 * The repeated hour of an autumn DST change. A syslog stamp has no offset, so `02:30` on the
 * night Europe/Berlin falls back happens twice; the only evidence of which pass a line belongs to
 * is the order of the lines. Before, the second pass was stored one hour early (6 of the 24
 * lines below, in Berlin and in New York alike).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { count, freshDb, inboundLine, ingest } from './helpers/db';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Oct 27 02:10:00` as a wall clock in `tz` shows instant `utc`. */
function bsdStamp(utc: number, tz: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(utc))
      .map((x) => [x.type, x.value]),
  );
  return `${MONTHS[+p.month - 1]} ${String(p.day).padStart(2, ' ')} ${p.hour}:${p.minute}:${p.second}`;
}

/** 24 instants ten minutes apart, starting two hours before the change. */
function instants(change: number): number[] {
  return Array.from({ length: 24 }, (_, i) => change - 2 * 3_600_000 + i * 600_000);
}

describe.each([
  // Berlin: 03:00 CEST becomes 02:00 CET at 01:00 UTC. New York: 02:00 EDT becomes 01:00 EST at 06:00 UTC.
  ['Europe/Berlin', Date.UTC(2024, 9, 27, 1)],
  ['America/New_York', Date.UTC(2024, 10, 3, 6)],
])('a log crossing the autumn change in %s', (tz, change) => {
  test('every line is stored at its own instant, the repeated hour in both passes', async () => {
    const utc = instants(change);
    const { db, dir } = freshDb();
    const file = path.join(dir, 'kern.log');
    fs.writeFileSync(file, utc.map((t, i) => inboundLine(bsdStamp(t, tz), `203.0.113.${i + 1}`, 23) + '\n').join(''));
    // The wall-clock times really repeat: six lines of the first pass share their stamps with the second.
    const stamps = utc.map((t) => bsdStamp(t, tz));
    expect(new Set(stamps).size).toBe(18);
    await ingest(db, [file], { tz, year: 2024 });
    const stored = db.prepare('SELECT ts FROM events ORDER BY line').pluck().all() as number[];
    expect(stored.map((t) => new Date(t).toISOString())).toEqual(utc.map((t) => new Date(t).toISOString()));
    expect(count(db, 'SELECT count(*) FROM events')).toBe(24);
    db.close();
  });
});

describe('the order of the lines decides the pass, and nothing else', () => {
  const at = (clock: ReturnType<typeof createClock>, s: string) => new Date(peelEnvelope(`${s} gw kernel: x`, clock).ts!).toISOString();

  test('a line a relay delivered a few seconds late stays in the first pass', () => {
    const clock = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(at(clock, 'Oct 27 02:30:05')).toBe('2024-10-27T00:30:05.000Z');
    expect(at(clock, 'Oct 27 02:30:03')).toBe('2024-10-27T00:30:03.000Z');
    expect(at(clock, 'Oct 27 02:30:06')).toBe('2024-10-27T00:30:06.000Z');
  });

  test('a sparse log: the second pass starts after the last stamp of the first, at an earlier wall-clock time', () => {
    const clock = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(at(clock, 'Oct 27 02:40:00')).toBe('2024-10-27T00:40:00.000Z');
    expect(at(clock, 'Oct 27 02:05:00')).toBe('2024-10-27T01:05:00.000Z');
    expect(at(clock, 'Oct 27 02:50:00')).toBe('2024-10-27T01:50:00.000Z');
    expect(at(clock, 'Oct 27 03:00:00')).toBe('2024-10-27T02:00:00.000Z');
  });

  test('a source that starts inside the repeated hour reads the first pass', () => {
    const fresh = createClock('America/New_York', { fixedYear: 2024, reference: () => 0 });
    expect(at(fresh, 'Nov  3 01:30:00')).toBe('2024-11-03T05:30:00.000Z');
  });

  test('a stray line from the future does not decide for the lines after it', () => {
    const clock = createClock('America/New_York', { fixedYear: 2024, reference: () => 0 });
    peelEnvelope('2031-01-01T00:00:00 gw kernel: x', clock); // a wall-clock stamp years ahead
    expect(at(clock, 'Nov  3 01:50:00')).toBe('2024-11-03T05:50:00.000Z');
    expect(at(clock, 'Nov  3 01:10:00')).toBe('2024-11-03T06:10:00.000Z');
  });

  test('each source has its own clock: one file past the change does not move another', async () => {
    const { db, dir } = freshDb();
    const a = path.join(dir, 'a.log');
    const b = path.join(dir, 'b.log');
    fs.writeFileSync(a, ['Oct 27 02:50:00', 'Oct 27 02:10:00'].map((s, i) => inboundLine(s, `203.0.113.${i + 1}`, 23) + '\n').join(''));
    fs.writeFileSync(b, inboundLine('Oct 27 02:10:00', '203.0.113.9', 23) + '\n');
    await ingest(db, [a, b], { tz: 'Europe/Berlin', year: 2024 });
    const ts = db.prepare('SELECT ts FROM events ORDER BY source_id, line').pluck().all() as number[];
    expect(ts.map((t) => new Date(t).toISOString())).toEqual(['2024-10-27T00:50:00.000Z', '2024-10-27T01:10:00.000Z', '2024-10-27T00:10:00.000Z']);
    db.close();
  });
});
