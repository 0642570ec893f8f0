/**
 * A day's scanning sources per port in the read thread's memory (reports/day-sources.ts) must
 * never change an answer: every explorer grouping and port top-sources question it answers is
 * compared with the same question read the plain way, before and after new events of the day,
 * of another day, a trust change, a prune and deleted rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest } from './helpers/db';
import { DaySources } from '../reports/day-sources';
import { exploreEvents } from '../reports/events-feed';
import { portSources } from '../reports/port-page';
import { addTrusted } from '../src/store/trust-store';
import { pruneEvents } from '../src/store/prune';
import type { DB } from '../src/store/db';

const DAYS = ['2024-06-14', '2024-06-15'];

/** An ICMP echo request (type 8) from outside, as netfilter logs it. */
const icmpLine = (stamp: string, src: string) =>
  `${stamp} gw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=${src} DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1`;

/** `n` scans over two days: ports 8, 22, 445 on TCP and UDP, ICMP type 8, sources with ties. */
function lines(n: number, seed: number, src = (r: number) => `198.51.100.${Math.floor(r * 40)}`): string[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const stamp = `Jun ${14 + (i % 2)} ${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}:00`;
    const s = rnd() < 0.1 ? `2001:db8::${Math.floor(rnd() * 5)}` : src(rnd());
    const r = rnd();
    if (r < 0.15) return icmpLine(stamp, s);
    return inboundLine(stamp, s, [8, 22, 445][Math.floor(rnd() * 3)], 'SYN', rnd() < 0.3 ? 'UDP' : 'TCP');
  });
}

async function load(db: DB, dir: string, name: string, l: string[]): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, l.join('\n') + '\n');
  await ingest(db, [file], { year: 2024, tz: 'UTC' });
}

/** Every question answered from the day counts, both ways. */
function expectSameAnswers(db: DB, ds: DaySources): void {
  for (const from of DAYS) {
    for (const port of [8, 22, 445, 9999]) {
      for (const proto of [undefined, 'udp', 'icmp', 'sctp']) {
        const filter = { from, class: 'scan', port, proto };
        for (const page of [{}, { limit: 3, offset: 3 }, { limit: 5, offset: 1000 }]) {
          expect(exploreEvents(db, filter, { group: 'src', ...page, daySources: ds })).toEqual(exploreEvents(db, filter, { group: 'src', ...page }));
        }
        expect(portSources(db, port, { proto, date: from, daySources: ds })).toEqual(portSources(db, port, { proto, date: from }));
      }
    }
  }
  // The latest day by default, as the port page asks.
  expect(portSources(db, 445, { daySources: ds })).toEqual(portSources(db, 445));
}

describe('day sources', () => {
  test('same answers as the plain grouping, through appends, a trust change, a prune and deleted rows', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', lines(1500, 3));
    const ds = new DaySources(db);
    /** Counts both days ahead (or catches up), then checks the answers come from the counts. */
    const same = () => {
      for (const d of [19888, 19889]) while (ds.countAhead(d));
      expect([ds.has(19888), ds.has(19889)]).toEqual([true, true]);
      expectSameAnswers(db, ds);
    };
    same();
    expect(ds.fullCounts).toBe(2);
    same();
    expect(ds.fullCounts).toBe(2);

    // New events of both days (a late input): only the new rows are read, when asked.
    await load(db, dir, 'b.log', lines(400, 5, (r) => `203.0.113.${Math.floor(r * 8)}`));
    expect([ds.has(19888), ds.has(19889)]).toEqual([true, true]);
    expectSameAnswers(db, ds);
    expect(ds.fullCounts).toBe(2);

    // A trust change reclassifies a source's past scans: not answered until counted again.
    addTrusted(db, '198.51.100.0/29', 'monitoring');
    expect(ds.has(19889)).toBe(false);
    same();
    expect(ds.fullCounts).toBe(4);

    // A prune deletes rows (and records its cutoff): counted again.
    pruneEvents(db, Date.UTC(2024, 5, 14, 12));
    expect(ds.has(19889)).toBe(false);
    same();
    expect(ds.fullCounts).toBe(6);

    // The newest rows deleted by hand: max(id) below what was read, counted again.
    const top = db.prepare('SELECT max(id) FROM events').pluck().get() as number;
    db.prepare('DELETE FROM events WHERE id > ?').run(top - 100);
    expect(ds.has(19889)).toBe(false);
    same();
    await load(db, dir, 'c.log', lines(300, 9));
    same();
  });

  test('work ahead counts a day an hour per step, once, then only catches up', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', lines(300, 3));
    const ds = new DaySources(db);
    expect(ds.has(19889)).toBe(false); // 2024-06-15: not counted, the explorer reads the plain way
    let steps = 0;
    while (ds.countAhead(19889)) {
      steps++;
      // Rows stored between two steps: read with the rest once the day is complete.
      if (steps === 5) await load(db, dir, 'b.log', lines(50, 4));
    }
    expect(steps).toBe(24);
    expect(ds.has(19889)).toBe(true);
    expect(ds.countAhead(19889)).toBe(false);
    await load(db, dir, 'c.log', lines(50, 6));
    expect(ds.countAhead(19889)).toBe(false);
    expect(ds.fullCounts).toBe(1);
    expectSameAnswers(db, ds);
    // A trust change between two steps: the count starts again.
    const again = new DaySources(db);
    again.countAhead(19889);
    addTrusted(db, '198.51.100.0/29');
    while (again.countAhead(19889));
    expect(again.busiest(19889, 3, 2, 2).length).toBeGreaterThan(2);
    expectSameAnswers(db, again);
  });

  test('the busiest sources of a counted day: the top scanners, and the top ones of the busiest ports', async () => {
    const { db, dir } = freshDb();
    const l = [
      ...Array.from({ length: 30 }, (_, i) => inboundLine(`Jun 15 10:00:${String(i).padStart(2, '0')}`, '198.51.100.1', 445)),
      ...Array.from({ length: 20 }, (_, i) => inboundLine(`Jun 15 11:00:${String(i).padStart(2, '0')}`, '198.51.100.2', 23)),
      ...Array.from({ length: 5 }, (_, i) => inboundLine(`Jun 15 12:00:${String(i).padStart(2, '0')}`, '198.51.100.3', 445)),
      ...Array.from({ length: 6 }, (_, i) => inboundLine(`Jun 15 12:10:${String(i).padStart(2, '0')}`, '198.51.100.4', 22)),
    ];
    await load(db, dir, 'a.log', l);
    const ds = new DaySources(db);
    expect(ds.busiest(19889, 1, 1, 2)).toEqual([]); // not counted
    while (ds.countAhead(19889));
    expect(ds.busiest(19889, 1, 1, 2)).toEqual(['198.51.100.1', '198.51.100.3']);
    expect(ds.busiest(19889, 2, 0, 0)).toEqual(['198.51.100.1', '198.51.100.2']);
  });
});
