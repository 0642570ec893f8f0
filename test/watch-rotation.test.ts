/**
 * `portledger watch` under the rotations that lost or doubled lines (issue 9), each reproduced
 * for real: a daemon-like writer holding its file open and appending all along, rotations with
 * real timing gaps, the built CLI as the watcher. Every line carries its sequence number, so
 * the check is exact: each written line stored once, none missing, none twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './helpers/db';
import {
  dbPath, exactness, haveCli, killStarted, killWatch, LogWriter, Pump, sleep, startWatch, stopWatch, summary, untilStored, watchReady, eventCount, type WatchProcess,
} from './helpers/live-log';

const maybe = haveCli ? describe : describe.skip;

/**
 * Whether the watcher stores, within `ms`, every line written so far (with a writer still
 * running, the lines of the next 150 ms too: they go to the file the writer has open now).
 */
async function follows(db: string, w: LogWriter, ms = 4000, writing = false): Promise<boolean> {
  if (writing) await sleep(150);
  const target = w.seq.n;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (eventCount(db) >= target) return true;
    await sleep(50);
  }
  return false;
}

async function exactAfter(db: string, w: LogWriter, watch: WatchProcess): Promise<void> {
  await untilStored(db, w.seq.n);
  const e = exactness(db, w.seq.n);
  expect(summary(e)).toEqual({ stored: w.seq.n, missing: 0, doubled: 0, unknown: 0 });
  expect(await stopWatch(watch)).toBe(0);
}

maybe('watch: rotations while lines are appended', () => {
  jest.setTimeout(180_000);
  afterEach(killStarted);

  // A daemon that reopens its log on SIGHUP after logrotate's rename, or a script's `mv` then `>`:
  // the new file appears a few milliseconds after the old name went away.
  for (const [label, target] of [['a path given explicitly', 'fw.log'], ['a glob', 'fw.log*']] as const) {
    test(`rename, new file created 5 / 20 / 90 ms later (3 trials each), ${label}`, async () => {
      const dir = tempDir();
      const log = path.join(dir, 'fw.log');
      const db = dbPath(dir);
      const w = new LogWriter(log);
      const watch = startWatch(db, [path.join(dir, target)]);
      await watchReady(db);
      const pump = new Pump(w, 1000);
      const notFollowed: string[] = [];
      let k = 0;
      for (const gap of [5, 20, 90]) {
        for (let trial = 0; trial < 3; trial++) {
          await sleep(300);
          fs.renameSync(log, `${log}.${++k}`);
          await sleep(gap); // the daemon still writes to the renamed file meanwhile
          w.reopen();
          if (!(await follows(db, w, 4000, true))) notFollowed.push(`gap ${gap} ms trial ${trial + 1}`);
        }
      }
      await pump.stop();
      w.close();
      expect(notFollowed).toEqual([]);
      await exactAfter(db, w, watch);
    });
  }

  // copytruncate: the copy is written while watch runs, and matches the glob; its first bytes are
  // the followed file's, but it is shorter than what was read until the copy is done.
  test('copytruncate by a slow copy under the glob (3 trials): nothing twice, nothing lost', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const w = new LogWriter(log);
    const watch = startWatch(db, [path.join(dir, 'fw.log*')]);
    await watchReady(db);
    const pump = new Pump(w, 200);
    for (let trial = 1; trial <= 3; trial++) {
      w.write(8000); // ~1.9 MB to copy
      expect(await follows(db, w, 20_000, true)).toBe(true);
      // 128 KiB every 15 ms (at most ~8 MB/s) up to the size the file had when the copy began,
      // then to its end at once (as cp, which reads faster than the log grows): the copy is in
      // progress across several polls.
      const from = fs.openSync(log, 'r');
      const to = fs.openSync(`${log}.${trial}`, 'w');
      const buf = Buffer.alloc(128 * 1024);
      const slowUntil = fs.fstatSync(from).size;
      for (let pos = 0; ; ) {
        const n = fs.readSync(from, buf, 0, buf.length, pos);
        if (n === 0) break;
        fs.writeSync(to, buf, 0, n);
        pos += n;
        if (pos < slowUntil) await sleep(15);
      }
      fs.closeSync(to);
      fs.closeSync(from);
      fs.truncateSync(log, 0); // the writer's descriptor is O_APPEND: it goes on at the new end
      await sleep(500);
    }
    await pump.stop();
    w.close();
    await exactAfter(db, w, watch);
  });

  // Between two polls the file is truncated and has grown past the old read position again:
  // size alone says nothing happened. After a restart, nothing may come twice either.
  test('truncation followed by fast regrowth (3 times), then kill -9 and restart', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const w = new LogWriter(log);
    let watch = startWatch(db, [log]);
    await watchReady(db);
    w.write(200);
    for (let trial = 0; trial < 3; trial++) {
      expect(await follows(db, w, 20_000)).toBe(true); // all of the old text is read (a plain truncation loses what is not)
      const size = fs.statSync(log).size;
      fs.truncateSync(log, 0);
      w.write(Math.ceil(size / 200) + 50); // one synchronous step: regrown past the old position
      await sleep(700);
    }
    expect(await follows(db, w, 20_000)).toBe(true);
    await killWatch(watch);
    w.write(30);
    watch = startWatch(db, [log]);
    await watchReady(db);
    w.write(20);
    w.close();
    await exactAfter(db, w, watch);
  });

  test('delete + recreate 5 / 50 / 300 ms later while appending', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const w = new LogWriter(log);
    const watch = startWatch(db, [log]);
    await watchReady(db);
    const pump = new Pump(w, 1000);
    const notFollowed: number[] = [];
    for (const gap of [5, 50, 300, 5, 50, 300]) {
      await sleep(300);
      fs.unlinkSync(log); // the daemon writes on into the deleted file until it reopens
      await sleep(gap);
      w.reopen();
      if (!(await follows(db, w, 4000, true))) notFollowed.push(gap);
    }
    await pump.stop();
    w.close();
    expect(notFollowed).toEqual([]);
    await exactAfter(db, w, watch);
  });
});
