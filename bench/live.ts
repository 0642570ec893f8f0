/**
 * Live figures for `npm run bench`: syslog over UDP into the store (sent, stored, lost at each
 * rate), and how long an appended line takes to reach the database under `watch`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../src/store/db';
import os from 'node:os';
import { LivePipeline } from '../src/pipeline/live';
import { FileWatch } from '../src/pipeline/watch-files';
import { listenLoad } from './listen-load';

function freshDb(file: string) {
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  return openDb(file);
}

/**
 * `portledger listen` as a user runs it (the built CLI, its own process, a fresh database each
 * rate; bench/listen-load.ts): a sender process sends for 5 seconds at each rate; the stored
 * count is read from the database once listen has drained and exited. `drained` is how long
 * after the sender's end the last message was stored (the queue absorbing what the store could
 * not take at once). BENCH_UDP_RATES=20000,50000,… sets the rates, BENCH_UDP_SECONDS the length.
 */
export async function udpStored(rates = envRates() ?? [20_000, 50_000, 100_000, 150_000]): Promise<string> {
  const seconds = Number(process.env.BENCH_UDP_SECONDS ?? 5);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines: string[] = [];
  let best = 0;
  let buffer = '?';
  for (const rate of rates) {
    const r = await listenLoad('load', [rate, rate * seconds]);
    buffer = r.recvBuffer;
    const counted = Object.entries(r.counted).map(([k, v]) => `${k.replace(/^dropped: /, '')} ${fmt(v)}`).join(', ') || '—';
    lines.push(`| ${fmt(rate)} msg/s | ${fmt(r.sent)} | ${fmt(r.senderRate)} | ${fmt(r.stored)} | ${fmt(r.lost)} | ${counted} | ${r.drainSeconds.toFixed(0)} s | ${r.peakRssMb} MB |`);
    if (r.lost === 0 && r.sent > 0) best = Math.max(best, r.senderRate);
  }
  return [
    `\`listen\` (the built CLI), syslog over UDP into the store, ${seconds} s of sending per rate, fresh database each; receive buffer ${buffer} bytes as reported; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}:`,
    '',
    '| target rate | sent | sender reached | stored | lost | counted by listen | drained after | peak RSS |',
    '|---:|---:|---:|---:|---:|---|---:|---:|',
    ...lines,
    '',
    `- highest rate the sender reached with 0 loss: ${fmt(best)} msg/s; stored = lines of the syslog sources in the database after listen exited; lost = sent − stored`,
  ].join('\n');
}

function envRates(): number[] | undefined {
  const v = process.env.BENCH_UDP_RATES;
  return v ? v.split(',').map(Number).filter((n) => n > 0) : undefined;
}

export async function watchLatency(dir: string, samples = 20): Promise<string> {
  const db = freshDb(path.join(dir, 'watch.db'));
  const log = path.join(dir, 'watch.log');
  fs.writeFileSync(log, '');
  const live = new LivePipeline(db, { tz: 'UTC' });
  const w = new FileWatch([log], live);
  await w.start();
  const count = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = count();
    const t0 = Date.now();
    fs.appendFileSync(log, `Jun 14 10:00:${String(i % 60).padStart(2, '0')} gw kernel: DROP IN=eth0 OUT= SRC=198.51.100.${i + 1} DST=203.0.113.10 LEN=44 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n`);
    while (count() === before && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    times.push(Date.now() - t0);
    await new Promise((r) => setTimeout(r, 50));
  }
  await w.stop();
  live.close();
  db.close();
  times.sort((a, b) => a - b);
  return `- watch: an appended line is in the database after ${times[Math.floor(samples / 2)]} ms (median of ${samples}), ${times[samples - 1]} ms at most`;
}
