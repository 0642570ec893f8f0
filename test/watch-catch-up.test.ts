/**
 * `watch` started on a large existing file says how far its catch-up is instead of staying
 * silent: the built CLI, a real file of several MB, stderr as a user or a journal sees it
 * without a terminal. No timing is asserted: the lines are waited for generously, and the
 * progress lines in between (every few seconds, as many as the machine's speed gives) are
 * checked only for what they say.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, eventCount, haveCli, Seq, sleep } from './helpers/live-log';
import { tempDir } from './helpers/db';

const maybe = haveCli ? describe : describe.skip;

interface Run {
  p: ChildProcess;
  err: () => string;
  out: () => string;
}

const running = new Set<ChildProcess>();

function watch(db: string, file: string): Run {
  const p = spawn(process.execPath, [CLI, 'watch', file, '--db', db, '--tz', 'UTC', '--year', '2024'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(p);
  let err = '';
  let out = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return { p, err: () => err, out: () => out };
}

async function until(what: () => boolean, ms = 120_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await sleep(200);
  return what();
}

async function stop(r: Run): Promise<number | null> {
  if (r.p.exitCode !== null) return r.p.exitCode;
  const exited = new Promise<number | null>((res) => r.p.once('exit', (code) => res(code)));
  r.p.kill('SIGTERM');
  const code = await exited;
  running.delete(r.p);
  return code;
}

const MB = (s: string) => Number(s);

/** `portledger: catching up: 12.3 of 16.1 MB read (76 %), 78,000 lines, 3.5 MB/s — /path`. */
const PROGRESS = /^portledger: catching up: (\d+\.\d) of (\d+\.\d) MB read \((\d+) %\), ([\d,]+) lines(?:, (\d+\.\d) MB\/s)? — (.+)$/;

maybe('watch catching up with a large existing file', () => {
  afterAll(async () => {
    for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
  });

  test('says where it starts, how far it is, and when it follows live; again from the stored position after a restart', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'kern.log');
    const db = path.join(dir, 'w.db');
    const seq = new Seq();
    for (let i = 0; i < 10; i++) fs.appendFileSync(file, seq.lines(10_000));
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(10e6);

    const first = watch(db, file);
    try {
      expect(await until(() => /caught up with/.test(first.err()))).toBe(true);
      const lines = first.err().trim().split('\n');
      const progress = lines.filter((l) => PROGRESS.test(l)).map((l) => PROGRESS.exec(l)!);
      // The first line comes as reading begins, before anything is read.
      expect(lines[0]).toBe(`portledger: catching up: 0.0 of ${(size / 1e6).toFixed(1)} MB read (0 %), 0 lines — ${file}`);
      // Every later one (one every few seconds, however many the machine's speed gives) is further on.
      for (let i = 1; i < progress.length; i++) {
        expect(MB(progress[i][1])).toBeGreaterThanOrEqual(MB(progress[i - 1][1]));
        expect(MB(progress[i][1])).toBeLessThanOrEqual(MB(progress[i][2]));
        expect(progress[i][6]).toBe(file);
      }
      expect(lines.find((l) => l.includes('caught up with'))).toMatch(
        new RegExp(`^portledger: caught up with ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 100,000 lines \\(${(size / 1e6).toFixed(1)} MB\\) in \\d+\\.\\d s; following it live$`),
      );
      expect(first.out()).toContain(`following ${file}`);
      expect(await until(() => eventCount(db) === 100_000, 30_000)).toBe(true);
      // Following live now: a small append is no catch-up.
      fs.appendFileSync(file, seq.lines(10));
      expect(await until(() => eventCount(db) === 100_010, 30_000)).toBe(true);
      expect(first.err().match(/catching up/g)!.length).toBe(progress.length);
    } finally {
      expect(await stop(first)).toBe(0);
    }

    // Restarted after the file grew by a few MB: the catch-up starts at the stored position.
    const stored = fs.statSync(file).size;
    for (let i = 0; i < 2; i++) fs.appendFileSync(file, seq.lines(10_000));
    const before = fs.statSync(file).size;
    const again = watch(db, file);
    try {
      expect(await until(() => /caught up with/.test(again.err()))).toBe(true);
      const pct = Math.floor((100 * stored) / before);
      expect(again.err().split('\n')[0]).toBe(`portledger: catching up: ${(stored / 1e6).toFixed(1)} of ${(before / 1e6).toFixed(1)} MB read (${pct} %), 100,010 lines — ${file}`);
      expect(again.err()).toMatch(/caught up with .*: 20,000 lines \(\d+\.\d MB\)/);
      expect(await until(() => eventCount(db) === 120_010, 30_000)).toBe(true);
    } finally {
      expect(await stop(again)).toBe(0);
    }

    // Nothing unread: no catch-up at all.
    const idle = watch(db, file);
    try {
      expect(await until(() => idle.out().includes('following'), 60_000)).toBe(true);
      await sleep(4000); // longer than the progress interval
      expect(idle.err()).not.toMatch(/catching up|caught up/);
    } finally {
      expect(await stop(idle)).toBe(0);
    }
  }, 400_000);
});
