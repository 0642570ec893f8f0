/**
 * The write half (pipeline/sink.ts): what it counts does not depend on which rows carry a raw
 * line for evidence — that selection may change without a row going missing from the reports.
 */
import { BatchComputer } from '../src/pipeline/batch';
import { BatchSink } from '../src/pipeline/sink';
import { Tally } from '../src/pipeline/tally';
import { createClock } from '../parsers/clock';
import { CidrSet, DEFAULT_HOME } from '../src/classify/networks';
import { rollupSession } from '../src/store/rollups';
import { createSource } from '../src/store/sources';
import { count, freshDb, inboundLine } from './helpers/db';

test('rows without an evidence line still reach the rollups', () => {
  const { db } = freshDb();
  const computer = new BatchComputer({ home: new CidrSet(DEFAULT_HOME), wanIf: new Set(), trusted: new CidrSet([]) }, 445);
  const cursor = { clock: createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) }), samples: new Map<string, number>() };
  const lines = [inboundLine('Jun 14 10:00:00', '198.51.100.1', 23), inboundLine('Jun 14 10:01:00', '198.51.100.2', 23), inboundLine('Jun 14 10:02:00', '198.51.100.2', 22)];
  lines.forEach((text, i) => computer.process({ text, line: i + 1 }, cursor));
  const batch = computer.take(0, lines.length);
  expect(batch.raws.rows.length).toBe(3);
  batch.raws = { rows: new Int32Array(0), lines: { ends: new Int32Array(0), bytes: new Uint8Array(0) } };
  const rollups = rollupSession(db, 'UTC', { live: false });
  const sink = new BatchSink(db, rollups.counter, rollups.writer, []);
  const src = createSource(db, 'test', Buffer.from('x'), Date.now());
  sink.commit(batch, { sourceId: src.id, from: src.offset, tailHash: null }, new Tally());
  expect(db.prepare('SELECT port, events, sources FROM port_day ORDER BY port').all()).toEqual([
    { port: 22, events: 1, sources: 1 },
    { port: 23, events: 2, sources: 2 },
  ]);
  expect(count(db, 'SELECT count(*) FROM events')).toBe(3);
});
