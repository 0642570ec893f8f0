/**
 * `portledger watch` with real files and a real process: every rotation style while lines are
 * being appended, kill -9 and restart, graceful stop. Counts must come out exact: nothing lost,
 * nothing twice. Waits are generous (a busy CI machine); speed is measured by the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { packageRoot } from '../src/util/package-root';
import { tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let seq = 0;
function line(): string {
  seq++;
  const s = seq % 60;
  const m = Math.floor(seq / 60) % 60;
  return `Jun 14 10:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')} gw kernel: DROP IN=eth0 OUT= SRC=198.51.${Math.floor(seq / 250) % 250}.${seq % 250} DST=203.0.113.10 LEN=44 TTL=50 ID=${seq} PROTO=TCP SPT=40000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

function append(file: string, n: number): void {
  let s = '';
  for (let i = 0; i < n; i++) s += line();
  fs.appendFileSync(file, s);
}

function watch(dir: string, glob: string): ChildProcess {
  const p = spawn(process.execPath, [CLI, 'watch', path.join(dir, glob), '--db', path.join(dir, 'w.db'), '--tz', 'UTC', '--year', '2024', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  p.stderr!.on('data', (d) => process.stderr.write(`[watch] ${d}`));
  return p;
}

function events(dir: string): number {
  const file = path.join(dir, 'w.db');
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get() as { n: number }).n ? (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
}

async function until(dir: string, n: number, ms = 15_000): Promise<number> {
  const end = Date.now() + ms;
  let got = events(dir);
  while (got < n && Date.now() < end) {
    await sleep(100);
    got = events(dir);
  }
  await sleep(400); // and nothing more arrives
  return events(dir);
}

async function stop(p: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  p.kill('SIGTERM');
  return exited;
}

async function started(dir: string): Promise<void> {
  for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'w.db')); i++) await sleep(100);
  await sleep(800); // chokidar ready
}

maybe('watch', () => {
  jest.setTimeout(60_000);

  test('appended lines arrive; rename + create while appending loses and doubles nothing', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, '');
    const p = watch(dir, 'fw.log');
    await started(dir);
    append(log, 10);
    expect(await until(dir, 10)).toBe(10);
    for (let round = 0; round < 3; round++) {
      append(log, 25);
      fs.renameSync(log, `${log}.${round + 1}`);
      append(`${log}.${round + 1}`, 5); // the writer has not reopened yet
      fs.writeFileSync(log, '');
      append(log, 20);
      await sleep(300);
    }
    expect(await until(dir, 10 + 3 * 50)).toBe(160);
    expect(await stop(p)).toBe(0);
  });

  test('copytruncate with the rotated copy under the glob, and plain truncation', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, '');
    const p = watch(dir, 'fw.log*');
    await started(dir);
    append(log, 30);
    expect(await until(dir, 30)).toBe(30);
    append(log, 15); // written just before the copy: picked up from the copy if not read yet
    fs.copyFileSync(log, `${log}.1`);
    fs.truncateSync(log, 0);
    append(log, 10);
    expect(await until(dir, 55)).toBe(55);
    fs.truncateSync(log, 0);
    await sleep(500);
    append(log, 7);
    expect(await until(dir, 62)).toBe(62);
    expect(await stop(p)).toBe(0);
  });

  test('delete + recreate, new files under a glob, compressed rotations ignored', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'a.log');
    append(log, 12);
    const p = watch(dir, '*.log*');
    await started(dir);
    expect(await until(dir, 12)).toBe(12);
    fs.writeFileSync(path.join(dir, 'old.log.1.gz'), zlib.gzipSync(fs.readFileSync(log)));
    fs.unlinkSync(log);
    await sleep(300);
    append(log, 8);
    append(path.join(dir, 'b.log'), 9);
    expect(await until(dir, 29)).toBe(29);
    expect(await stop(p)).toBe(0);
  });

  test('kill -9 mid-stream, restart: exact counts', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, '');
    let p = watch(dir, 'fw.log');
    await started(dir);
    let written = 0;
    for (let i = 0; i < 20; i++) {
      append(log, 50);
      written += 50;
      await sleep(20);
    }
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
    append(log, 100); // written while nobody watches
    written += 100;
    p = watch(dir, 'fw.log');
    await started(dir);
    append(log, 50);
    written += 50;
    expect(await until(dir, written)).toBe(written);
    expect(await stop(p)).toBe(0);
  });
});
