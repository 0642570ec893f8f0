import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { count, freshDb, inboundLine, ingest } from './helpers/db';
import { portsReport, sourcesPerHourReport } from '../reports/queries';

const day = (n: number) => `Jun 14 10:${String(n % 60).padStart(2, '0')}:00`;

function writeLog(dir: string, name: string, lines: string[], mtime = new Date('2024-06-20T00:00:00Z')): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  fs.utimesSync(file, mtime, mtime);
  return file;
}

const LINES = Array.from({ length: 50 }, (_, i) => inboundLine(day(i), `198.51.100.${(i % 20) + 1}`, [23, 445, 22][i % 3]));

describe('idempotent ingest', () => {
  test('the same file twice, a rotated copy, its .gz and the same text on stdin add nothing', async () => {
    const { db, dir } = freshDb();
    const file = writeLog(dir, 'messages', LINES);
    const first = await ingest(db, [file]);
    expect(first.tally.events).toBe(50);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(50);

    const rotated = path.join(dir, 'messages.1');
    fs.copyFileSync(file, rotated);
    fs.writeFileSync(path.join(dir, 'messages.2.gz'), zlib.gzipSync(fs.readFileSync(file)));
    const again = await ingest(db, [file, rotated, path.join(dir, 'messages.2.gz'), { stdin: fs.readFileSync(file) }]);
    expect(again.statuses).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(again.tally.events).toBe(0);
    expect(again.tally.duplicateLines).toBe(200);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(50);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-14' }).reduce((s, r) => s + r.events, 0)).toBe(50);
  });

  test('appended lines are all that a second run reads; a rotated copy that grew continues too', async () => {
    const { db, dir } = freshDb();
    const file = writeLog(dir, 'messages', LINES.slice(0, 30));
    await ingest(db, [file]);
    fs.appendFileSync(file, LINES.slice(30, 40).join('\n') + '\n');
    const r = await ingest(db, [file]);
    expect(r.statuses).toEqual(['continued']);
    expect(r.tally.events).toBe(10);
    const rotated = path.join(dir, 'messages.1');
    fs.renameSync(file, rotated);
    fs.appendFileSync(rotated, LINES.slice(40).join('\n') + '\n');
    expect((await ingest(db, [rotated])).tally.events).toBe(10);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(50);
  });

  test('identical lines at different positions are both kept', async () => {
    const { db, dir } = freshDb();
    const line = inboundLine('Jun 14 10:00:00', '198.51.100.7', 23);
    await ingest(db, [writeLog(dir, 'dup.log', [line, line, line])]);
    expect(count(db, 'SELECT count(*) FROM events')).toBe(3);
    expect(portsReport(db, {})).toEqual([{ date: '2024-06-14', port: 23, proto: 'tcp', events: 3, sources: 1, targets: 1 }]);
  });

  test('a different file that shares the first lines is read from where it differs', async () => {
    const { db, dir } = freshDb();
    await ingest(db, [writeLog(dir, 'a.log', LINES.slice(0, 10))]);
    const other = [...LINES.slice(0, 10), inboundLine('Jun 14 11:00:00', '192.0.2.200', 3389)];
    const r = await ingest(db, [writeLog(dir, 'b.log', other)]);
    expect(r.tally.events).toBe(1);
    expect(count(db, "SELECT count(*) FROM events WHERE src = '192.0.2.200'")).toBe(1);
  });
});

describe('time', () => {
  test('a year-less log running over New Year gets both years from the file time', async () => {
    const { db, dir } = freshDb();
    const file = writeLog(
      dir,
      'newyear.log',
      [inboundLine('Dec 31 23:59:30', '198.51.100.1', 23), inboundLine('Jan  1 00:00:30', '198.51.100.2', 23)],
      new Date('2025-01-01T00:05:00Z'),
    );
    await ingest(db, [file]);
    const ts = db.prepare('SELECT ts FROM events ORDER BY line').pluck().all() as number[];
    expect(ts.map((t) => new Date(t).toISOString())).toEqual(['2024-12-31T23:59:30.000Z', '2025-01-01T00:00:30.000Z']);
    expect(portsReport(db, { from: '2024-12-31', to: '2025-01-01' }).map((r) => r.date)).toEqual(['2024-12-31', '2025-01-01']);
  });

  test('--tz: local stamps become UTC, and report hours are local hours across a DST change', async () => {
    const { db, dir } = freshDb();
    // Berlin, 2024-03-31: 01:30 CET (00:30Z) and 03:30 CEST (01:30Z) are one real hour apart.
    const file = writeLog(dir, 'dst.log', [inboundLine('Mar 31 01:30:00', '198.51.100.1', 23), inboundLine('Mar 31 03:30:00', '198.51.100.2', 23)]);
    await ingest(db, [file], { tz: 'Europe/Berlin', year: 2024 });
    const ts = db.prepare('SELECT ts FROM events ORDER BY line').pluck().all() as number[];
    expect(ts.map((t) => new Date(t).toISOString())).toEqual(['2024-03-31T00:30:00.000Z', '2024-03-31T01:30:00.000Z']);
    expect(sourcesPerHourReport(db, { date: '2024-03-31' }).map((r) => r.hour)).toEqual(['2024-03-31T01:00', '2024-03-31T03:00']);
    // Rendering in another zone counts from the events and gives that zone's hours.
    expect(sourcesPerHourReport(db, { date: '2024-03-31', tz: 'UTC' }).map((r) => r.hour)).toEqual(['2024-03-31T00:00', '2024-03-31T01:00']);
  });
});

