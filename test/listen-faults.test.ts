/**
 * `listen` and `watch` as daemons meeting real faults: a second SQLite connection holding the
 * write lock for 8 s (longer than any busy timeout), the kernel dropping datagrams while the
 * process is stopped, the queue bound reached, TCP peers hoarding the connection table. Every
 * message is stored afterwards or counted as lost; the process never dies of it.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { inboundLine, tempDir } from './helpers/db';
import { built, listen, listenerCount, query, run, sendTcp, sendUdp, sleep, stop, storedLines, until } from './helpers/listen';

const maybe = built ? describe : describe.skip;
jest.setTimeout(120_000);

const line = (i: number) => `<4>${inboundLine(`Jun 14 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `198.51.${Math.floor(i / 250) % 250}.${1 + (i % 250)}`, 23)}`;

/** Holds the write lock from another connection, as a second writer process would. */
function holdWriteLock(db: string): { release: () => void } {
  const holder = new Database(db);
  holder.pragma('busy_timeout = 10000');
  holder.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      holder.exec('COMMIT');
      holder.close();
    },
  };
}

/** Marks one hour for the periodic recount, so it has work to do (and a lock to need). */
function markDirty(db: string): void {
  const d = new Database(db);
  d.pragma('busy_timeout = 10000');
  d.prepare('INSERT OR IGNORE INTO dirty_hour (hour, seq) VALUES (?, 1)').run(476_000 * 24);
  d.close();
}

const dirtyHours = (db: string) => query<{ n: number }>(db, 'SELECT count(*) AS n FROM dirty_hour').n;
const count = (s: string, re: RegExp) => (s.match(new RegExp(re.source, 'g')) ?? []).length;

