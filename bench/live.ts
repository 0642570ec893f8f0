/**
 * Live figures for `npm run bench`: syslog over UDP into the store (the highest rate at which
 * every message sent is stored), and how long an appended line takes to reach the database
 * under `watch`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDb } from '../src/store/db';
import { LivePipeline } from '../src/pipeline/live';
import { SyslogIntake } from '../src/pipeline/syslog-intake';
import { FileWatch } from '../src/pipeline/watch-files';
import { udpThroughput } from './udp-throughput';

function freshDb(file: string) {
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  return openDb(file);
}

export async function udpStored(dir: string, rates = [10_000, 20_000, 40_000, 60_000]): Promise<string> {
  const db = freshDb(path.join(dir, 'udp.db'));
  const live = new LivePipeline(db, { tz: 'UTC' });
  const intake = new SyslogIntake();
  intake.attach(live, db);
  const stored = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const lines: string[] = [];
  let best = 0;
  const r = await udpThroughput({
    rates,
    count: 100_000,
    onMessage: (text, sender) => intake.message(text, sender),
    afterStep: () => intake.flush(),
    log: () => undefined,
  });
  let cumulative = 0;
  for (const s of r.steps) {
    cumulative += s.received;
    lines.push(`| ${s.rate.toLocaleString('en-US')} msg/s | ${s.sent.toLocaleString('en-US')} | ${s.received.toLocaleString('en-US')} | ${s.lost} | ${Math.round(s.senderRate).toLocaleString('en-US')} |`);
    if (s.lost === 0) best = s.rate;
  }
  await intake.stop();
  const n = stored();
  live.close();
  db.close();
  return [
    `syslog over UDP into the store (${r.count.toLocaleString('en-US')} netfilter messages per step, receive buffer ${r.recvBufferSize} bytes):`,
    '',
    '| target rate | sent | stored | lost | sender reached |',
    '|---:|---:|---:|---:|---:|',
    ...lines,
    '',
    `- highest rate with 0 loss: ${best.toLocaleString('en-US')} msg/s; events in the database ${n.toLocaleString('en-US')} = messages received ${cumulative.toLocaleString('en-US')}: ${n === cumulative ? 'all stored' : 'MISMATCH'}`,
  ].join('\n');
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
