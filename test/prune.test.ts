/**
 * Retention (store/prune.ts, `portledger prune`, the `retention` setting): old events go, the
 * per-port history stays exact, nothing older comes back in, and the space is given back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { count, freshDb, inboundLine, ingest, tempDir } from './helpers/db';
import { pruneOlderThan, parseRetention, prunedBefore } from '../src/store/prune';
import { portsReport } from '../reports/queries';
import { changeSetting } from '../src/config/settings';
import { addTrusted } from '../src/store/trust-store';
import { rebuildRollups, settleRollups } from '../src/store/rollups';
import { packageRoot } from '../src/util/package-root';
import { LivePipeline } from '../src/pipeline/live';

const NOW = Date.UTC(2024, 5, 30, 12);

/** Scans on June 1..20, 2024: 50 a day from distinct sources, to port 23 and 22. */
function month(dir: string): string {
  const lines: string[] = [];
  for (let d = 1; d <= 20; d++) {
    for (let i = 0; i < 50; i++) lines.push(inboundLine(`Jun ${String(d).padStart(2, ' ')} 10:${String(i).padStart(2, '0')}:00`, `198.51.${d}.${i + 1}`, i % 2 ? 23 : 22));
  }
  const file = path.join(dir, 'june.log');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('prune', () => {
  test('deletes whole days before the cutoff, keeps every rollup, and stores nothing older later', async () => {
    const { db, dir } = freshDb();
    await ingest(db, [month(dir)], { year: 2024 });
    const before = portsReport(db, { from: '2024-06-01', to: '2024-06-20' });
    const r = pruneOlderThan(db, parseRetention('20d'), NOW); // keeps June 10 on
    expect(r).toMatchObject({ events: 450, done: true, incremental: true });
    expect(new Date(prunedBefore(db)!).toISOString()).toBe('2024-06-10T00:00:00.000Z');
    expect(count(db, 'SELECT min(ts) FROM events')).toBe(Date.UTC(2024, 5, 10, 10, 0));
    expect(portsReport(db, { from: '2024-06-01', to: '2024-06-20' })).toEqual(before);

    // An old log arriving later: its events before the cutoff are not stored (and counted as skipped).
    const late = path.join(dir, 'late.log');
    fs.writeFileSync(late, [inboundLine('Jun  3 11:00:00', '192.0.2.77', 23), inboundLine('Jun 12 11:00:00', '192.0.2.78', 23)].join('\n') + '\n');
    const res = await ingest(db, [late], { year: 2024 });
    expect(res.tally.skipReasons.get('before-retention')).toBe(1);
    expect(portsReport(db, { from: '2024-06-03', to: '2024-06-03' })).toEqual(before.filter((x) => x.date === '2024-06-03'));

    // Recounts (trust changes, a new zone) never touch the pruned days.
    addTrusted(db, '198.51.3.0/24');
    settleRollups(db);
    expect(portsReport(db, { from: '2024-06-03', to: '2024-06-03' })).toEqual(before.filter((x) => x.date === '2024-06-03'));
    rebuildRollups(db);
    expect(portsReport(db, { from: '2024-06-01', to: '2024-06-09' })).toEqual(before.filter((x) => x.date < '2024-06-10'));
  });

  test('gives the space back', async () => {
    const { db, dir, file } = freshDb();
    for (let k = 0; k < 10; k++) {
      const copy = path.join(dir, `june-${k}.log`);
      fs.writeFileSync(copy, `# copy ${k}\n` + fs.readFileSync(month(dir), 'utf8')); // another text each: not a duplicate
      await ingest(db, [copy], { year: 2024 });
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    const full = fs.statSync(file).size;
    const r = pruneOlderThan(db, parseRetention('1d'), NOW);
    expect(r.events).toBe(10_000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(r.freedBytes).toBeGreaterThan(0);
    expect(fs.statSync(file).size).toBeLessThan(full / 2);
  });

  test('retention periods', () => {
    expect(parseRetention('180d')).toBe(180 * 86_400_000);
    expect(parseRetention('1y')).toBe(365 * 86_400_000);
    expect(() => parseRetention('soon')).toThrow(/180d/);
    const { db } = freshDb();
    expect(changeSetting(db, 'retention', '90d')).toMatch(/prune once a day/);
    expect(() => changeSetting(db, 'retention', '-3d')).toThrow(/retention period/);
  });

  test('portledger prune on the built CLI, beside a connection holding the database open', async () => {
    const cli = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
    if (!fs.existsSync(cli)) return;
    const dir = tempDir();
    const { db, file } = freshDb(dir);
    await ingest(db, [month(dir)], { year: 2024 });
    db.close();
    const reader = new Database(file, { readonly: true });
    const r = spawnSync(process.execPath, [cli, 'prune', '--keep', '1d', '--db', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^deleted 1,000 events before 20\d\d-\d\d-\d\dT00:00:00\.000Z; per-port rollups kept/);
    expect(reader.prepare('SELECT count(*) FROM port_day').pluck().get()).toBe(40);
    reader.close();
  });
});

describe('the retention setting in live modes', () => {
  afterEach(() => jest.useRealTimers());

  test('watch and listen prune a minute after start, then once a day', () => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['setTimeout', 'setInterval', 'setImmediate', 'nextTick', 'queueMicrotask'] });
    const { db } = freshDb();
    changeSetting(db, 'tz', 'UTC');
    changeSetting(db, 'retention', '7d');
    const live = new LivePipeline(db, { tz: 'UTC', year: 2024 });
    const src = live.namedSource('syslog udp 192.0.2.1');
    const lines = [inboundLine('Jun 10 10:00:00', '198.51.100.1', 23), inboundLine('Jun 29 10:00:00', '198.51.100.2', 23)];
    live.process(src, { records: lines.map((text, i) => ({ text, line: i + 1 })), endOffset: 0, lines: 2 });
    live.settle();
    expect(count(db, 'SELECT count(*) FROM events')).toBe(2); // not yet: a minute after start
    jest.setSystemTime(NOW + 61_000);
    live.settle();
    expect(count(db, 'SELECT count(*) FROM events')).toBe(1);
    expect(portsReport(db, { from: '2024-06-10', to: '2024-06-10' })).toHaveLength(1); // its rollup stays
    live.close();
  });
});