maybe('listen when the database refuses writes', () => {
  test('a lock held 8 s while messages arrive over UDP and TCP: all stored afterwards, said once, the recount survives', async () => {
    const l = await listen();
    markDirty(l.db);
    const lock = holdWriteLock(l.db);
    let sent = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 8000) {
      await sendUdp(l.udp, [line(sent), line(sent + 1), line(sent + 2)]);
      await sendTcp(l.tcp, `${line(sent + 3)}\n${line(sent + 4)}\n`);
      sent += 5;
      await sleep(100);
    }
    expect(storedLines(l.db)).toBe(0); // nothing could be written meanwhile
    lock.release();
    expect(await until(() => storedLines(l.db) === sent, 30_000)).toBe(true);
    expect(query<{ n: number }>(l.db, 'SELECT count(*) AS n FROM events').n).toBe(sent);
    // The recount failed while the lock was held and is done once it is free.
    expect(await until(() => dirtyHours(l.db) === 0, 40_000)).toBe(true);
    // Said after the recount's commit and the rest of that tick (the saves it may do), through a pipe.
    expect(await until(() => count(l.err(), /rollup recount done again/) > 0, 10_000)).toBe(true);
    expect(l.p.exitCode).toBeNull();
    const err = l.err();
    expect(count(err, /cannot store for now \(database busy/)).toBe(1);
    expect(count(err, /storing again after [\d.]+ s \(database busy\); \d+ messages waited and are stored/)).toBe(1);
    expect(count(err, /rollup recount postponed \(database busy/)).toBe(1);
    expect(count(err, /rollup recount done again/)).toBe(1);
    expect(await stop(l)).toBe(0);
    const shown = run(['sources', '--db', l.db, '--format', 'json']);
    expect(await shown.exit).toBe(0);
    const listener = (JSON.parse(shown.out()).rows as { source: string; warning: string }[]).find((r) => r.source === 'syslog listener');
    expect(listener?.warning).toMatch(/^storing waited \(database busy\): [\d,]+ messages stored late$/);
  });

  test('beyond --max-queue, messages are dropped and counted "store behind": stored + counted = sent', async () => {
    const l = await listen(['--max-queue', '1']);
    const lock = holdWriteLock(l.db);
    const total = 8000;
    for (let i = 0; i < total; i += 100) {
      await sendUdp(l.udp, Array.from({ length: 100 }, (_, k) => line(i + k)));
      await sleep(20);
    }
    await sleep(1500);
    lock.release();
    const accounted = () => storedLines(l.db) + listenerCount(l.db, 'dropped: store behind') + listenerCount(l.db, 'dropped: udp receive buffer');
    expect(await until(() => accounted() === total, 30_000)).toBe(true);
    expect(await stop(l)).toBe(0);
    const behind = listenerCount(l.db, 'dropped: store behind');
    expect(behind).toBeGreaterThan(0);
    // 1 MiB of text: about 4,000 of these lines waited; none of them was lost.
    expect(storedLines(l.db)).toBeGreaterThan(3000);
    expect(storedLines(l.db) + behind + listenerCount(l.db, 'dropped: udp receive buffer')).toBe(total);
  });
});

maybe('listen counts what the kernel drops', () => {
  test('a stopped process and a tiny receive buffer: counted drops = sent - stored, shown in sources', async () => {
    const l = await listen(['--recv-buffer', '4096']);
    const total = 3000;
    l.p.kill('SIGSTOP'); // nothing reads the socket: the kernel buffer overflows
    try {
      for (let i = 0; i < total; i += 100) await sendUdp(l.udp, Array.from({ length: 100 }, (_, k) => line(i + k)));
    } finally {
      l.p.kill('SIGCONT');
    }
    const drops = () => listenerCount(l.db, 'dropped: udp receive buffer');
    expect(await until(() => storedLines(l.db) + drops() === total, 20_000)).toBe(true);
    expect(await stop(l)).toBe(0);
    expect(drops()).toBeGreaterThan(0);
    expect(storedLines(l.db) + drops()).toBe(total);
    const shown = run(['sources', '--db', l.db, '--format', 'json']);
    expect(await shown.exit).toBe(0);
    const listener = (JSON.parse(shown.out()).rows as { source: string; dropped: string }[]).find((r) => r.source === 'syslog listener');
    expect(listener?.dropped).toBe(`${drops().toLocaleString('en-US')} (udp receive buffer ${drops().toLocaleString('en-US')})`);
  });
});

maybe('listen under TCP peers that hoard connections', () => {
  test('64 connections trickling a byte a second from 8 addresses: a legitimate sender still gets in', async () => {
    const l = await listen();
    const slow: net.Socket[] = [];
    const timer = setInterval(() => slow.forEach((s) => !s.destroyed && s.write('x')), 1000);
    try {
      for (let i = 0; i < 64; i++) {
        const s = net.connect({ host: '127.0.0.1', port: l.tcp, localAddress: `127.0.0.${2 + (i % 8)}` });
        s.on('error', () => undefined);
        slow.push(s);
      }
      await sleep(2000);
      await sendTcp(l.tcp, `${line(1)}\n`);
      expect(await until(() => storedLines(l.db) === 1, 10_000)).toBe(true);
    } finally {
      clearInterval(timer);
      slow.forEach((s) => s.destroy());
    }
    expect(await stop(l)).toBe(0);
    // The evicted trickler's partial message is counted against its (allowed) sender.
    expect(query<{ n: number }>(l.db, "SELECT coalesce(sum(count), 0) AS n FROM reject_counts WHERE reason = 'dropped: evicted'").n).toBeGreaterThanOrEqual(1);
  });
});

maybe('watch when the database refuses writes', () => {
  test('the recount fails while a lock is held 12 s: watch keeps running and recounts afterwards', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.db');
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, line(0).slice(3) + '\n');
    const w = run(['watch', log, '--db', db, '--tz', 'UTC', '--year', '2024']);
    expect(await until(() => fs.existsSync(db) && query<{ n: number }>(db, 'SELECT count(*) AS n FROM events').n === 1, 15_000)).toBe(true);
    markDirty(db);
    // watch waits 5 s for a lock (its busy timeout) every 5 s: 12 s make one attempt fail surely.
    const lock = holdWriteLock(db);
    await sleep(12_000);
    lock.release();
    expect(await until(() => dirtyHours(db) === 0, 40_000)).toBe(true);
    expect(w.p.exitCode).toBeNull();
    expect(w.err()).toMatch(/rollup recount postponed \(database busy/);
    fs.appendFileSync(log, line(1).slice(3) + '\n');
    expect(await until(() => query<{ n: number }>(db, 'SELECT count(*) AS n FROM events').n === 2, 15_000)).toBe(true);
    expect(await stop(w)).toBe(0);
  });
});
