/**
 * `portledger listen` as a user runs it (the built CLI, its own process, a fresh database),
 * measured from outside: messages sent and stored, what it counted as lost, and its memory
 * (RSS sampled every 200 ms, the kernel's peak VmHWM at the end).
 *
 *   node dist/bench/listen-load.js load RATE COUNT          one sender at RATE msg/s
 *   node dist/bench/listen-load.js flood SENDERS RATE COUNT SENDERS spoofed refused senders
 *                                                           (one datagram each) while a legitimate
 *                                                           sender sends COUNT at RATE msg/s
 *
 * BENCH_UDP_POOL=N: the sender cycles through N distinct lines (default 4,096; the count makes
 * every line a new source address, as a busy day of scans looks). PORTLEDGER_CLI=path/main.js
 * measures another build.
 *
 * Prints one JSON line. Needs `npm run build`; sends to 127.0.0.1 only.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

const root = path.join(__dirname, '..', '..');
// PORTLEDGER_CLI: measure another build (e.g. main's, for a before/after figure).
const CLI = process.env.PORTLEDGER_CLI ?? path.join(root, 'dist', 'src', 'cli', 'main.js');
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function statusKb(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function runNode(script: string, args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, script), ...args], { encoding: 'utf8', timeout: 600_000 }, (err, out, errOut) => {
      if (err) return reject(new Error(`${script}: ${errOut || err.message}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

export interface ListenLoadResult {
  mode: string;
  sent: number;
  /** The rate the sender really reached, msg/s. */
  senderRate: number;
  stored: number;
  lost: number;
  /** Loss the listener counted (reject_counts `dropped: …` of its own row), by reason. */
  counted: Record<string, number>;
  refusedSent?: number;
  sourcesRows: number;
  /** From the sender's end to the last change seen in the database (polled every 3 s). */
  drainSeconds: number;
  /** The kernel's receive buffer as listen reported it (twice what Linux granted). */
  recvBuffer: string;
  idleRssMb: number;
  peakRssMb: number;
  endRssMb: number;
  seconds: number;
}

export async function listenLoad(mode: 'load' | 'flood', args: number[], extra: string[] = []): Promise<ListenLoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-listen-load-'));
  const db = path.join(dir, 'l.db');
  const allow = mode === 'flood' ? ['--allow', '127.0.0.1/32'] : [];
  const p = spawn(process.execPath, [CLI, 'listen', '--udp', '127.0.0.1:0', '--db', db, '--tz', 'UTC', '--year', '2024', ...allow, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => (out.length < 4096 ? (out += d) : undefined));
  p.stderr!.on('data', (d) => (err += d));
  for (let i = 0; i < 200 && !/listening on/.test(out); i++) await delay(50);
  const m = /udp 127\.0\.0\.1:(\d+)/.exec(out);
  if (!m) throw new Error(`listen did not start: ${out} ${err}`);
  const port = m[1];
  await delay(1500);
  const idle = statusKb(p.pid!, 'VmRSS');
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, statusKb(p.pid!, 'VmRSS'))), 200);
  const t0 = Date.now();
  let sent = 0;
  let senderRate = 0;
  let refusedSent: number | undefined;
  if (mode === 'load') {
    const [rate, count] = args;
    const r = await runNode('udp-sender.js', ['127.0.0.1', port, String(rate), String(count)]);
    sent = r.sent;
    senderRate = r.rate;
  } else {
    const [senders, rate, count] = args;
    const [flood, legit] = await Promise.all([
      runNode('udp-spoof.js', [port, String(senders)]),
      delay(500).then(() => runNode('udp-sender.js', ['127.0.0.1', port, String(rate), String(count)])),
    ]);
    refusedSent = flood.sent;
    sent = legit.sent;
    senderRate = legit.rate;
  }
  // Done when nothing moves for 3 s (lines stored, drops counted, sources): the listener
  // may still be working through what it queued.
  const progress = () => {
    const d = new Database(db, { readonly: true });
    try {
      return d
        .prepare("SELECT (SELECT coalesce(sum(lines), 0) FROM sources) || '/' || (SELECT count(*) FROM sources) || '/' || (SELECT coalesce(sum(count), 0) FROM reject_counts)")
        .pluck()
        .get() as string;
    } finally {
      d.close();
    }
  };
  const sentAt = Date.now();
  let movedAt = sentAt;
  for (let last = '', now = progress(); now !== last && Date.now() - t0 < 600_000; ) {
    await delay(3000);
    last = now;
    now = progress();
    if (now !== last) movedAt = Date.now();
  }
  // Within the 3 s poll: the last change was seen at most 3 s after it happened.
  const drainSeconds = (movedAt - sentAt) / 1000;
  clearInterval(sampler);
  const endRss = statusKb(p.pid!, 'VmRSS');
  const hwm = statusKb(p.pid!, 'VmHWM');
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
  const d = new Database(db, { readonly: true });
  const counted: Record<string, number> = {};
  for (const r of d.prepare("SELECT reason, sum(count) AS n FROM reject_counts WHERE reason LIKE 'dropped: %' GROUP BY reason").all() as { reason: string; n: number }[]) counted[r.reason] = r.n;
  const sourcesRows = d.prepare('SELECT count(*) FROM sources').pluck().get() as number;
  const total = (d.prepare("SELECT coalesce(sum(lines), 0) FROM sources WHERE name LIKE 'syslog %'").pluck().get() as number) ?? 0;
  d.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    mode,
    sent,
    senderRate,
    stored: total,
    lost: sent - total,
    counted,
    refusedSent,
    sourcesRows,
    drainSeconds,
    recvBuffer: /receive buffer (\d+) bytes/.exec(err)?.[1] ?? '?',
    idleRssMb: mb(idle),
    peakRssMb: mb(Math.max(peak, hwm)),
    endRssMb: mb(endRss),
    seconds: (Date.now() - t0) / 1000,
  };
}

if (require.main === module) {
  const [mode, ...rest] = process.argv.slice(2);
  const nums = rest.filter((a) => /^\d+$/.test(a)).map(Number);
  const extra = rest.filter((a) => !/^\d+$/.test(a));
  if ((mode !== 'load' && mode !== 'flood') || nums.length < (mode === 'load' ? 2 : 3)) {
    process.stderr.write('usage: listen-load.js load RATE COUNT | flood SENDERS RATE COUNT [-- extra listen flags]\n');
    process.exit(2);
  }
  listenLoad(mode, nums, extra).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e) => {
      process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
      process.exit(1);
    },
  );
}
