/**
 * The syslog intake when the disk is full: SQLite's max_page_count makes every write past the
 * file's current size fail with SQLITE_FULL, exactly as a full disk does. The messages must wait,
 * be stored once there is room again, and leave the report rollups exact (no batch counted twice
 * by a retry). The busy case is tested end to end in listen-faults.test.ts.
 */
import { LivePipeline } from '../src/pipeline/live';
import { SyslogIntake } from '../src/pipeline/syslog-intake';
import { settleRollups } from '../src/store/rollups';
import { count, freshDb, inboundLine } from './helpers/db';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const from = { address: '192.168.1.1', transport: 'udp' };

test('a full disk: messages wait, are stored once there is room, rollups exact', async () => {
  const { db } = freshDb();
  const live = new LivePipeline(db, { tz: 'UTC', year: 2024 });
  const logged: string[] = [];
  const intake = new SyslogIntake({ log: (l) => logged.push(l) });
  intake.attach(live, db);
  try {
    const send = (i: number) => intake.message(`<4>${inboundLine(`Jun 14 10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, `198.51.100.${1 + (i % 200)}`, 23 + (i % 3))}`, from);
    for (let i = 0; i < 100; i++) send(i);
    intake.flush();
    expect(count(db, 'SELECT count(*) FROM events')).toBe(100);

    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    for (let i = 100; i < 3100; i++) send(i);
    intake.flush();
    expect(intake.status().storeProblem?.reason).toBe('disk full');
    expect(intake.status().pending).toBe(3000);
    expect(logged.filter((l) => /cannot store for now \(disk full/.test(l))).toHaveLength(1);
    // Still full: retried with backoff, said once.
    await sleep(300);
    intake.flush();
    expect(intake.status().pending).toBe(3000);
    expect(logged).toHaveLength(1);

    db.pragma('max_page_count = 1073741823');
    for (let t = 0; t < 40 && intake.status().pending > 0; t++) {
      await sleep(100);
      intake.flush();
    }
    expect(intake.status()).toMatchObject({ pending: 0, storeProblem: undefined });
    expect(logged[1]).toMatch(/^storing again after [\d.]+ s \(disk full\); 3000 messages waited and are stored$/);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(3100);
    expect(count(db, "SELECT sum(lines) FROM sources WHERE name = 'syslog udp 192.168.1.1'")).toBe(3100);
    expect(count(db, "SELECT count FROM reject_counts WHERE reason = 'delayed: disk full'")).toBe(3000);
    // Every scan is in the rollups exactly once.
    settleRollups(db);
    expect(count(db, 'SELECT sum(events) FROM port_day')).toBe(3100);
    expect(count(db, 'SELECT count(*) FROM dirty_hour')).toBe(0);
  } finally {
    await intake.stop();
    live.close();
    db.close();
  }
});

test('what waits is bounded: past maxPendingBytes messages are dropped and counted "store behind"', async () => {
  const { db } = freshDb();
  const live = new LivePipeline(db, { tz: 'UTC', year: 2024 });
  const intake = new SyslogIntake({ maxPendingBytes: 10_000 });
  // Not attached yet: nothing is stored, everything waits.
  const msg = `<4>${inboundLine('Jun 14 10:00:00', '198.51.100.1', 23)}`;
  const fits = Math.floor(10_000 / msg.length);
  for (let i = 0; i < fits + 25; i++) intake.message(msg, from);
  expect(intake.status()).toMatchObject({ pending: fits, lost: { 'store behind': 25 } });
  intake.attach(live, db);
  try {
    intake.flush();
    expect(count(db, 'SELECT count(*) FROM events')).toBe(fits);
    expect(count(db, "SELECT count FROM reject_counts r JOIN sources s ON s.id = r.source_id WHERE s.name = 'syslog listener' AND reason = 'dropped: store behind'")).toBe(25);
  } finally {
    await intake.stop();
    live.close();
    db.close();
  }
});
