/**
 * The store's evolution and its dictionary: a database written before migration 005 (text
 * tcp_flags / interfaces / host / rule) opens with its events intact, codes stay consistent
 * between connections, and reasons stored as free text before migration 007 become catalog codes.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../src/store/db';
import { Codes } from '../src/store/codes';
import { portsReport } from '../reports/queries';
import { count, ingest, tempDir } from './helpers/db';

const SCHEMA = path.resolve(__dirname, '../schema');

/** A database as portledger left it at schema version `v`. */
function databaseAt(file: string, v: number): Database.Database {
  const db = new Database(file);
  for (const f of fs.readdirSync(SCHEMA).filter((n) => /^\d+_/.test(n)).sort()) {
    if (parseInt(f, 10) > v) break;
    db.exec(fs.readFileSync(path.join(SCHEMA, f), 'utf8'));
  }
  db.pragma(`user_version = ${v}`);
  return db;
}

describe('migration 005: coded text columns', () => {
  test('events written with text columns keep every value, now through codes', () => {
    const file = path.join(tempDir(), 'v4.db');
    const old = databaseAt(file, 4);
    old.prepare("INSERT INTO sources (id, name, fp_hash, fp_len, first_seen, last_seen) VALUES (1, 'x.log', 'h', 10, 0, 0)").run();
    old.prepare("INSERT INTO codes (field, code, name) VALUES ('format', 1, 'netfilter'), ('reason', 1, 'tcp-syn'), ('transport', 1, 'tcp')").run();
    const ins = old.prepare(
      `INSERT INTO events (ts, source_id, line, format, action, direction, class, reason, transport, src, sport, dst, dport, tcp_flags, in_if, out_if, host, rule)
       VALUES (?, 1, ?, 1, 1, 1, 1, 1, 1, ?, 4000, '192.0.2.1', 23, ?, ?, ?, ?, ?)`,
    );
    const day = Date.UTC(2024, 5, 10, 12);
    ins.run(day, 1, '198.51.100.1', 'SYN', 'eth0', null, 'gw', '[UFW BLOCK]');
    ins.run(day + 1000, 2, '198.51.100.2', '', 'eth0', '', 'gw', 'DROP');
    ins.run(day + 2000, 3, '198.51.100.3', null, null, null, null, null);
    old.close();

    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(5);
    const rows = db.prepare('SELECT line, tcp_flags, in_if, out_if, host, rule FROM events_named ORDER BY line').all();
    expect(rows).toEqual([
      { line: 1, tcp_flags: 'SYN', in_if: 'eth0', out_if: null, host: 'gw', rule: '[UFW BLOCK]' },
      { line: 2, tcp_flags: '', in_if: 'eth0', out_if: '', host: 'gw', rule: 'DROP' },
      { line: 3, tcp_flags: null, in_if: null, out_if: null, host: null, rule: null },
    ]);
    expect(count(db, "SELECT count(*) FROM events WHERE typeof(tcp_flags) = 'integer' AND typeof(host) = 'integer'")).toBe(2);
    expect(count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'events_ts'")).toBe(1);
    // New events use the codes the migration assigned.
    const codes = new Codes(db);
    expect(codes.code('rule', 'DROP')).toBe(db.prepare("SELECT code FROM codes WHERE field = 'rule' AND name = 'DROP'").pluck().get());
    db.close();
  });

  test('ingest after the migration stores and reports as before', async () => {
    const file = path.join(tempDir(), 'v4b.db');
    databaseAt(file, 4).close();
    const db = openDb(file);
    const log = path.join(tempDir(), 'a.log');
    fs.writeFileSync(log, 'Jun 10 12:00:00 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.9 DST=192.0.2.1 LEN=44 TTL=50 PROTO=TCP SPT=4000 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0\n');
    await ingest(db, [log], { year: 2024 });
    expect(db.prepare('SELECT host, rule, tcp_flags, in_if FROM events_named').get()).toEqual({ host: 'gw', rule: '[UFW BLOCK]', tcp_flags: 'SYN', in_if: 'eth0' });
    expect(portsReport(db, { from: '2024-06-10', to: '2024-06-10' })).toEqual([{ date: '2024-06-10', port: 23, proto: 'tcp', events: 1, sources: 1, targets: 1 }]);
    db.close();
  });
});

describe('codes', () => {
  test('a name stored by another connection is found, not inserted twice', () => {
    const file = path.join(tempDir(), 'c.db');
    const a = openDb(file);
    const b = openDb(file);
    const ca = new Codes(a);
    const cb = new Codes(b); // loaded before `a` adds the name
    const code = ca.code('host', 'router-1');
    expect(cb.code('host', 'router-1')).toBe(code);
    expect(cb.name('host', code)).toBe('router-1');
    expect(cb.existing('host', ['router-1', 'nope'])).toEqual([code]);
    expect(count(a, "SELECT count(*) FROM codes WHERE field = 'host'")).toBe(1);
    a.close();
    b.close();
  });

  test('codes count per field from 1, and the same name in two fields gets a code in each', () => {
    const db = openDb(':memory:');
    const c = new Codes(db);
    expect(c.code('in_if', 'eth0')).toBe(1);
    expect(c.code('in_if', 'eth1')).toBe(2);
    expect(c.code('out_if', 'eth1')).toBe(1);
    expect(c.name('out_if', 1)).toBe('eth1');
    expect(c.name('in_if', 99)).toBe('99');
  });
});

describe('migration 007: reasons become catalog codes', () => {
  /** A schema-6 database holding what versions before the catalog wrote: free text per parser. */
  function oldDatabase(file: string): void {
    const old = databaseAt(file, 6);
    old.prepare("INSERT INTO sources (id, name, fp_hash, fp_len, first_seen, last_seen) VALUES (1, 'a.log', 'h1', 10, 0, 0), (2, 'b.log', 'h2', 10, 0, 0)").run();
    const rc = old.prepare('INSERT INTO reject_counts (source_id, reason, count) VALUES (?, ?, ?)');
    // Four synonyms of one cause in source 1, and the same cause twice in source 2.
    rc.run(1, 'truncated: no SRC/DST', 4);
    rc.run(1, 'truncated: no src/dst', 3);
    rc.run(1, 'no src/dst', 2);
    rc.run(1, 'truncated: no addresses', 1);
    rc.run(1, 'bad time', 5);
    rc.run(1, 'bad date', 6);
    rc.run(1, 'bad timestamp', 7);
    rc.run(1, 'bad action', 1);
    rc.run(1, 'dropped: oversize', 9);
    rc.run(2, 'no destination address', 2);
    rc.run(2, 'truncated: no source', 1);
    const sc = old.prepare('INSERT INTO skip_counts (source_id, reason, count) VALUES (?, ?, ?)');
    sc.run(1, 'not firewall traffic (dhcpd)', 10);
    sc.run(1, 'not firewall traffic', 2);
    sc.run(1, 'asa vpn message', 3);
    sc.run(1, 'sonicwall vpn message', 4);
    sc.run(1, 'mikrotik dhcp message', 5);
    sc.run(1, 'not a netfilter line', 6);
    sc.run(1, 'zeek header', 1);
    sc.run(1, 'w3c header', 1);
    const rj = old.prepare('INSERT INTO rejects (source_id, line, reason, sample) VALUES (?, ?, ?, ?)');
    rj.run(1, 7, 'truncated: no SRC/DST', 'kernel: TTL=50 ID=2 PROTO=TCP');
    rj.run(1, 9, 'unknown time zone', 'id=x time="2024-03-05 14:00:11 XYZ"');
    rj.run(1, 11, 'dropped: oversize', 'x');
    old.close();
  }

  const rows = (db: ReturnType<typeof openDb>, table: string) =>
    db.prepare(`SELECT source_id, reason, detail, count FROM ${table} ORDER BY source_id, reason, detail`).all();

  test('synonyms collapse onto one code with their counts added; details move to their own column', () => {
    const file = path.join(tempDir(), 'v6.db');
    oldDatabase(file);
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(7);
    expect(rows(db, 'reject_counts')).toEqual([
      { source_id: 1, reason: 'bad-field', detail: 'action', count: 1 },
      { source_id: 1, reason: 'bad-timestamp', detail: '', count: 18 },
      { source_id: 1, reason: 'dropped: oversize', detail: '', count: 9 },
      { source_id: 1, reason: 'no-addresses', detail: '', count: 10 },
      { source_id: 2, reason: 'no-addresses', detail: '', count: 3 },
    ]);
    expect(rows(db, 'skip_counts')).toEqual([
      { source_id: 1, reason: 'dhcp-message', detail: 'dhcp', count: 5 },
      { source_id: 1, reason: 'log-header', detail: '', count: 2 },
      { source_id: 1, reason: 'not-firewall', detail: '', count: 2 },
      { source_id: 1, reason: 'not-firewall', detail: 'dhcpd', count: 10 },
      { source_id: 1, reason: 'not-forced-format', detail: 'netfilter', count: 6 },
      { source_id: 1, reason: 'vpn-message', detail: '', count: 7 },
    ]);
    expect(db.prepare('SELECT line, reason, detail FROM rejects ORDER BY line').all()).toEqual([
      { line: 7, reason: 'no-addresses', detail: '' },
      { line: 9, reason: 'unknown-time-zone', detail: '' },
      { line: 11, reason: 'dropped: oversize', detail: '' },
    ]);
    db.close();
  });

  test('lines ingested after the migration count onto the migrated keys', async () => {
    const file = path.join(tempDir(), 'v6b.db');
    oldDatabase(file);
    const db = openDb(file);
    const log = path.join(tempDir(), 'new.log');
    fs.writeFileSync(
      log,
      [
        'Jun 14 09:15:08 gw kernel: TTL=50 ID=2 PROTO=TCP SPT=5001 DPT=23 SEQ=1 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 ',
        'Jun 14 09:15:09 gw dhcpd[812]: DHCPACK on 192.168.1.20 to 00:00:5e:00:53:01 via eth1',
        'Jun 14 09:15:10 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.10 LEN=40 TTL=50 ID=1 PROTO=TCP SPT=5000 DPT=23 SYN URGP=0 ',
      ].join('\n') + '\n',
    );
    await ingest(db, [log], { year: 2024 });
    const sum = (table: string, reason: string, detail = '') =>
      count(db, `SELECT sum(count) FROM ${table} WHERE reason = ? AND detail = ?`, reason, detail);
    expect(sum('reject_counts', 'no-addresses')).toBe(14);
    expect(sum('skip_counts', 'not-firewall', 'dhcpd')).toBe(11);
    expect(db.prepare("SELECT reason, detail FROM rejects WHERE sample LIKE '%SPT=5001%'").all()).toEqual([{ reason: 'no-addresses', detail: '' }]);
    db.close();
  });
});
