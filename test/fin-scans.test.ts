/**
 * TCP stealth probes (issue 11): a packet with neither ACK nor SYN is a probe — FIN (nmap -sF),
 * NULL (-sN), XMAS (-sX) or another mix (--scanflags) — and the scan detector and the per-port
 * tables see it; ACK FIN, the tail of a real session, stays late. Migration 013 refiles what
 * older versions stored as late and recounts the days it changed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../src/store/db';
import { settleRollups } from '../src/store/rollups';
import { packageRoot } from '../src/util/package-root';
import { count, inboundLine, tempDir } from './helpers/db';

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

/** One probe a second on ports 1…n, from `src`, starting at 10:00:00. */
function probes(src: string, n: number, flags: string): string[] {
  return Array.from({ length: n }, (_, i) => {
    const s = i + 1;
    const stamp = `Jun 14 10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    return inboundLine(stamp, src, s, flags);
  });
}

describe('FIN, NULL and XMAS scans through ingest', () => {
  test('a FIN scan of 150 ports raises a scan alert with its level and fills the per-port table; ACK FIN tails do not', () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    const lines = [...probes('198.51.100.77', 150, 'FIN'), ...probes('198.51.100.88', 150, 'ACK FIN')];
    fs.writeFileSync(log, lines.join('\n') + '\n');
    const db = path.join(dir, 'fw.db');
    cli('ingest', log, '--tz', 'UTC', '--year', '2024', '--db', db);

    const alerts = JSON.parse(cli('alerts', '--format', 'json', '--db', db)).rows as { kind: string; host: string; level: number; destinations: number }[];
    expect(alerts).toEqual([expect.objectContaining({ kind: 'vertical-scan', host: '198.51.100.77', level: 3, destinations: 150 })]);

    const ports = JSON.parse(cli('report', 'ports', '--format', 'json', '--db', db)).rows as { port: number; events: number; sources: number }[];
    expect(ports).toHaveLength(150);
    expect(ports.find((r) => r.port === 150)).toMatchObject({ events: 1, sources: 1 });

    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT tcp_flags, class, reason, count(*) AS n FROM events_named GROUP BY 1, 2, 3 ORDER BY 1').all()).toEqual([
      { tcp_flags: 'ACK FIN', class: 'late', reason: 'tcp-finack', n: 150 },
      { tcp_flags: 'FIN', class: 'scan', reason: 'tcp-fin', n: 150 },
    ]);
    d.close();
  });

  test('NULL and XMAS scans are scans with their own reasons', () => {
    const dir = tempDir();
    const log = path.join(dir, 'fw.log');
    fs.writeFileSync(log, [...probes('198.51.100.5', 20, ''), ...probes('198.51.100.6', 20, 'URG PSH FIN')].join('\n') + '\n');
    const db = path.join(dir, 'fw.db');
    cli('ingest', log, '--tz', 'UTC', '--year', '2024', '--db', db);
    const d = new Database(db, { readonly: true });
    expect(d.prepare('SELECT src, class, reason, count(*) AS n FROM events_named GROUP BY 1, 2, 3 ORDER BY 1').all()).toEqual([
      { src: '198.51.100.5', class: 'scan', reason: 'tcp-null', n: 20 },
      { src: '198.51.100.6', class: 'scan', reason: 'tcp-xmas', n: 20 },
    ]);
    d.close();
    const hosts = (JSON.parse(cli('alerts', '--format', 'json', '--db', db)).rows as { host: string }[]).map((a) => a.host).sort();
    expect(hosts).toEqual(['198.51.100.5', '198.51.100.6']);
  });
});

// A database as portledger left it before 013, with what that version stored: every FIN
// without SYN late/tcp-fin, rollups counting only the SYN probes.
const SCHEMA = path.join(packageRoot(), 'schema');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function oldDatabase(file: string): void {
  const db = new Database(file);
  const files = fs.readdirSync(SCHEMA).filter((f) => /^\d+_.+\.sql$/.test(f) && parseInt(f, 10) < 13).sort();
  for (const f of files) db.exec(fs.readFileSync(path.join(SCHEMA, f), 'utf8'));
  db.pragma(`user_version = ${parseInt(files.at(-1)!, 10)}`);
  db.exec(`INSERT INTO config (key, value) VALUES ('tz', '"UTC"');
    INSERT INTO codes (field, code, name) VALUES ('format', 1, 'netfilter'), ('format', 2, 'aws-vpc-flow'),
      ('reason', 1, 'tcp-syn'), ('reason', 2, 'tcp-fin'), ('reason', 3, 'tcp-xmas'), ('transport', 1, 'tcp'),
      ('tcp_flags', 1, 'SYN'), ('tcp_flags', 2, 'FIN'), ('tcp_flags', 3, 'ACK FIN'), ('tcp_flags', 4, 'URG PSH RST FIN'),
      ('tcp_flags', 5, 'PSH FIN'), ('tcp_flags', 6, 'ECE FIN');
    INSERT INTO sources (id, name, fp_hash, fp_len, lines, events, first_seen, last_seen) VALUES (1, 'fw.log', 'x', 10, 8, 8, 0, 0);`);
  const ev = db.prepare(`INSERT INTO events (ts, source_id, line, format, action, direction, class, reason, transport, src, sport, dst, dport, tcp_flags)
    VALUES (?, 1, ?, ?, 1, 1, ?, ?, 1, ?, 40000, '192.0.2.10', ?, ?)`);
  const t = Date.UTC(2024, 5, 14, 10);
  // [format, class, reason, src, port, flags]: class 1 scan, 2 late, 6 trusted
  const rows: [number, number, number, string, number, number][] = [
    [1, 1, 1, '203.0.113.1', 22, 1], // SYN: untouched
    [1, 2, 2, '203.0.113.2', 23, 2], // FIN alone: a FIN scan
    [1, 2, 2, '203.0.113.3', 24, 2],
    [1, 2, 2, '203.0.113.4', 443, 3], // ACK FIN: a session's tail
    [1, 2, 2, '203.0.113.5', 25, 5], // PSH FIN: --scanflags
    [1, 2, 2, '203.0.113.6', 26, 6], // ECE FIN: FIN scan with ECN bits
    [2, 2, 2, '203.0.113.7', 27, 2], // AWS: FIN cannot be told from ACK FIN
    [1, 6, 2, '203.0.113.8', 28, 2], // trusted: stays trusted
    [1, 1, 3, '203.0.113.9', 29, 4], // XMAS with RST: a RST
  ];
  rows.forEach(([format, cls, reason, src, port, flags], i) => ev.run(t + i * 1000, i + 1, format, cls, reason, src, port, flags));
  const day = Math.floor(t / DAY);
  db.prepare("INSERT INTO port_hour (hour, port, proto, events, sources) VALUES (?, 22, 'tcp', 1, 1), (?, 29, 'tcp', 1, 1)").run(day * 24 + 10, day * 24 + 10);
  db.prepare("INSERT INTO port_day (day, port, proto, events, sources, targets) VALUES (?, 22, 'tcp', 1, 1, 1), (?, 29, 'tcp', 1, 1, 1)").run(day, day);
  db.close();
}

describe('migration 013 refiles stored stealth probes', () => {
  test('FIN-without-ACK rows become scans, the rest keep or take the late reason, and the day is recounted', () => {
    const file = path.join(tempDir(), 'old.db');
    oldDatabase(file);
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(13);
    expect(db.prepare('SELECT src, class, reason FROM events_named ORDER BY line').all()).toEqual([
      { src: '203.0.113.1', class: 'scan', reason: 'tcp-syn' },
      { src: '203.0.113.2', class: 'scan', reason: 'tcp-fin' },
      { src: '203.0.113.3', class: 'scan', reason: 'tcp-fin' },
      { src: '203.0.113.4', class: 'late', reason: 'tcp-finack' },
      { src: '203.0.113.5', class: 'scan', reason: 'tcp-other' },
      { src: '203.0.113.6', class: 'scan', reason: 'tcp-fin' },
      { src: '203.0.113.7', class: 'late', reason: 'tcp-finack' },
      { src: '203.0.113.8', class: 'trusted', reason: 'tcp-fin' },
      { src: '203.0.113.9', class: 'late', reason: 'tcp-rst' },
    ]);
    const day = Math.floor(Date.UTC(2024, 5, 14) / DAY);
    expect(count(db, 'SELECT count(*) FROM dirty_hour WHERE hour = ?', day * 24)).toBe(1);
    settleRollups(db);
    expect(db.prepare('SELECT port FROM port_day WHERE day = ? ORDER BY port').pluck().all(day)).toEqual([22, 23, 24, 25, 26]);
    expect(count(db, 'SELECT count(*) FROM dirty_hour')).toBe(0);
    db.close();
  });
});
