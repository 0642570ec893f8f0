/**
 * The live dashboard under load: `listen` stores syslog sent over UDP at a steady rate while 20
 * pages hold the live stream open, with the dashboard as its own process beside `listen`
 * (default) or inside it (`--in-process`, listen --serve).
 *
 *   node dist/bench/serve-live.js [--rate 20000] [--count 200000] [--clients 20] [--in-process | --both]
 *
 * `listen` alone runs first, as the reference of the same minute on the same machine. Prints: messages sent and events stored (loss), updates received per client, and the latency
 * from sending a marker message to the first update, on every client, whose `lastId` covers the
 * marker's stored event (one marker a second, from 203.0.113.0/24, between the load). Events
 * are counted once listen has stored everything it queued (no change for 3 s) and exited. Uses a
 * fresh database in a temporary folder; the sender is bench/udp-sender.js in its own process.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { packageRoot } from '../src/util/package-root';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const SENDER = path.join(packageRoot(), 'dist', 'bench', 'udp-sender.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function opt(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

function freePort(kind: 'udp' | 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const s = dgram.createSocket('udp4');
    return new Promise((r) => s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    }));
  }
  return import('node:net').then((net) => new Promise<number>((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  }));
}

function child(args: string[], label: string): ChildProcess {
  const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stderr!.on('data', (d) => process.stderr.write(`[${label}] ${d}`));
  return p;
}

async function waitFor(url: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer`);
}

/** One page's live stream: the arrival time of each update's lastId. */
function client(url: string, seen: { at: number; lastId: number }[], signal: AbortSignal): Promise<void> {
  return fetch(url, { signal }).then(async (r) => {
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!msg.includes('event: update')) continue;
        const at = performance.now();
        const data = /^data: (.*)$/m.exec(msg)?.[1];
        if (data) seen.push({ at, lastId: (JSON.parse(data) as { lastId: number }).lastId });
      }
    }
  }).catch((e: Error) => {
    if (e.name !== 'AbortError') throw e;
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
}

type Mode = 'listen alone' | 'serve beside listen' | 'in-process (listen --serve)';

async function run(mode: Mode, rate: number, count: number, clients: number): Promise<void> {
  const inProcess = mode === 'in-process (listen --serve)';
  const alone = mode === 'listen alone';
  if (alone) clients = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-live-'));
  const db = path.join(dir, 'live.db');
  const udp = await freePort('udp');
  const http = await freePort('tcp');
  const procs: ChildProcess[] = [];
  const listenArgs = ['listen', '--udp', `127.0.0.1:${udp}`, '--db', db, '--tz', 'UTC', '--year', '2024', '--quiet'];
  procs.push(child(inProcess ? [...listenArgs, '--serve', `127.0.0.1:${http}`] : listenArgs, 'listen'));
  const base = `http://127.0.0.1:${http}`;
  try {
    if (alone) {
      for (let i = 0; i < 100 && !fs.existsSync(db); i++) await sleep(100);
      await sleep(1000);
    } else if (!inProcess) {
      // serve needs the database listen creates.
      for (let i = 0; i < 100 && !fs.existsSync(db); i++) await sleep(100);
      await sleep(500);
      procs.push(child(['serve', '--db', db, '--listen', `127.0.0.1:${http}`], 'serve'));
    }
    if (!alone) await waitFor(`${base}/api/session`);
    const ac = new AbortController();
    const seen: { at: number; lastId: number }[][] = Array.from({ length: clients }, () => []);
    const streams = seen.map((s) => client(`${base}/api/live`, s, ac.signal));
    await sleep(1500);

    // Markers: one a second, from an address the load never uses, found in the store by address.
    const sock = dgram.createSocket('udp4');
    const markers: { ip: string; sentAt: number; floor: number; id?: number; storedAt?: number }[] = [];
    const ro = () => new Database(db, { readonly: true, fileMustExist: true });
    const reader = ro();
    const findMarker = reader.prepare('SELECT id FROM events WHERE id > ? AND src = ? LIMIT 1').pluck();
    const maxId = reader.prepare('SELECT coalesce(max(id), 0) FROM events').pluck();
    const sender = new Promise<{ sent: number; rate: number; seconds: number }>((resolve, reject) =>
      execFile(process.execPath, [SENDER, '127.0.0.1', String(udp), String(rate), String(count)], { encoding: 'utf8', timeout: 600_000 }, (e, out, err) =>
        e ? reject(new Error(err || e.message)) : resolve(JSON.parse(out.trim().split('\n').pop()!))));
    const started = performance.now();
    let senderDone = false;
    void sender.then(() => (senderDone = true), () => (senderDone = true));
    let n = 0;
    // Looks for the markers not found yet until `until`, noting when each was stored.
    const lookForMarkers = async (until: number) => {
      while (performance.now() < until) {
        for (const m of markers) {
          if (m.id !== undefined) continue;
          const id = findMarker.get(m.floor, m.ip) as number | undefined;
          if (id !== undefined) {
            m.id = id;
            m.storedAt = performance.now();
          }
        }
        await sleep(20);
      }
    };
    while (!senderDone && performance.now() - started < 600_000) {
      const ip = `203.0.113.${1 + (n % 250)}`;
      const stamp = 'Jun 10 12:00:00';
      const line = `<4>${stamp} RT-AX86U kernel: DROP IN=eth0 OUT= SRC=${ip} DST=198.51.100.7 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=${n} PROTO=TCP SPT=40000 DPT=7 WINDOW=1024 RES=0x00 SYN URGP=0`;
      // The marker's event will have an id above everything stored now: the search reads only the rows after it.
      markers.push({ ip, sentAt: performance.now(), floor: maxId.get() as number });
      sock.send(line, udp, '127.0.0.1');
      n++;
      await lookForMarkers(performance.now() + 1000);
    }
    const sent = await sender;
    // listen may still be storing what its queue absorbed: done when the count has not moved for
    // 3 s (the markers keep being looked for meanwhile, so their latency includes the wait).
    const eventCount = reader.prepare('SELECT count(*) FROM events').pluck();
    const sentAt = performance.now();
    let drainedAt = sentAt;
    for (let last = -1, now = eventCount.get() as number; now !== last && performance.now() - sentAt < 300_000; ) {
      await lookForMarkers(performance.now() + 3000);
      last = now;
      now = eventCount.get() as number;
      if (now !== last) drainedAt = performance.now();
    }
    for (const m of markers) if (m.id === undefined) m.id = findMarker.get(m.floor, m.ip) as number | undefined;
    reader.close();
    sock.close();
    ac.abort();
    await Promise.all(streams);
    // The exact count: listen stopped (it stores what it still holds, and its drop counts, first).
    const listen = procs[0];
    const exited = new Promise((r) => listen.once('exit', r));
    listen.kill('SIGTERM');
    await Promise.race([exited, sleep(120_000)]);
    const after = ro();
    const stored = after.prepare('SELECT count(*) FROM events').pluck().get() as number;
    const counted = after.prepare("SELECT reason, sum(count) AS n FROM reject_counts WHERE reason LIKE 'dropped: %' GROUP BY reason").all() as { reason: string; n: number }[];
    after.close();

    const latencies: number[] = [];
    const storeLatency: number[] = [];
    let missed = 0;
    for (const m of markers) {
      if (m.id === undefined) {
        missed++;
        continue;
      }
      if (m.storedAt) storeLatency.push(m.storedAt - m.sentAt);
      for (const s of seen) {
        const u = s.find((x) => x.lastId >= m.id! && x.at >= m.sentAt);
        if (u) latencies.push(u.at - m.sentAt);
        else missed++;
      }
    }
    const line = (l: string) => process.stdout.write(l + '\n');
    line(`${mode}: ${clients} live clients, UDP ${rate.toLocaleString('en-US')} msg/s target; ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const drops = counted.map((c) => `${c.reason.replace(/^dropped: /, '')} ${c.n.toLocaleString('en-US')}`).join(', ') || 'none';
    line(`- sent ${sent.sent.toLocaleString('en-US')} + ${markers.length} markers at ${sent.rate.toLocaleString('en-US')} msg/s; stored ${stored.toLocaleString('en-US')} events (${(sent.sent + markers.length - stored).toLocaleString('en-US')} lost; counted by listen: ${drops}), the last ${((drainedAt - sentAt) / 1000).toFixed(0)} s after the sender's end`);
    line(`- marker sent → stored: median ${pct(storeLatency, 0.5).toFixed(0)} ms, p95 ${pct(storeLatency, 0.95).toFixed(0)} ms`);
    if (!alone) {
      line(`- updates per client: ${Math.min(...seen.map((s) => s.length))}–${Math.max(...seen.map((s) => s.length))}`);
      line(`- marker sent → on every page: median ${pct(latencies, 0.5).toFixed(0)} ms, p95 ${pct(latencies, 0.95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms over ${latencies.length} (marker, page) pairs; ${missed} missed`);
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await sleep(1000);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Listen alone first (the same machine, the same minute: the reference), then with the dashboard. */
async function main(): Promise<void> {
  const rate = opt('--rate', 20_000);
  const count = opt('--count', 200_000);
  const clients = opt('--clients', 20);
  const modes: Mode[] = ['listen alone', process.argv.includes('--in-process') ? 'in-process (listen --serve)' : 'serve beside listen'];
  if (process.argv.includes('--both')) modes.push('in-process (listen --serve)');
  for (const m of modes) await run(m, rate, count, clients);
}

// Exits when done: a fetch connection pool left by the live streams may hold the event loop.
main().then(() => process.exit(0), (e) => {
  process.stderr.write(`serve-live bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
