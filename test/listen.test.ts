/**
 * `portledger listen` as a process on 127.0.0.1 (ephemeral ports): UDP and TCP in both framings
 * into the database, senders outside the allowlist and oversize messages dropped and counted,
 * a worm alert written while the burst happens, a clean stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../src/util/package-root';
import { inboundLine, outboundLine, tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Listener {
  p: ChildProcess;
  udp: number;
  tcp: number;
  db: string;
  dir: string;
}

async function listen(extra: string[] = []): Promise<Listener> {
  const dir = tempDir();
  const db = path.join(dir, 'l.db');
  const p = spawn(process.execPath, [CLI, 'listen', '--udp', '127.0.0.1:0', '--tcp', '127.0.0.1:0', '--db', db, '--tz', 'UTC', '--year', '2024', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => process.stderr.write(`[listen] ${d}`));
  for (let i = 0; i < 100 && !/listening on/.test(out); i++) await sleep(100);
  const m = /udp 127\.0\.0\.1:(\d+), tcp 127\.0\.0\.1:(\d+)/.exec(out);
  if (!m) throw new Error(`listen did not start: ${out}`);
  return { p, udp: +m[1], tcp: +m[2], db, dir };
}

function query<T>(l: Listener, sql: string): T {
  const d = new Database(l.db, { readonly: true });
  try {
    return d.prepare(sql).get() as T;
  } finally {
    d.close();
  }
}

const events = (l: Listener) => query<{ n: number }>(l, 'SELECT count(*) AS n FROM events').n;

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(50);
}

function sendUdp(port: number, messages: string[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = messages.length;
    for (const m of messages) s.send(Buffer.from(m), port, '127.0.0.1', (e) => (e ? reject(e) : --left === 0 && (s.close(), resolve())));
  });
}

function sendTcp(port: number, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.end(payload));
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}

async function stop(l: Listener): Promise<number | null> {
  const exited = new Promise<number | null>((r) => l.p.once('exit', (code) => r(code)));
  l.p.kill('SIGTERM');
  return exited;
}

maybe('listen', () => {
  jest.setTimeout(60_000);

  test('UDP, TCP with LF and octet-counted framing, RFC 3164 and 5424, into the database', async () => {
    const l = await listen();
    const a = inboundLine('Jun 14 10:00:00', '198.51.100.1', 23);
    const b = inboundLine('Jun 14 10:00:01', '198.51.100.2', 445);
    await sendUdp(l.udp, [`<4>${a}`, `<4>${b}`]);
    const c5424 = '<134>1 2024-06-14T10:00:02Z gw kernel - - - DROP IN=eth0 OUT= SRC=198.51.100.3 DST=203.0.113.10 LEN=44 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0';
    await sendTcp(l.tcp, `<4>${inboundLine('Jun 14 10:00:03', '198.51.100.4', 23)}\n${c5424}\n`);
    const framed = [inboundLine('Jun 14 10:00:04', '198.51.100.5', 3389), inboundLine('Jun 14 10:00:05', '198.51.100.6', 3389)].map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    await sendTcp(l.tcp, framed);
    await until(() => events(l) === 6);
    expect(events(l)).toBe(6);
    expect(query<{ n: number }>(l, "SELECT count(*) AS n FROM sources WHERE name LIKE 'syslog tcp 127.0.0.1'").n).toBe(1);
    expect(await stop(l)).toBe(0);
  });

  test('senders outside --allow and oversize messages are dropped and counted', async () => {
    const l = await listen(['--allow', '10.0.0.0/8']);
    await sendUdp(l.udp, [inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)]);
    await sendTcp(l.tcp, inboundLine('Jun 14 10:00:00', '198.51.100.1', 23) + '\n').catch(() => undefined);
    await sleep(800);
    expect(await stop(l)).toBe(0);
    expect(events(l)).toBe(0);
    const dropped = query<{ n: number }>(l, "SELECT sum(count) AS n FROM reject_counts WHERE reason = 'dropped: not allowed'").n;
    expect(dropped).toBeGreaterThanOrEqual(2);

    const m = await listen(['--max-message', '256']);
    await sendUdp(m.udp, ['<4>' + 'x'.repeat(1000), inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)]);
    await sendTcp(m.tcp, 'y'.repeat(1000) + '\n' + inboundLine('Jun 14 10:00:01', '198.51.100.2', 23) + '\n');
    await until(() => events(m) === 2);
    expect(await stop(m)).toBe(0);
    expect(events(m)).toBe(2);
    expect(query<{ n: number }>(m, "SELECT sum(count) AS n FROM reject_counts WHERE reason = 'dropped: oversize'").n).toBe(2);
  });

  test('a worm burst raises its alert while it happens (JSON Lines file)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'alerts.jsonl');
    const l = await listen(['--alerts-file', file]);
    const burst = Array.from({ length: 30 }, (_, i) => '<4>' + outboundLine(`Jun 14 14:00:${String(i).padStart(2, '0')}`, '192.168.1.50', `203.0.113.${i + 20}`, 445));
    await sendUdp(l.udp, burst);
    await until(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('"worm"'));
    const doc = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n')[0]);
    // Published after the batch that crossed the threshold is committed: it counts the whole batch.
    expect(doc).toMatchObject({ status: 'opened', kind: 'worm', host: '192.168.1.50', port: 445, threshold: 25 });
    expect(doc.destinations).toBeGreaterThanOrEqual(25);
    expect(await stop(l)).toBe(0);
  });
});
