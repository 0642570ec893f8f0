/**
 * An address's days kept by the dashboard's read thread (reports/address-days.ts) must never
 * change the address page: every history asked through them is compared with the plain reading
 * of reports/ip-history.ts, over one day, several days and the whole history, before and after
 * new events, work ahead, a trust change, a prune and deleted rows, with and without the locator.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest, outboundLine, bsdStampUtc } from './helpers/db';
import { AddressDays } from '../reports/address-days';
import { EventLocator } from '../reports/event-locator';
import { ipHistory } from '../reports/ip-history';
import { addTrusted } from '../src/store/trust-store';
import { pruneEvents } from '../src/store/prune';
import type { DB } from '../src/store/db';

const SCANNERS = ['198.51.100.7', '198.51.100.8', '2001:db8::5'];
const INSIDE = '192.168.1.50';
const PORTS = [23, 445, 22, 3389];
const DAY = 86_400_000;
const BASE = Date.UTC(2024, 5, 14);

const stamp = bsdStampUtc;

/** `n` events over three days: a few busy scanners, an inside host reaching out, many others. */
function lines(n: number, seed: number, offsetMs = 0): string[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const t = BASE + offsetMs + Math.floor((i / n) * 3 * DAY);
    const r = rnd();
    if (r < 0.05) return outboundLine(stamp(t), INSIDE, SCANNERS[Math.floor(rnd() * 2)], PORTS[Math.floor(rnd() * PORTS.length)]);
    if (r < 0.4) return inboundLine(stamp(t), SCANNERS[Math.floor(rnd() * SCANNERS.length)], PORTS[Math.floor(rnd() * PORTS.length)], 'SYN', rnd() < 0.2 ? 'UDP' : 'TCP');
    return inboundLine(stamp(t), `198.51.100.${10 + Math.floor(rnd() * 50)}`, 1000 + Math.floor(rnd() * 60000));
  });
}

async function load(db: DB, dir: string, name: string, l: string[]): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, l.join('\n') + '\n');
  await ingest(db, [file], { year: 2024, tz: 'UTC' });
}

const ranges: ([number, number] | undefined)[] = [[BASE, BASE + DAY], [BASE + DAY, BASE + 3 * DAY], [BASE - DAY, BASE + 4 * DAY], undefined];

function expectSame(db: DB, days: AddressDays): void {
  for (const ip of [...SCANNERS, INSIDE, '203.0.113.10', '192.0.2.1']) {
    for (const range of ranges) expect(ipHistory(db, ip, { range, top: 3, addressDays: days })).toEqual(ipHistory(db, ip, { range, top: 3 }));
  }
}

describe('address days', () => {
  test('the same page as the plain reading, through appends, work ahead, trust, a prune and deleted rows', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', lines(1500, 7));
    const days = new AddressDays(db);
    expectSame(db, days);
    const reads = days.reads;
    expectSame(db, days);
    expect(days.reads).toBe(reads); // asked again: from memory

    // New events of the same days (another input): only the new rows are read.
    await load(db, dir, 'b.log', lines(300, 11, 3_600_000));
    expectSame(db, days);
    expect(days.reads).toBe(reads);

    // Work ahead: addresses not asked yet, one pass per day.
    const ahead = new AddressDays(db);
    let steps = 0;
    while (ahead.readAhead([SCANNERS[0], INSIDE, '198.51.100.20'], 19889, 'UTC')) {
      // Rows stored between two steps: caught up when the day is asked.
      if (++steps === 3) await load(db, dir, 'b2.log', lines(100, 17, 3_600_000));
    }
    expect(steps).toBe(24);
    expect(ahead.readAhead([SCANNERS[0], INSIDE], 19889, 'UTC')).toBe(false);
    expect(ahead.reads).toBe(3);
    expect(ipHistory(db, INSIDE, { range: [BASE + DAY, BASE + 2 * DAY], addressDays: ahead })).toEqual(ipHistory(db, INSIDE, { range: [BASE + DAY, BASE + 2 * DAY] }));
    expect(ipHistory(db, '198.51.100.20', { range: [BASE + DAY, BASE + 2 * DAY], addressDays: ahead })).toEqual(ipHistory(db, '198.51.100.20', { range: [BASE + DAY, BASE + 2 * DAY] }));
    expect(ahead.reads).toBe(3);

    addTrusted(db, '198.51.100.0/29', 'monitoring');
    expectSame(db, days);
    pruneEvents(db, BASE + DAY + 6 * 3_600_000);
    expectSame(db, days);
    const top = db.prepare('SELECT max(id) FROM events').pluck().get() as number;
    db.prepare('DELETE FROM events WHERE id > ?').run(top - 200);
    expectSame(db, days);
    await load(db, dir, 'c.log', lines(400, 13, 2 * DAY));
    expectSame(db, days);
  });

  test('with the event locator: the same page', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', lines(3000, 5));
    const loc = new EventLocator(db, { chunk: 256 });
    while (loc.step());
    expect(loc.find({ addr: INSIDE })).not.toBeNull();
    expectSame(db, new AddressDays(db, loc));
    await load(db, dir, 'b.log', lines(300, 9, 1000));
    expectSame(db, new AddressDays(db, loc));
  });
});
