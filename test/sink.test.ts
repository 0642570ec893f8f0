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
import { ScanDetector } from '../src/detectors/scan';
import type { Alert } from '../src/contract/alert';

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

describe('open alerts: updates written at most once per interval, never lost', () => {
  /** One batch of `n` probes of new ports of 192.0.2.1 by one source, a minute after `from`. */
  function setup(alertUpdateMs: number) {
    const { db } = freshDb();
    const computer = new BatchComputer({ home: new CidrSet(DEFAULT_HOME), wanIf: new Set(), trusted: new CidrSet([]) }, 445);
    const cursor = { clock: createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) }), samples: new Map<string, number>() };
    const rollups = rollupSession(db, 'UTC', { live: false });
    const scan = new ScanDetector();
    const published: Alert[][] = [];
    const sink = new BatchSink(db, rollups.counter, rollups.writer, [scan], (a) => published.push(a.map((x) => ({ ...x }))), undefined, alertUpdateMs);
    const src = createSource(db, 'test', Buffer.from('x'), Date.now());
    let line = 0;
    let offset = 0;
    const batch = (ports: number[]) => {
      for (const p of ports) computer.process({ text: inboundLine(`Jun 14 10:00:${String(line % 60).padStart(2, '0')}`, '198.51.100.7', p), line: ++line }, cursor);
      const b = computer.take(offset, line);
      sink.commit(b, { sourceId: src.id, from: offset, tailHash: null }, new Tally());
      offset = b.endOffset;
    };
    const stored = () => db.prepare('SELECT id, destinations, events FROM alerts').all() as { id: number; destinations: number; events: number }[];
    return { sink, batch, stored, published };
  }
  const ports = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  test('a new alert is written at once; its updates wait for the interval, then flushAlerts writes the newest state', () => {
    const { sink, batch, stored, published } = setup(60_000);
    batch(ports(1000, 20)); // past the 15-port threshold: the alert opens
    expect(stored()).toEqual([expect.objectContaining({ events: 20 })]);
    batch(ports(2000, 5));
    batch(ports(3000, 5));
    expect(stored()[0].events).toBe(20); // the interval has not passed
    expect(published).toHaveLength(1);
    sink.flushAlerts(true); // not due yet
    expect(stored()[0].events).toBe(20);
    sink.flushAlerts();
    expect(stored()[0].events).toBe(30);
    expect(published).toHaveLength(2);
    expect(published[1]).toEqual([expect.objectContaining({ events: 30, state: 'open' })]);
    sink.flushAlerts(); // nothing waits: nothing published
    expect(published).toHaveLength(2);
  });

  test('with no interval every batch writes its updates', () => {
    const { batch, stored } = setup(0);
    batch(ports(1000, 20));
    batch(ports(2000, 5));
    expect(stored()[0].events).toBe(25);
  });
});
