/**
 * `portledger listen` (and `watch`) as processes, the way a user or systemd runs them: the built
 * CLI, its own database, ephemeral ports on 127.0.0.1, stdout and stderr captured.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../../src/util/package-root';
import { tempDir } from './db';

export const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
export const built = fs.existsSync(CLI);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Proc {
  p: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

// A test that fails half-way must not leave a daemon running (Jest would wait for it forever).
afterEach(() => {
  for (const p of running) p.kill('SIGKILL');
  running.clear();
});

/** Runs the CLI with `args`; output is collected, not echoed. Killed after the test if still running. */
export function run(args: string[], opts: SpawnOptions = {}): Proc {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(p);
  p.once('exit', () => running.delete(p));
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return { p, out: () => out, err: () => err, exit };
}

/** Resolves with the exit code, or null if the process is still running after `ms` (it is then killed). */
export async function exitWithin(x: Proc, ms: number): Promise<number | null> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<'running'>((r) => (t = setTimeout(() => r('running'), ms)));
  const r = await Promise.race([x.exit, timer]);
  clearTimeout(t);
  if (r === 'running') {
    x.p.kill('SIGKILL');
    await x.exit;
    return null;
  }
  return r;
}

export interface Listener extends Proc {
  udp: number;
  tcp: number;
  db: string;
  dir: string;
}

export async function listen(extra: string[] = [], dir = tempDir()): Promise<Listener> {
  const db = path.join(dir, 'l.db');
  const x = run(['listen', '--udp', '127.0.0.1:0', '--tcp', '127.0.0.1:0', '--db', db, '--tz', 'UTC', '--year', '2024', ...extra]);
  for (let i = 0; i < 200 && !/listening on/.test(x.out()); i++) await sleep(50);
  const m = /udp 127\.0\.0\.1:(\d+), tcp 127\.0\.0\.1:(\d+)/.exec(x.out());
  if (!m) {
    x.p.kill('SIGKILL');
    throw new Error(`listen did not start: ${x.out()} ${x.err()}`);
  }
  return { ...x, udp: +m[1], tcp: +m[2], db, dir };
}

export function query<T>(file: string, sql: string, ...params: unknown[]): T {
  const d = new Database(file, { readonly: true });
  try {
    d.pragma('busy_timeout = 5000');
    return d.prepare(sql).get(...params) as T;
  } finally {
    d.close();
  }
}

/** Messages stored from syslog senders (lines of their sources; each becomes an event, skip or reject). */
export const storedLines = (db: string) => query<{ n: number }>(db, "SELECT coalesce(sum(lines), 0) AS n FROM sources WHERE name LIKE 'syslog udp %' OR name LIKE 'syslog tcp %'").n;

/** The listener's own count for `reason` (`dropped: not allowed`, …). */
export const listenerCount = (db: string, reason: string) =>
  query<{ n: number }>(db, "SELECT coalesce(sum(count), 0) AS n FROM reject_counts WHERE reason = ? AND source_id IN (SELECT id FROM sources WHERE name = 'syslog listener')", reason).n;

/** Waits for `cond` (an exception, e.g. a database not created yet, counts as false). */
export async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  const ok = () => {
    try {
      return cond();
    } catch {
      return false;
    }
  };
  while (!ok() && Date.now() < end) await sleep(50);
  return ok();
}

export function sendUdp(port: number, messages: string[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = messages.length;
    for (const m of messages) s.send(Buffer.from(m), port, '127.0.0.1', (e) => (e ? reject(e) : --left === 0 && (s.close(), resolve())));
  });
}

export function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.end(payload));
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}

export async function stop(l: Proc): Promise<number | null> {
  l.p.kill('SIGTERM');
  return l.exit;
}

/** VmHWM (peak) or VmRSS of a process, in MiB. */
export function memMb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
