/**
 * Day totals kept after the detailed count of a day left memory (reports/day-totals.ts): given
 * again without reading the day while none of its events changed, counted again when one did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest } from './helpers/db';
import { DayTotalsCache } from '../reports/day-totals';
import { dayNumber } from '../src/store/rollups/buckets';
import { addTrusted } from '../src/store/trust-store';

const lines = (d: number, n: number, src = (i: number) => `198.51.100.${i % 30}`) =>
  Array.from({ length: n }, (_, i) => inboundLine(`Jun ${d} ${String(i % 24).padStart(2, '0')}:10:00`, src(i), [23, 445][i % 2]));

test('totals of a day are kept while its events stay, counted again when they change', async () => {
  const { db, dir } = freshDb();
  const load = async (name: string, l: string[]) => {
    fs.writeFileSync(path.join(dir, name), l.join('\n') + '\n');
    await ingest(db, [path.join(dir, name)], { year: 2024, tz: 'UTC' });
  };
  await load('a.log', [10, 11, 12, 13, 14, 15].flatMap((d) => lines(d, 20 + d)));
  const days = [10, 11, 12, 13, 14, 15].map((d) => dayNumber(`2024-06-${d}`));
  const cache = new DayTotalsCache(db, 'UTC');
  const fresh = (day: number) => new DayTotalsCache(db, 'UTC').get(day);
  let steps = 0;
  while (cache.countAhead(days[0])) steps++;
  expect(steps).toBe(24); // an hour a step
  expect(cache.get(days[0])).toEqual(fresh(days[0]));
  expect(cache.fullCounts).toBe(1);
  // A day counted ahead while its events changed between two steps is never given as counted.
  expect(cache.countAhead(days[1])).toBe(true);
  await load('late.log', lines(11, 1, () => '192.0.2.8'));
  while (cache.countAhead(days[1]));
  expect(cache.get(days[1])).toEqual(fresh(days[1]));
  expect(cache.get(days[1]).sources).toBe(31);
  for (const d of days) cache.get(d); // the first day's detailed count leaves memory
  expect(cache.fullCounts).toBe(7);
  expect(cache.has(days[0])).toBe(true);
  expect(cache.get(days[0])).toEqual(fresh(days[0]));
  expect(cache.fullCounts).toBe(7);

  // Events of another day: kept. An event of the day (a late input): counted again.
  await load('b.log', lines(16, 5));
  expect(cache.get(days[0])).toEqual(fresh(days[0]));
  expect(cache.fullCounts).toBe(7);
  await load('c.log', lines(10, 1, () => '192.0.2.9'));
  const again = cache.get(days[0]);
  expect(cache.fullCounts).toBe(8);
  expect(again).toEqual(fresh(days[0]));
  expect(again.sources).toBe(31);

  // A trust change reclassifies the day's events.
  for (const d of days.slice(1)) cache.get(d);
  addTrusted(db, '198.51.100.0/28');
  const trusted = cache.get(days[0]);
  expect(trusted).toEqual(fresh(days[0]));
  expect(trusted.classes.trusted).toBeGreaterThan(0);
});
