/**
 * `portledger ingest FILE` runs the write half in a thread of its own (bounded heap) and the
 * parse half in a worker: the database it leaves must be the one an in-process session leaves,
 * and progress, summaries and failures must reach the calling thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDb, type DB } from '../src/store/db';
import { ingestInThread } from '../src/pipeline/ingest-thread';
import type { StoredProgress } from '../src/pipeline/ingest';
import { generateLog } from '../bench/generate';
import { freshDb, ingest, tempDir } from './helpers/db';

function contents(db: DB) {
  return {
    events: db.prepare('SELECT ts, line, format, class, reason, src, dst, dport, tcp_flags, rule, host FROM events_named ORDER BY source_id, line').all(),
    ports: db.prepare('SELECT * FROM port_day ORDER BY day, port, proto').all(),
    hours: db.prepare('SELECT * FROM port_hour ORDER BY hour, port, proto').all(),
    alerts: db.prepare('SELECT kind, host, port, destinations, events, evidence FROM alerts ORDER BY id').all(),
    rejects: db.prepare('SELECT reason, count FROM reject_counts ORDER BY reason').all(),
  };
}

describe('ingest in a write thread', () => {
  const dir = tempDir();
  const log = path.join(dir, 'big.log');
  beforeAll(() => generateLog(log, 30_000)); // over 4 MB: parsed in the worker too

  test('leaves the same database as an in-process session, with progress and a summary', async () => {
    const here = freshDb();
    await ingest(here.db, [log], { year: 2024 });

    const file = path.join(tempDir(), 'thread.db');
    const stored: StoredProgress[] = [];
    const started: string[] = [];
    const steps: string[] = [];
    const summaries = await ingestInThread(
      file,
      [log],
      { tz: 'UTC', year: 2024 },
      { start: (f) => started.push(f), progress: (p) => stored.push(p), finishing: (s) => steps.push(s) },
    );
    expect(started).toEqual([log]);
    // Progress is what is stored: lines, text offset and events only grow, and end at the file's.
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.at(-1)!.lines).toBe(30_000);
    expect(stored.at(-1)!.offset).toBe(fs.statSync(log).size);
    expect(stored.at(-1)!.events).toBe(summaries[0].tally.events);
    for (let i = 1; i < stored.length; i++) {
      expect(stored[i].offset).toBeGreaterThan(stored[i - 1].offset);
      expect(stored[i].events).toBeGreaterThanOrEqual(stored[i - 1].events);
    }
    // The reader runs ahead of the store, never behind it.
    for (const p of stored) expect(p.readText).toBeGreaterThanOrEqual(p.offset);
    // After the last batch, the finishing steps are told in order.
    expect(steps).toEqual(['detectors', 'rollups', 'checkpoint']);
    expect(summaries).toHaveLength(1);
    expect(summaries[0].status).toBe('new');
    expect(summaries[0].tally.lines).toBe(30_000);
    expect(summaries[0].tally.events).toBeGreaterThan(25_000);
    expect(summaries[0].tally.rejectReasons.size).toBeGreaterThan(0); // a Tally again, maps and all

    const there = openDb(file);
    expect(contents(there)).toEqual(contents(here.db));
    there.close();

    const again = await ingestInThread(file, [log], { tz: 'UTC', year: 2024 });
    expect(again[0].status).toBe('unchanged');
  });

  test('a file that cannot be read fails the call with its reason', async () => {
    const missing = path.join(dir, 'missing.log');
    await expect(ingestInThread(path.join(tempDir(), 'x.db'), [missing], { tz: 'UTC' })).rejects.toThrow(/missing\.log/);
  });
});
