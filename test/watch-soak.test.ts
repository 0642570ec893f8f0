/**
 * The soak test of issue 9, in the suite's bounded form: about a minute of appends at ~3,000
 * lines/s through every rotation style (rename, rename with the new file created up to 100 ms
 * later, a slow copytruncate, truncation with fast regrowth, delete + recreate), with `kill -9`
 * restarts of `watch` at random moments and `ingest` runs of rotated files beside it. It must end
 * with every written line stored exactly once, an intact database, and rollups equal to those of
 * a clean single ingest of the same lines.
 *
 * SOAK_SECONDS sets the length of the run (default 60), SOAK_SEED replays one (the seed is in
 * every failure message).
 */
import fs from 'node:fs';
import path from 'node:path';
import { closeDb, openDb } from '../src/store/db';
import { settleRollups } from '../src/store/rollups';
import { tempDir } from './helpers/db';
import {
  dbPath, eventCount, exactness, haveCli, killStarted, killWatch, LogWriter, Pump, runCli, Seq, sleep, startWatch, stopWatch, summary, untilStored, watchReady,
  type WatchProcess,
} from './helpers/live-log';
import { mulberry32 } from '../bench/generate';

const maybe = haveCli ? describe : describe.skip;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const RATE = 3000;

/** Rollup rows of a database, settled, in a stable order. */
function rollups(file: string): { day: unknown[]; hour: unknown[] } {
  const db = openDb(file);
  try {
    while (settleRollups(db).pending > 0);
    return {
      day: db.prepare('SELECT day, port, proto, events, sources, targets FROM port_day ORDER BY day, port, proto').all(),
      hour: db.prepare('SELECT hour, port, proto, events, sources FROM port_hour ORDER BY hour, port, proto').all(),
    };
  } finally {
    closeDb(db);
  }
}

maybe('watch soak', () => {
  jest.setTimeout((SECONDS + 240) * 1000);
  afterEach(killStarted);

  test(`${SECONDS} s at ${RATE} lines/s through every rotation, kill -9 restarts and ingests beside: every line once`, async () => {
    const seed = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
    const random = mulberry32(seed); // seeded, so a failing run can be replayed with its seed
    const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const seq = new Seq();
    const w = new LogWriter(log, seq);
    const glob = path.join(dir, 'fw.log*');
    let watch: WatchProcess = startWatch(db, [glob]);
    await watchReady(db);
    const pump = new Pump(w, RATE);
    const ingests: Promise<{ code: number | null; stderr: string }>[] = [];
    const done: string[] = [];
    let k = 0;

    const up = () => watch.p.exitCode === null && watch.p.signalCode === null;
    /** Pauses the writer until everything written is stored (needed before a plain truncation or a delete: what is not read then is gone for real). */
    const caughtUp = async () => {
      pump.paused = true;
      if (!up()) {
        watch = startWatch(db, [glob]);
        await watchReady(db);
      }
      const end = Date.now() + 60_000;
      while (eventCount(db) < seq.n && Date.now() < end) await sleep(50);
      if (eventCount(db) < seq.n) throw new Error(`seed ${seed}: watch did not catch up (${eventCount(db)} of ${seq.n}) after ${done.join(', ')}`);
    };
    const rotated = () => `${log}.${++k}`;
    const actions: Record<string, () => Promise<void>> = {
      rename: async () => {
        const to = rotated();
        fs.renameSync(log, to);
        w.reopen();
        if (random() < 0.5) ingests.push(runCli(['ingest', to, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']));
      },
      'rename, late create': async () => {
        fs.renameSync(log, rotated());
        await sleep(between(1, 100)); // the daemon still writes to the renamed file
        w.reopen();
      },
      'slow copytruncate': async () => {
        const from = fs.openSync(log, 'r');
        const to = fs.openSync(rotated(), 'w');
        const buf = Buffer.alloc(256 * 1024);
        const slowUntil = fs.fstatSync(from).size;
        for (let pos = 0; ; ) {
          const n = fs.readSync(from, buf, 0, buf.length, pos);
          if (n === 0) break;
          fs.writeSync(to, buf, 0, n);
          pos += n;
          if (pos < slowUntil) await sleep(10);
        }
        fs.closeSync(to);
        fs.closeSync(from);
        fs.truncateSync(log, 0);
      },
      'truncate and regrow': async () => {
        // On a small file (just rotated), so that regrowing past the read position is one burst.
        fs.renameSync(log, rotated());
        w.reopen();
        await sleep(300);
        await caughtUp();
        const size = fs.statSync(log).size;
        fs.truncateSync(log, 0);
        w.write(Math.ceil(size / 150) + 20);
        pump.paused = false;
      },
      'delete + recreate': async () => {
        await caughtUp();
        w.close();
        fs.unlinkSync(log);
        await sleep(between(0, 300));
        w.reopen();
        pump.paused = false;
      },
      'kill -9': async () => {
        if (!up()) return;
        await killWatch(watch);
        await sleep(between(200, 2000));
        watch = startWatch(db, [glob]);
      },
    };
    const names = Object.keys(actions);
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      await sleep(between(1000, 3000));
      const name = names[Math.floor(random() * names.length)];
      done.push(name);
      await actions[name]();
    }
    await pump.stop();
    w.close();
    if (!up()) watch = startWatch(db, [glob]);
    await untilStored(db, seq.n, 90_000);
    const stopped = await stopWatch(watch);
    const ingested = await Promise.all(ingests);

    const context = { seed, actions: done.join(', ') };
    expect({ ...context, ingests: ingested.map((r) => r.code) }).toEqual({ ...context, ingests: ingested.map(() => 0) });
    expect({ ...context, exit: stopped }).toEqual({ ...context, exit: 0 });
    expect({ ...context, ...summary(exactness(db, seq.n)) }).toEqual({ ...context, stored: seq.n, missing: 0, doubled: 0, unknown: 0 });
    const check = openDb(db);
    try {
      expect({ ...context, integrity: check.pragma('integrity_check', { simple: true }) }).toEqual({ ...context, integrity: 'ok' });
    } finally {
      closeDb(check);
    }

    // Rollups with several writers (watch restarts, ingests) must equal a clean single ingest.
    // This depends on the rollup ownership per day of migration 006 (the lead's part of issue 9).
    const clean = path.join(dir, 'clean.log');
    fs.writeFileSync(clean, seq.all.join(''));
    const cleanDb = path.join(dir, 'clean.db');
    expect((await runCli(['ingest', clean, '--db', cleanDb, '--tz', 'UTC', '--year', '2024', '-q'])).code).toBe(0);
    const got = rollups(db);
    const want = rollups(cleanDb);
    expect({ ...context, days: got.day.length, hours: got.hour.length }).toEqual({ ...context, days: want.day.length, hours: want.hour.length });
    expect(got).toEqual(want);
  });
});
