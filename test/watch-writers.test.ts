/**
 * `portledger watch` beside other writers (issue 9), for real: a second SQLite connection that
 * holds the write lock past the busy timeout, two watchers on one file and on two files, a watch
 * and an ingest, two ingests of one file. The read position may only move with a commit, and a
 * writer that finds the position moved by another resumes from it: every line stored once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from './helpers/db';
import {
  dbPath, exactness, haveCli, killStarted, LogWriter, Pump, runCli, Seq, sleep, startWatch, stopWatch, summary, untilStored, watchReady, eventCount,
} from './helpers/live-log';

const maybe = haveCli ? describe : describe.skip;

function expectExact(db: string, written: number): void {
  expect(summary(exactness(db, written))).toEqual({ stored: written, missing: 0, doubled: 0, unknown: 0 });
}

maybe('watch beside other writers', () => {
  jest.setTimeout(180_000);
  afterEach(killStarted);

  test('the write lock held 8 s by another connection: nothing lost, one message, still running', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const w = new LogWriter(log);
    const watch = startWatch(db, [log]);
    await watchReady(db);
    w.write(100);
    expect(await untilStored(db, 100)).toBe(100);
    // 1,200 lines in bursts of 100 while the lock is held: each failed commit holds a burst.
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    const until = Date.now() + 8000;
    for (let burst = 0; burst < 12; burst++) {
      w.write(100);
      await sleep(Math.max(0, (until - Date.now()) / (12 - burst)));
    }
    holder.exec('COMMIT');
    holder.close();
    w.write(100);
    w.close();
    await untilStored(db, w.seq.n, 30_000);
    expectExact(db, w.seq.n);
    expect(watch.p.exitCode).toBeNull();
    const said = watch.stderr.join('');
    // Told once that it waits, once that it stores again; not a message per attempt.
    expect(said.match(/cannot store/g)?.length).toBe(1);
    expect(said).toMatch(/storing again/);
    expect(await stopWatch(watch)).toBe(0);
  });

  test('two watch processes on one file, through a rename rotation: every line once', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const db = dbPath(dir);
    const w = new LogWriter(log);
    w.write(50);
    const a = startWatch(db, [path.join(dir, 'fw.log*')]);
    await watchReady(db);
    const b = startWatch(db, [path.join(dir, 'fw.log*')]);
    await sleep(1500);
    const pump = new Pump(w, 2000);
    await sleep(3000);
    fs.renameSync(log, `${log}.1`);
    await sleep(20);
    w.reopen();
    await sleep(3000);
    await pump.stop();
    w.close();
    await untilStored(db, w.seq.n, 30_000);
    expectExact(db, w.seq.n);
    expect(await stopWatch(a)).toBe(0);
    expect(await stopWatch(b)).toBe(0);
  });

  test('two watch processes on two files at 3,000 lines/s each, the lock held 6 s meanwhile: nothing lost to "database is locked"', async () => {
    const dir = tempDir();
    const db = dbPath(dir);
    const seq = new Seq();
    const wa = new LogWriter(path.join(dir, 'a.log'), seq);
    const wb = new LogWriter(path.join(dir, 'b.log'), seq);
    const a = startWatch(db, [wa.file]);
    await watchReady(db);
    const b = startWatch(db, [wb.file]);
    await sleep(1500);
    const pumps = [new Pump(wa, 3000), new Pump(wb, 3000)];
    await sleep(3000);
    // A writer holding the lock past the busy timeout (as a long WAL checkpoint or recount can):
    // both watchers' commits fail meanwhile, and must lose nothing.
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE');
    await sleep(6000);
    holder.exec('COMMIT');
    holder.close();
    await sleep(3000);
    for (const p of pumps) await p.stop();
    wa.close();
    wb.close();
    await untilStored(db, seq.n, 30_000);
    expectExact(db, seq.n);
    expect(await stopWatch(a)).toBe(0);
    expect(await stopWatch(b)).toBe(0);
  });

  test('an ingest of a big file and of the file watch is draining, while watch follows: every line once', async () => {
    const dir = tempDir();
    const db = dbPath(dir);
    const seq = new Seq();
    const big = new LogWriter(path.join(dir, 'big.log'), seq);
    big.write(150_000); // a rotated day being ingested while watch runs
    big.close();
    const log = path.join(dir, 'fw.log');
    const w = new LogWriter(log, seq);
    const watch = startWatch(db, [path.join(dir, 'fw.log*')]);
    await watchReady(db);
    const pump = new Pump(w, 3000);
    await sleep(1000);
    // The rotated file is ingested by hand while watch still reads it (its writer goes on).
    fs.renameSync(log, `${log}.1`);
    const both = Promise.all([runCli(['ingest', big.file, '--db', db, '--tz', 'UTC', '--year', '2024', '-q']), runCli(['ingest', `${log}.1`, '--db', db, '--tz', 'UTC', '--year', '2024', '-q'])]);
    await sleep(300);
    w.reopen();
    const results = await both;
    await sleep(1000);
    await pump.stop();
    w.close();
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
    await untilStored(db, seq.n, 30_000);
    expectExact(db, seq.n);
    expect(await stopWatch(watch)).toBe(0);
  });

  test('two ingests of one growing file at once: every line once', async () => {
    const dir = tempDir();
    const db = dbPath(dir);
    const w = new LogWriter(path.join(dir, 'fw.log'));
    w.write(60_000);
    const pump = new Pump(w, 3000);
    const runs = await Promise.all([0, 1].map(() => runCli(['ingest', w.file, '--db', db, '--tz', 'UTC', '--year', '2024', '-q'])));
    await pump.stop();
    w.close();
    for (const r of runs) expect(r).toEqual({ code: 0, stderr: '' });
    // Each run read to the end it saw; one more run stores what was appended after both.
    expect(await runCli(['ingest', w.file, '--db', db, '--tz', 'UTC', '--year', '2024', '-q'])).toEqual({ code: 0, stderr: '' });
    expect(eventCount(db)).toBe(w.seq.n);
    expectExact(db, w.seq.n);
  });
});

/** Mounts a tmpfs of `mb` MB on `dir`; false when this machine does not let us (not root). */
function mountSmallDisk(dir: string, mb: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Probed at load (mounted and let go at once), so the test is skipped cleanly where it cannot run.
const canMount = haveCli && process.platform === 'linux' && ((d) => mountSmallDisk(d, 1) && (execFileSync('umount', [d]), true))(tempDir());
const maybeFull = canMount ? describe : describe.skip;

maybeFull('watch on a full disk (a tmpfs of 48 MB)', () => {
  jest.setTimeout(120_000);
  const disk = tempDir();
  beforeAll(() => expect(mountSmallDisk(disk, 48)).toBe(true));
  afterEach(killStarted);
  afterAll(() => execFileSync('umount', [disk]));

  test('commits fail while the disk is full: nothing lost, one message, storing again once there is room', async () => {
    const db = path.join(disk, 'w.db');
    const log = path.join(tempDir(), 'fw.log');
    const w = new LogWriter(log);
    const watch = startWatch(db, [log]);
    await watchReady(db);
    w.write(100);
    expect(await untilStored(db, 100)).toBe(100);
    // Fill what is left of the disk.
    const filler = path.join(disk, 'filler');
    const fd = fs.openSync(filler, 'w');
    const mb = Buffer.alloc(1024 * 1024, 1);
    try {
      for (;;) fs.writeSync(fd, mb);
    } catch {
      // ENOSPC: full; the last partial megabyte too
      for (let kb = Buffer.alloc(1024, 1); ; ) {
        try {
          fs.writeSync(fd, kb);
        } catch {
          break;
        }
      }
    }
    fs.closeSync(fd);
    for (let i = 0; i < 10; i++) {
      w.write(3000); // more than the write-ahead log has room for
      await sleep(500);
    }
    expect(watch.p.exitCode).toBeNull();
    fs.unlinkSync(filler);
    w.close();
    await untilStored(db, w.seq.n, 60_000);
    expectExact(db, w.seq.n);
    const said = watch.stderr.join('');
    expect(said).toMatch(/cannot store \(.*full.*\)/);
    expect(said.match(/cannot store/g)!.length).toBeLessThanOrEqual(2);
    expect(said).toMatch(/storing again/);
    expect(await stopWatch(watch)).toBe(0);
  });
});
