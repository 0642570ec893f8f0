/**
 * The dashboard's event locator (reports/event-locator.ts) must never change an answer: every
 * question asked through it is compared with the same question read the plain way (a scan by
 * time range), before and after new events, a prune and ids used again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest, outboundLine, bsdStampUtc } from './helpers/db';
import { EventLocator, addressKey } from '../reports/event-locator';
import { ipHistory } from '../reports/ip-history';
import { exploreEvents } from '../reports/events-feed';
import { portSources } from '../reports/port-page';
import { pruneEvents } from '../src/store/prune';
import type { DB } from '../src/store/db';

const SCANNERS = ['198.51.100.7', '198.51.100.8', '203.0.113.99', '2001:db8::5', '2001:db8::6'];
const INSIDE = '192.168.1.50';
const PORTS = [23, 445, 22, 3389, 5060];
const DAY = 86_400_000;
const BASE = Date.UTC(2024, 5, 14);

const stamp = bsdStampUtc;

/** `n` events over three days, many scanners and a few rare ones, both address families. */
function lines(n: number, seed: number, offsetMs = 0): string[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = BASE + offsetMs + Math.floor((i / n) * 3 * DAY);
    const r = rnd();
    if (r < 0.03) out.push(outboundLine(stamp(t), INSIDE, SCANNERS[Math.floor(rnd() * 3)], PORTS[Math.floor(rnd() * PORTS.length)]));
    else if (r < 0.15) out.push(inboundLine(stamp(t), SCANNERS[Math.floor(rnd() * SCANNERS.length)], PORTS[Math.floor(rnd() * PORTS.length)]));
    else out.push(inboundLine(stamp(t), `198.51.100.${10 + Math.floor(rnd() * 200)}`, 1000 + Math.floor(rnd() * 60000), 'SYN', rnd() < 0.3 ? 'UDP' : 'TCP'));
  }
  return out;
}

async function load(db: DB, dir: string, name: string, l: string[]): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, l.join('\n') + '\n');
  await ingest(db, [file], { year: 2024, tz: 'UTC' });
}

const ranges: ([number, number] | undefined)[] = [undefined, [BASE, BASE + DAY], [BASE + DAY, BASE + 3 * DAY], [BASE + 3 * DAY, BASE + 4 * DAY]];

/** Every question the dashboard asks through the locator, both ways. */
function expectSameAnswers(db: DB, loc: EventLocator): void {
  for (const ip of [SCANNERS[0], SCANNERS[3], INSIDE, '192.0.2.1']) {
    for (const range of ranges) expect(ipHistory(db, ip, { range, tz: 'UTC', locator: loc })).toEqual(ipHistory(db, ip, { range, tz: 'UTC' }));
    for (const [from, to] of [['2024-06-14', '2024-06-16'], ['2024-06-15', undefined]] as const) {
      for (const f of [{ src: ip }, { dst: ip }, { addr: ip, class: 'scan', port: 445 }]) {
        for (const group of [undefined, 'port'] as const) {
          const filter = { ...f, from, to };
          expect(exploreEvents(db, filter, { group, locator: loc })).toEqual(exploreEvents(db, filter, { group }));
        }
      }
    }
  }
  for (const port of [23, 5060, 1234]) {
    for (const proto of [undefined, 'udp']) {
      const filter = { from: '2024-06-15', class: 'scan', port, proto };
      expect(exploreEvents(db, filter, { group: 'src', locator: loc })).toEqual(exploreEvents(db, filter, { group: 'src' }));
      expect(exploreEvents(db, filter, { limit: 5, locator: loc })).toEqual(exploreEvents(db, filter, { limit: 5 }));
      expect(portSources(db, port, { proto, date: '2024-06-15', locator: loc })).toEqual(portSources(db, port, { proto, date: '2024-06-15' }));
    }
  }
}

describe('event locator', () => {
  test('address keys: IPv4 is its number, anything else a 32-bit hash', () => {
    expect(addressKey('198.51.100.7')).toBe(((198 * 256 + 51) * 256 + 100) * 256 + 7);
    expect(addressKey('2001:db8::5')).toBe(addressKey('2001:db8::5'));
    expect(addressKey('2001:db8::5')).not.toBe(addressKey('2001:db8::6'));
    expect(addressKey('2001:db8::5')).toBeGreaterThanOrEqual(0);
  });

  test('same answers as a plain scan, with new events past the index, a prune, and ids used again', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', lines(3000, 7));
    const loc = new EventLocator(db, { chunk: 256 });
    expect(loc.find({ addr: SCANNERS[0] })).toBeNull(); // nothing indexed yet: callers read the old way
    while (loc.step());
    expect(loc.built).toBe(Math.floor(3000 / 256));
    // The scanners and the ports they scan are rare enough to be read through the locator.
    for (const key of [...SCANNERS.map((addr) => ({ addr })), { addr: INSIDE }, ...PORTS.map((port) => ({ port }))]) expect(loc.find(key)?.ids.length).toBeGreaterThan(0);
    expectSameAnswers(db, loc);

    // New events (another input, the same days): past the indexed chunks until the next steps.
    await load(db, dir, 'b.log', lines(300, 11, 1000));
    expectSameAnswers(db, loc);
    while (loc.step());
    expectSameAnswers(db, loc);

    // A prune deletes rows and records its cutoff: the index starts again.
    pruneEvents(db, BASE + DAY);
    expect(loc.find({ addr: SCANNERS[0] })).toBeNull();
    while (loc.step());
    expectSameAnswers(db, loc);

    // The newest rows deleted, then new ones given the same ids: never answered from stale ids.
    const top = db.prepare('SELECT max(id) FROM events').pluck().get() as number;
    db.prepare('DELETE FROM events WHERE id > ?').run(top - 600);
    expect(loc.find({ addr: SCANNERS[0] })).toBeNull();
    await load(db, dir, 'c.log', lines(900, 13, 2000));
    expectSameAnswers(db, loc);
    while (loc.step());
    expectSameAnswers(db, loc);
  });

  test('a key on most rows is left to the time index (fetching them one by one would cost more)', async () => {
    const { db, dir } = freshDb();
    await load(db, dir, 'a.log', Array.from({ length: 1200 }, (_, i) => inboundLine(stamp(BASE + i * 1000), SCANNERS[0], 445)));
    const loc = new EventLocator(db, { chunk: 256 });
    while (loc.step());
    expect(loc.find({ port: 445 })).toBeNull();
    expect(loc.find({ port: 23 })).toEqual({ ids: [], tail: 1024 });
  });
});
