/**
 * One crafted time stamp used to break the reports for good: a Zeek line with "ts":1e308 was
 * stored as 1e302 ms, after which `report ports`, `sources-per-hour`, `ip` and `port` failed with
 * "Invalid time value"; one line dated 2031 moved the default report window to 2031, hiding the
 * real data; year 10000 broke `port`. Now a stamp before 1990 or more than a day past the time the
 * log was last written is the reject time-out-of-range (src/pipeline/read-record.ts), migration
 * 009 moves what older versions stored into the rejects, and the report labels never throw.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../src/store/db';
import { settleRollups } from '../src/store/rollups';
import { dayLabel, hourLabel } from '../src/store/rollups/buckets';
import { formatInstant } from '../reports/time';
import { packageRoot } from '../src/util/package-root';
import { TIME_OUT_OF_RANGE } from '../parsers/lib/time-checks';
import { count, freshDb, inboundLine, ingest, tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function cli(...args: string[]): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, PORTLEDGER_DB: '' } });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

const zeek = (ts: string, src: string) =>
  `{"ts":${ts},"uid":"C1","id.orig_h":"${src}","id.orig_p":50111,"id.resp_h":"192.0.2.10","id.resp_p":23,"proto":"tcp","conn_state":"S0","local_orig":false,"local_resp":true,"history":"S","orig_pkts":1}`;
const isoLine = (t: number, src: string) => inboundLine(new Date(t).toISOString(), src, 23);

describe('ingest rejects stamps outside the sane range', () => {
  test('a file: before 1990, or more than a day past its modification time', async () => {
    const { db, dir } = freshDb();
    const mtime = Date.UTC(2024, 5, 14, 12);
    const lines = [
      isoLine(Date.UTC(2024, 5, 14, 10), '203.0.113.1'), // real data
      zeek('1e308', '203.0.113.2'), // was stored as 1e302 ms
      zeek('1e400', '203.0.113.3'), // Infinity
      isoLine(Date.UTC(2031, 5, 14, 10), '203.0.113.4'),
      `{"__REALTIME_TIMESTAMP":"253402300800000000","_HOSTNAME":"gw","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"DROP IN=eth0 OUT= SRC=203.0.113.5 DST=192.0.2.10 LEN=40 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=23 SYN "}`, // year 10000
      isoLine(Date.UTC(1989, 11, 31, 23, 59, 59), '203.0.113.6'),
      isoLine(Date.UTC(1990, 0, 1), '203.0.113.7'), // the first sane instant
      isoLine(mtime + 23 * HOUR, '203.0.113.8'), // a device clock ahead: allowed
      isoLine(mtime + 25 * HOUR, '203.0.113.9'),
    ];
    const file = path.join(dir, 'mixed.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    fs.utimesSync(file, mtime / 1000, mtime / 1000);
    const { tally } = await ingest(db, [file]);
    expect(tally.rejectReasons.get(TIME_OUT_OF_RANGE)).toBe(6);
    expect(db.prepare('SELECT src FROM events ORDER BY line').pluck().all()).toEqual(['203.0.113.1', '203.0.113.7', '203.0.113.8']);
    expect(db.prepare('SELECT line FROM rejects WHERE reason = ? ORDER BY line').pluck().all(TIME_OUT_OF_RANGE)).toEqual([2, 3, 4, 5, 6, 9]);
    db.close();
  });

  test('stdin: more than a day past now', async () => {
    const { db } = freshDb();
    const now = Date.now();
    const text = [isoLine(now - HOUR, '203.0.113.1'), isoLine(now + 2 * DAY, '203.0.113.2')].join('\n') + '\n';
    const { tally } = await ingest(db, [{ stdin: text }]);
    expect(tally.events).toBe(1);
    expect(tally.rejectReasons.get(TIME_OUT_OF_RANGE)).toBe(1);
    db.close();
  });
});

describe('labels never throw', () => {
  test('on a time no calendar shows', () => {
    expect(formatInstant(1e302, 'Europe/Berlin')).toBe('invalid time (1e+302 ms)');
    expect(formatInstant(Date.UTC(2024, 5, 14), 'UTC')).toBe('2024-06-14T00:00:00+00:00');
    expect(dayLabel(1e302 / DAY)).toMatch(/^invalid day/);
    expect(dayLabel(Math.floor(253402300800000 / DAY))).toBe('invalid day (2932897)'); // year 10000: not YYYY-MM-DD
    expect(hourLabel(1e302 / HOUR)).toMatch(/^invalid hour/);
    expect(dayLabel(19888)).toBe('2024-06-14');
  });
});

// A database as the schema before 009 left it, with what the old ingest stored for those lines.
const SCHEMA = path.join(packageRoot(), 'schema');

function oldDatabase(file: string, now: number): void {
  const db = new Database(file);
  const files = fs.readdirSync(SCHEMA).filter((f) => /^\d+_.+\.sql$/.test(f) && parseInt(f, 10) < 9).sort();
  for (const f of files) db.exec(fs.readFileSync(path.join(SCHEMA, f), 'utf8'));
  db.pragma(`user_version = ${parseInt(files.at(-1)!, 10)}`);
  db.exec(`INSERT INTO config (key, value) VALUES ('tz', '"UTC"');
    INSERT INTO codes (field, code, name) VALUES ('format', 1, 'netfilter'), ('format', 2, 'zeek-conn'), ('reason', 1, 'tcp-syn'), ('transport', 1, 'tcp');
    INSERT INTO sources (id, name, fp_hash, fp_len, lines, events, first_seen, last_seen) VALUES (1, 'conn.log', 'x', 10, 8, 8, 0, 0);`);
  const ev = db.prepare(`INSERT INTO events (ts, source_id, line, format, action, direction, class, reason, transport, src, sport, dst, dport)
    VALUES (?, 1, ?, ?, 1, 1, 1, 1, 1, ?, 50111, '192.0.2.10', 23)`);
  const rows: [number, number, string][] = [
    [Date.UTC(2024, 5, 14, 10), 1, '203.0.113.1'],
    [Date.UTC(2024, 5, 14, 11), 1, '203.0.113.2'],
    [1e302, 2, '203.0.113.3'], // "ts":1e308
    [Date.UTC(2031, 5, 14, 10), 1, '203.0.113.4'],
    [253402300800000, 1, '203.0.113.5'], // year 10000
    [86_400_000, 2, '203.0.113.6'], // 1970
    [now - 2 * HOUR, 1, '203.0.113.7'], // real, today
    [now + 26 * HOUR, 1, '203.0.113.8'], // a day and two hours ahead: out of range, beside real days
  ];
  // The rollups the old ingest wrote for them (UTC zone): one scan each, per hour and day,
  // non-integer bucket numbers included.
  const hours = new Map<number, number>();
  rows.forEach(([ts, format, src], i) => {
    ev.run(ts, i + 1, format, src);
    const h = Math.floor(ts / HOUR);
    hours.set(h, (hours.get(h) ?? 0) + 1);
  });
  const days = new Map<number, number>();
  for (const [h, n] of hours) {
    db.prepare("INSERT INTO port_hour (hour, port, proto, events, sources) VALUES (?, 23, 'tcp', ?, ?)").run(h, n, n);
    const d = Math.floor(h / 24);
    days.set(d, (days.get(d) ?? 0) + n);
  }
  for (const [d, n] of days) db.prepare("INSERT INTO port_day (day, port, proto, events, sources, targets) VALUES (?, 23, 'tcp', ?, ?, 1)").run(d, n, n);
  db.close();
}

describe('migration 009 moves what older versions stored', () => {
  test('out-of-range events become rejects with a readable sample; their days are recounted', () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.db');
    const now = Date.now();
    oldDatabase(file, now);
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(9);
    expect(db.prepare('SELECT src FROM events ORDER BY line').pluck().all()).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.7']);
    expect(db.prepare('SELECT source_id, reason, count FROM reject_counts').all()).toEqual([{ source_id: 1, reason: TIME_OUT_OF_RANGE, count: 5 }]);
    expect(db.prepare('SELECT events, rejects FROM sources').get()).toEqual({ events: 3, rejects: 5 });
    const samples = db.prepare('SELECT line, sample FROM rejects ORDER BY line').all() as { line: number; sample: string }[];
    expect(samples.map((s) => s.line)).toEqual([3, 4, 5, 6, 8]);
    expect(samples[0].sample).toBe('1.0e+302 ms zeek-conn deny tcp 203.0.113.3:50111 -> 192.0.2.10:23 (stored before time stamps were checked; line 3)');
    expect(samples[1].sample).toBe('2031-06-14T10:00:00.000Z netfilter deny tcp 203.0.113.4:50111 -> 192.0.2.10:23 (stored before time stamps were checked; line 4)');
    // Far-off buckets are gone at once; the day of the event just past the range is marked.
    const aheadDay = Math.floor((now + 26 * HOUR) / DAY);
    expect(db.prepare('SELECT count(*) FROM dirty_hour WHERE hour = ?').pluck().get(aheadDay * 24)).toBe(1);
    expect(count(db, "SELECT count(*) FROM port_day WHERE typeof(day) <> 'integer' OR day > ?", aheadDay + 1)).toBe(0);
    settleRollups(db);
    const today = Math.floor((now - 2 * HOUR) / DAY);
    expect(db.prepare('SELECT day, events FROM port_day ORDER BY day').all()).toEqual([
      { day: 19888, events: 2 },
      { day: today, events: 1 },
    ]);
    expect(count(db, 'SELECT sum(events) FROM port_hour')).toBe(3);
    db.close();
  });

  const maybe = fs.existsSync(CLI) ? test : test.skip;
  maybe('then every report runs, over the real data (the built CLI)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'old.db');
    oldDatabase(file, Date.now());
    // Before the migration the reports refuse the old database with a clear line.
    expect(cli('report', 'ports', '--db', file).code).not.toBe(0);
    // Any writing command migrates (and settles the marked days).
    const log = path.join(dir, 'more.log');
    fs.writeFileSync(log, isoLine(Date.UTC(2024, 5, 14, 12), '203.0.113.10') + '\n');
    expect(cli('ingest', log, '--db', file, '--tz', 'UTC', '-q').code).toBe(0);
    const json = (...args: string[]) => {
      const r = cli(...args, '--db', file, '--format', 'json');
      // Only the note of which days a report covers ("2024-06-08 to 2024-06-14: …"), no error.
      expect(r.err.split('\n').filter((l) => l && !/^\d{4}-\d{2}-\d{2}\b/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
      return JSON.parse(r.out);
    };
    const ports = json('report', 'ports', '--from', '2024-06-14', '--to', '2024-06-14');
    expect(ports.rows).toEqual([{ date: '2024-06-14', port: 23, proto: 'tcp', events: 3, sources: 3, targets: 2 }]); // 192.0.2.10 and more.log's 203.0.113.10
    // The default window ends with the latest real day (today's event), not in 2031 or 10000.
    const latest = json('report', 'ports').rows.at(-1).date;
    expect(latest).toBe(new Date(Date.now() - 2 * HOUR).toISOString().slice(0, 10));
    // Every hour of the day is listed (0 where none came); the hours with a port's sources:
    const scanned = (rows: { proto: string | null; sources: number }[]) => rows.filter((r) => r.proto !== null && r.sources > 0);
    expect(scanned(json('report', 'sources-per-hour', '--date', '2024-06-14').rows)).toHaveLength(3);
    expect(scanned(json('report', 'sources-per-hour').rows)).toHaveLength(1);
    for (const args of [['ip', '203.0.113.3'], ['ip', '203.0.113.1'], ['port', '23']]) {
      const r = cli(...args, '--db', file);
      // Only the note of which days a report covers ("2024-06-08 to 2024-06-14: …"), no error.
      expect(r.err.split('\n').filter((l) => l && !/^\d{4}-\d{2}-\d{2}\b/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
    }
    expect(cli('sources', '--db', file, '--format', 'csv').out).toMatch(/conn\.log,.*,8,3,0,5,/);
  });

  maybe('and reports do not fail on such rows whatever wrote them', () => {
    const dir = tempDir();
    const file = path.join(dir, 'new.db');
    const db = openDb(file);
    db.close();
    const raw = new Database(file);
    raw.exec(`INSERT INTO codes (field, code, name) VALUES ('format', 1, 'zeek-conn'), ('reason', 1, 'tcp-syn'), ('transport', 1, 'tcp');
      INSERT INTO config (key, value) VALUES ('tz', '"Europe/Berlin"');
      INSERT INTO events (ts, source_id, line, format, action, direction, class, reason, transport, src, sport, dst, dport) VALUES
        (1718359200000, 1, 1, 1, 1, 1, 1, 1, 1, '203.0.113.1', 1, '192.0.2.10', 23),
        (1e302, 1, 2, 1, 1, 1, 1, 1, 1, '203.0.113.1', 1, '192.0.2.10', 23),
        (253402300800000, 1, 3, 1, 1, 1, 1, 1, 1, '203.0.113.1', 1, '192.0.2.10', 23);
      INSERT INTO port_day VALUES (19888, 23, 'tcp', 1, 1, 1), (1.15740740740741e+294, 23, 'tcp', 1, 1, 1), (2932897, 23, 'tcp', 1, 1, 1);
      INSERT INTO port_hour VALUES (477322, 23, 'tcp', 1, 1), (2.77777777777778e+295, 23, 'tcp', 1, 1), (70389528, 23, 'tcp', 1, 1);`);
    raw.close();
    for (const args of [['report', 'ports'], ['report', 'sources-per-hour'], ['ip', '203.0.113.1'], ['port', '23'], ['report', 'ports', '--tz', 'UTC']]) {
      const r = cli(...args, '--db', file, '--format', 'table');
      // Only the note of which days a report covers ("2024-06-08 to 2024-06-14: …"), no error.
      expect(r.err.split('\n').filter((l) => l && !/^\d{4}-\d{2}-\d{2}\b/.test(l))).toEqual([]);
      expect(r.code).toBe(0);
    }
    expect(cli('report', 'ports', '--db', file, '--format', 'table').out).toContain('2024-06-14');
    expect(cli('ip', '203.0.113.1', '--db', file, '--format', 'table').out).toContain('invalid time (1e+302 ms)');
  });
});
