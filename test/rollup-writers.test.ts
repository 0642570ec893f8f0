/**
 * Several writers on one database — a live pipeline (what `watch` and `listen` run) and bulk
 * ingests, each with its own connection as separate processes have — must leave every rollup
 * exactly as one clean ingest of the same lines would. Before per-day ownership, each writer
 * wrote its in-memory counts with INSERT OR REPLACE and the last one won.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb, type DB } from '../src/store/db';
import { LivePipeline } from '../src/pipeline/live';
import { markDaysDirty, settleRollups } from '../src/store/rollups';
import { freshDb, inboundLine, ingest, tempDir } from './helpers/db';

const pad = (n: number) => String(n).padStart(2, '0');

/** Scans on 2024-06-14 from `n` sources, spread over the day; `tag` varies sources and ports between sets. */
function lines(n: number, tag: number, startMinute = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = startMinute + i * 3;
    const stamp = `Jun 14 ${pad(Math.floor(m / 60) % 24)}:${pad(m % 60)}:${pad((i * 7) % 60)}`;
    out.push(inboundLine(stamp, `198.51.${tag}.${(i % 50) + 1}`, [23, 445, 22, 3389][(i + tag) % 4]));
  }
  return out;
}

function rollups(db: DB): unknown {
  return {
    days: db.prepare('SELECT day, port, proto, events, sources, targets FROM port_day ORDER BY day, port, proto').all(),
    hours: db.prepare('SELECT hour, port, proto, events, sources FROM port_hour ORDER BY hour, port, proto').all(),
  };
}

async function cleanRollups(all: string[]): Promise<unknown> {
  const { db, dir } = freshDb();
  const file = path.join(dir, 'all.log');
  fs.writeFileSync(file, all.join('\n') + '\n');
  await ingest(db, [file], { year: 2024 });
  const r = rollups(db);
  db.close();
  return r;
}

function liveFeed(live: LivePipeline, name: string) {
  const src = live.namedSource(name);
  let line = 0;
  return (batch: string[]) => {
    const records = batch.map((text) => ({ text, line: ++line }));
    live.process(src, { records, endOffset: 0, lines: line });
  };
}

describe('several writers on one day', () => {
  test('a live writer and an ingest of the same day: rollups equal one clean ingest', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.db');
    const liveDb = openDb(file);
    const live = new LivePipeline(liveDb, { tz: 'UTC', year: 2024 });
    const feed = liveFeed(live, 'syslog udp 192.0.2.1');
    const a = lines(200, 1);
    const b = lines(300, 2, 30);
    const c = lines(150, 3, 700); // later than a: no late hour that would make the day recounted anyway

    feed(a.slice(0, 100)); // the live writer owns the day now
    const rotated = path.join(dir, 'kern.log.1');
    fs.writeFileSync(rotated, b.join('\n') + '\n');
    const ingestDb = openDb(file);
    await ingest(ingestDb, [rotated], { year: 2024 }); // another connection, as `portledger ingest` beside `watch`
    feed(a.slice(100));
    feed(c);
    live.settle();
    live.close();
    settleRollups(ingestDb);
    expect(rollups(liveDb)).toEqual(await cleanRollups([...a, ...b, ...c]));
    ingestDb.close();
    liveDb.close();
  });

  test('two live writers interleaving batches on one day', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.db');
    const db1 = openDb(file);
    const db2 = openDb(file);
    const live1 = new LivePipeline(db1, { tz: 'UTC', year: 2024 });
    const live2 = new LivePipeline(db2, { tz: 'UTC', year: 2024 });
    const f1 = liveFeed(live1, 'syslog udp 192.0.2.1');
    const f2 = liveFeed(live2, 'syslog udp 192.0.2.2');
    const a = lines(400, 4);
    const b = lines(400, 5, 10);
    for (let i = 0; i < 400; i += 50) {
      f1(a.slice(i, i + 50));
      f2(b.slice(i, i + 50));
      if (i % 100 === 0) live1.settle();
    }
    live1.close();
    live2.close();
    expect(rollups(db1)).toEqual(await cleanRollups([...a, ...b]));
    db1.close();
    db2.close();
  });

  test('a commit that fails (database locked) leaves no counts of the rows it did not store', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.db');
    const db = openDb(file);
    db.pragma('busy_timeout = 50');
    const live = new LivePipeline(db, { tz: 'UTC', year: 2024 });
    const feed = liveFeed(live, 'syslog udp 192.0.2.1');
    const a = lines(300, 6);
    feed(a.slice(0, 100));
    const holder = new Database(file);
    holder.prepare('BEGIN IMMEDIATE').run();
    expect(() => feed(a.slice(100, 200))).toThrow(/locked|busy/i);
    holder.prepare('ROLLBACK').run();
    holder.close();
    feed(a.slice(200)); // rows 100–199 were never stored
    live.settle();
    live.close();
    expect(rollups(db)).toEqual(await cleanRollups([...a.slice(0, 100), ...a.slice(200)]));
    db.close();
  });

  test('a recount that read the events while another writer added to the day does not write stale counts', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.db');
    const db = openDb(file);
    const a = lines(100, 7);
    const b = lines(100, 8);
    const fa = path.join(dir, 'a.log');
    fs.writeFileSync(fa, a.join('\n') + '\n');
    await ingest(db, [fa], { year: 2024 });
    markDaysDirty(db, [Date.UTC(2024, 5, 14, 12)]); // e.g. a trust change: the day waits for its recount
    const other = openDb(file);
    const live = new LivePipeline(other, { tz: 'UTC', year: 2024 });
    const feed = liveFeed(live, 'syslog udp 192.0.2.9');
    // Between the recount's read and its write, another process stores scans of that day.
    const first = settleRollups(db, { afterRead: () => feed(b) });
    expect(first).toEqual({ settled: 0, pending: 1 }); // its count would miss b's scans: not written
    expect(settleRollups(db)).toEqual({ settled: 1, pending: 0 });
    live.close();
    expect(rollups(db)).toEqual(await cleanRollups([...a, ...b]));
    other.close();
    db.close();
  });
});
