/**
 * `listen` (the built CLI) reads its UDP socket in a thread of its own: datagrams keep being
 * received while the main thread cannot store (a second connection holds the write lock), and
 * every one is stored afterwards or counted. The thread itself is tested with real sockets in
 * syslog-server-limits.test.ts (a blocked main thread, the queue bound, close()).
 */
import dgram from 'node:dgram';
import Database from 'better-sqlite3';
import { inboundLine } from './helpers/db';
import { built, exitWithin, listen, listenerCount, run, sleep, stop, storedLines, until } from './helpers/listen';

const maybe = built ? describe : describe.skip;
jest.setTimeout(120_000);

const line = (i: number) => `<4>${inboundLine(`Jun 14 11:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `198.51.100.${1 + (i % 250)}`, 23)}`;

/** Sends `count` lines at about `perSecond`, in 10 ms steps. */
async function paced(port: number, count: number, perSecond: number): Promise<number> {
  const s = dgram.createSocket('udp4');
  const step = Math.max(1, Math.round(perSecond / 100));
  let sent = 0;
  try {
    for (let i = 0; i < count; i += step) {
      const n = Math.min(step, count - i);
      await Promise.all(Array.from({ length: n }, (_, k) => new Promise<void>((r) => s.send(line(i + k), port, '127.0.0.1', (e) => (e ? r() : (sent++, r()))))));
      await sleep(10);
    }
  } finally {
    s.close();
  }
  return sent;
}

maybe('listen reads UDP in a thread of its own', () => {
  test('says so at start; a burst sent while the database is locked is received meanwhile and all stored afterwards', async () => {
    const l = await listen();
    expect(await until(() => /read by its own thread, up to 128 MiB queued for storing/.test(l.err()), 10_000)).toBe(true);
    const holder = new Database(l.db);
    holder.pragma('busy_timeout = 10000');
    holder.exec('BEGIN IMMEDIATE');
    let sent: number;
    try {
      sent = await paced(l.udp, 6000, 2000);
      expect(storedLines(l.db)).toBe(0);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    const counted = () => listenerCount(l.db, 'dropped: udp receive buffer') + listenerCount(l.db, 'dropped: store behind');
    expect(await until(() => storedLines(l.db) + counted() === sent, 60_000)).toBe(true);
    expect(await stop(l)).toBe(0);
    expect(storedLines(l.db) + counted()).toBe(sent);
    // Generous (a busy machine may stall any thread); read while the store waits, nothing is lost.
    expect(storedLines(l.db)).toBeGreaterThanOrEqual(sent * 0.9);
  });

  test('--max-queue beyond 1,024 MiB is refused before anything is opened', async () => {
    const x = run(['listen', '--udp', '127.0.0.1:0', '--db', '/nonexistent/dir/x.db', '--max-queue', '4096']);
    expect(await exitWithin(x, 20_000)).toBe(1);
    expect(x.err().trim()).toMatch(/--max-queue takes at most 1,024 MiB, not "4096"/);
  });
});
