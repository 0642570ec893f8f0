/**
 * Real-process helpers for the `watch` tests: a log writer that holds its file open the way a
 * daemon does (so rotations behave as on a real system), a numbered line per write (the
 * sequence number is recoverable from each stored event, so every line can be checked to be
 * stored exactly once), the built CLI as a child process, and the checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../src/util/package-root';

/** The built CLI; PORTLEDGER_CLI points the tests at another build (to measure an older one). */
export const CLI = process.env.PORTLEDGER_CLI ?? path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
export const haveCli = fs.existsSync(CLI);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PORTS = [22, 23, 80, 443, 445, 3389, 8080];
const SPT0 = 1024;

/**
 * Line number `seq` (1-based) of the test log: an inbound SYN whose source address and port
 * encode `seq` (decoded by `seqOf`), spread over a few ports, targets and hours of one day.
 */
export function logLine(seq: number): string {
  const t = 10 * 3600 + Math.floor(seq / 20);
  const hh = String(Math.floor(t / 3600) % 24).padStart(2, '0');
  const mm = String(Math.floor(t / 60) % 60).padStart(2, '0');
  const ss = String(t % 60).padStart(2, '0');
  const src = `198.51.100.${(seq % 250) + 1}`;
  const spt = SPT0 + Math.floor(seq / 250);
  return `Jun 14 ${hh}:${mm}:${ss} gw kernel: DROP IN=eth0 OUT= SRC=${src} DST=203.0.113.${(seq % 7) + 1} LEN=44 TTL=50 ID=${seq % 65536} PROTO=TCP SPT=${spt} DPT=${PORTS[seq % PORTS.length]} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
}

export function seqOf(src: string, sport: number): number {
  return (sport - SPT0) * 250 + (Number(src.split('.')[3]) - 1);
}

/** Sequence numbers shared by the writers of one test, so every line of the test is numbered once. */
export class Seq {
  /** Highest number handed out so far: lines 1..n were written. */
  n = 0;
  /** Every line written, in order (for a clean reference ingest). */
  readonly all: string[] = [];

  lines(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) {
      const l = logLine(++this.n);
      this.all.push(l);
      s += l;
    }
    return s;
  }
}

/** Appends numbered lines through a descriptor it keeps open, like a logging daemon. */
export class LogWriter {
  private fd: number | undefined;

  constructor(readonly file: string, readonly seq = new Seq()) {
    this.fd = fs.openSync(file, 'a');
  }

  write(n: number): void {
    if (this.fd === undefined) throw new Error(`${this.file}: writer closed`);
    const s = this.seq.lines(n);
    if (s) fs.writeSync(this.fd, s);
  }

  /** (Closes and) opens the path again, creating it: what a daemon does on SIGHUP after a rename. */
  reopen(): void {
    this.close();
    this.fd = fs.openSync(this.file, 'a');
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

const pumps = new Set<Pump>();

/** Writes `rate` lines per second in small steps until stopped (and while not paused). */
export class Pump {
  private running = true;
  paused = false;
  private done: Promise<void>;

  constructor(private readonly w: LogWriter, rate: number) {
    pumps.add(this);
    this.done = (async () => {
      let last = Date.now();
      let owed = 0;
      while (this.running) {
        await sleep(2);
        const now = Date.now();
        owed += ((now - last) * rate) / 1000;
        last = now;
        if (this.paused) {
          owed = 0;
          continue;
        }
        const n = Math.floor(owed);
        owed -= n;
        if (n > 0) this.w.write(n);
      }
    })();
  }

  stop(): Promise<void> {
    this.running = false;
    return this.done;
  }
}

export interface WatchProcess {
  p: ChildProcess;
  stderr: string[];
}

const started = new Set<ChildProcess>();

/** Kills (-9) every process a test started and left running, e.g. after a failed assertion. */
export async function killStarted(): Promise<void> {
  for (const p of pumps) await p.stop();
  pumps.clear();
  for (const p of started) {
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    }
  }
  started.clear();
}

export function startWatch(db: string, paths: string[], extra: string[] = []): WatchProcess {
  const p = spawn(process.execPath, [CLI, 'watch', ...paths, '--db', db, '--tz', 'UTC', '--year', '2024', '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(p);
  const stderr: string[] = [];
  p.stderr!.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (process.env.WATCH_DEBUG) process.stderr.write(`[watch ${p.pid}] ${d}`);
  });
  return { p, stderr };
}

export function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(p);
  let stderr = '';
  p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => p.once('exit', (code) => r({ code, stderr })));
}

export async function stopWatch(w: WatchProcess): Promise<number | null> {
  if (w.p.exitCode !== null) return w.p.exitCode;
  const exited = new Promise<number | null>((r) => w.p.once('exit', (code) => r(code)));
  w.p.kill('SIGTERM');
  return exited;
}

export async function killWatch(w: WatchProcess): Promise<void> {
  if (w.p.exitCode !== null || w.p.signalCode !== null) return;
  const exited = new Promise((r) => w.p.once('exit', r));
  w.p.kill('SIGKILL');
  await exited;
}

/** Waits until the database exists and chokidar has had time to get ready. */
export async function watchReady(db: string): Promise<void> {
  for (let i = 0; i < 150 && !fs.existsSync(db); i++) await sleep(100);
  await sleep(1000);
}

function withDb<T>(file: string, fn: (db: Database.Database) => T, fallback: T): T {
  if (!fs.existsSync(file)) return fallback;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'").get()) return fallback;
    return fn(db);
  } finally {
    db.close();
  }
}

export function eventCount(file: string): number {
  return withDb(file, (db) => db.prepare('SELECT count(*) FROM events').pluck().get() as number, 0);
}

/** Waits until `n` events are stored (or `ms` passed), then a moment more to see nothing else arrives. */
export async function untilStored(file: string, n: number, ms = 20_000): Promise<number> {
  const end = Date.now() + ms;
  while (eventCount(file) < n && Date.now() < end) await sleep(100);
  await sleep(600);
  return eventCount(file);
}

export interface Exactness {
  stored: number;
  missing: number[];
  doubled: number[];
  unknown: number;
}

/** Which of the lines 1..`written` are not stored, or stored more than once. */
export function exactness(file: string, written: number): Exactness {
  const seen = new Uint16Array(written + 1);
  let stored = 0;
  let unknown = 0;
  withDb(file, (db) => {
    for (const r of db.prepare('SELECT src, sport FROM events').iterate() as Iterable<{ src: string; sport: number }>) {
      stored++;
      const s = seqOf(r.src, r.sport);
      if (s >= 1 && s <= written) seen[s]++;
      else unknown++;
    }
  }, undefined);
  const missing: number[] = [];
  const doubled: number[] = [];
  for (let s = 1; s <= written; s++) {
    if (seen[s] === 0) missing.push(s);
    else if (seen[s] > 1) doubled.push(s);
  }
  return { stored, missing, doubled, unknown };
}

/** A short, readable form of an exactness result for assertion messages. */
export function summary(e: Exactness): { stored: number; missing: number; doubled: number; unknown: number; firstMissing?: number; firstDoubled?: number } {
  return { stored: e.stored, missing: e.missing.length, doubled: e.doubled.length, unknown: e.unknown, firstMissing: e.missing[0], firstDoubled: e.doubled[0] };
}

export function dbPath(dir: string): string {
  return path.join(dir, 'w.db');
}