describe('bad input loses nothing and crashes nothing', () => {
  test('binary junk, a 1 MB line, NUL bytes, CRLF, truncated lines and placeholders', async () => {
    const { db, dir } = freshDb();
    const good = inboundLine('Jun 14 10:00:00', '198.51.100.1', 23);
    const junk = Buffer.concat([
      Buffer.from(good + '\r\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x9c, 0x80, 0x0a]),
      Buffer.from('x'.repeat(1024 * 1024) + '\n'),
      Buffer.from('\x00\x00\x00\x00' + good + '\n'),
      Buffer.from('Jun 14 10:00:01 gw kernel: DROP IN=eth0 OUT= SRC=198.51.100.2 DST=203.0.113.10 LEN=44 PRO\n'),
      Buffer.from('Jun 14 10:00:02 gw kernel: DROP IN=eth0 OUT= SRC=X.X.X.X DST=203.0.113.10 LEN=44 PROTO=TCP SPT=1 DPT=23 SYN\n'),
      Buffer.from('Jun 14 10:00:03 gw dnsmasq[12]: query[A] example.com from 192.168.1.2\n'),
      Buffer.from('Jun 14 10:00:04 gw kernel: IN=eth0 bad\x00byte SRC=1.2.3.4\n'),
      Buffer.from(good.replace('10:00:00', '10:00:05')), // no final newline
    ]);
    const file = path.join(dir, 'junk.log');
    fs.writeFileSync(file, junk);
    const r = await ingest(db, [file], { year: 2024 });
    expect(r.tally.lines).toBe(9);
    expect(r.tally.events).toBe(3);
    expect(r.tally.events + r.tally.skips + r.tally.rejects).toBe(9);
    expect(Object.fromEntries(r.tally.rejectReasons)).toEqual({
      'binary-data': 2,
      'line-too-long': 1,
      'no-protocol': 1,
      'placeholder-address': 1,
    });
    const rejects = db.prepare('SELECT line, reason, sample FROM rejects ORDER BY line').all() as { line: number; reason: string; sample: string }[];
    expect(rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'binary-data'],
      [3, 'line-too-long'],
      [5, 'no-protocol'],
      [6, 'placeholder-address'],
      [8, 'binary-data'],
    ]);
    expect(rejects[0].sample).toBe('\ufffd\ufffd\\x00\\x01\\x02\ufffd\ufffd');
    expect(rejects[1].sample).toBe('x'.repeat(512));
    expect(rejects[4].sample).toContain('bad\\x00byte');
    expect(count(db, 'SELECT sum(count) FROM reject_counts')).toBe(5);
    expect(count(db, 'SELECT sum(count) FROM skip_counts')).toBe(1);
    // The CRLF line parsed cleanly: no stray \r in any stored field.
    expect(count(db, "SELECT count(*) FROM events_named WHERE rule LIKE '%' || char(13) || '%'")).toBe(0);
  });
});

describe('worker thread', () => {
  test('parsing in a worker stores exactly what in-process parsing stores', async () => {
    const dir = freshDb().dir;
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const stamp = `Jun ${14 + Math.floor(i / 4000)} ${String(Math.floor(i / 200) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
      lines.push(i % 97 === 0 ? `${stamp} gw dnsmasq[1]: query` : inboundLine(stamp, `198.51.${i % 7}.${(i * 13) % 250}`, [23, 445, 22, 5060][i % 4], 'SYN', i % 4 === 3 ? 'UDP' : 'TCP'));
    }
    const file = writeLog(dir, 'big.log', lines);
    const a = freshDb();
    const b = freshDb();
    const inProcess = await ingest(a.db, [file], { workerMinBytes: Infinity });
    const inWorker = await ingest(b.db, [file], { workerMinBytes: 0 });
    expect(inWorker.tally.events).toBe(inProcess.tally.events);
    expect(inWorker.tally.skips).toBe(inProcess.tally.skips);
    const dump = (db: typeof a.db) => ({
      events: db.prepare('SELECT ts, line, format, class, src, dport, tcp_flags FROM events_named ORDER BY id').all(),
      days: db.prepare('SELECT * FROM port_day ORDER BY day, port, proto').all(),
      hours: db.prepare('SELECT * FROM port_hour ORDER BY hour, port, proto').all(),
      source: db.prepare('SELECT offset, lines, events, skips FROM sources').all(),
    });
    expect(dump(b.db)).toEqual(dump(a.db));
    expect((await ingest(b.db, [file], { workerMinBytes: 0 })).statuses).toEqual(['unchanged']);
  });
});

describe('parse coverage per source and run', () => {
  test('a run whose lines stop parsing shows as a drop', async () => {
    const { db, dir } = freshDb();
    const file = writeLog(dir, 'fw.log', LINES.slice(0, 20));
    await ingest(db, [file]);
    // "Firmware update": the same device now writes lines portledger does not know.
    fs.appendFileSync(file, Array.from({ length: 20 }, (_, i) => `Jun 14 11:${String(i).padStart(2, '0')}:00 gw fw: blocked 198.51.100.9 -> 203.0.113.10:23`).join('\n') + '\n');
    await ingest(db, [file]);
    const { sourceCoverage } = await import('../src/store/sources');
    const [s] = sourceCoverage(db);
    expect(s).toMatchObject({ lines: 40, events: 20, skips: 20, last_run: 0, previous_run: 1 });
    expect(count(db, 'SELECT count(*) FROM ingest_runs')).toBe(2);
  });
});
