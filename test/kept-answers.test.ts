/**
 * Explorer answers kept by the dashboard's read thread (reports/kept-answers.ts): the same as
 * asked now, from memory only while no event of their days changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest } from './helpers/db';
import { KeptAnswers } from '../reports/kept-answers';
import { exploreEvents } from '../reports/events-feed';
import { addTrusted } from '../src/store/trust-store';

const lines = (d: number, n: number, src = (i: number) => `198.51.100.${i % 30}`) =>
  Array.from({ length: n }, (_, i) => inboundLine(`Jun ${d} ${String(i % 24).padStart(2, '0')}:20:00`, src(i), [23, 445][i % 2]));

test('kept while the period stays as it is, asked again when it changes', async () => {
  const { db, dir } = freshDb();
  const load = async (name: string, l: string[]) => {
    fs.writeFileSync(path.join(dir, name), l.join('\n') + '\n');
    await ingest(db, [path.join(dir, name)], { year: 2024, tz: 'UTC' });
  };
  await load('a.log', [...lines(14, 30), ...lines(15, 40)]);
  const answers = new KeptAnswers(db);
  const filter = { from: '2024-06-14', class: 'scan', port: 445 };
  const ask = () => answers.get('q', Date.UTC(2024, 5, 14), Date.UTC(2024, 5, 15), () => exploreEvents(db, filter, { group: 'src' }));
  const now = () => exploreEvents(db, filter, { group: 'src' });
  expect(ask()).toEqual(now());
  expect(ask()).toEqual(now());
  expect(answers.computed).toBe(1);
  await load('b.log', lines(15, 5, () => '192.0.2.3')); // another day
  expect(ask()).toEqual(now());
  expect(answers.computed).toBe(1);
  await load('c.log', lines(14, 2, () => '192.0.2.4')); // the day itself
  expect(ask()).toEqual(now());
  expect(answers.computed).toBe(2);
  expect(ask().total).toBe(16);
  addTrusted(db, '198.51.100.0/29'); // reclassified
  expect(ask()).toEqual(now());
  expect(answers.computed).toBe(3);
});
