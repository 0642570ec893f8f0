/**
 * Issue 12: a TCP / UDP scan whose destination port the router did not log (Netgear's DoS lines)
 * is counted under "not logged" — port -1 in the rollups, `"port": null` in JSON — not under
 * port 0, which stays for probes of port 0 and for protocols without ports (GRE).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDb } from '../src/store/db';
import { settleRollups } from '../src/store/rollups';
import { portsReport, sourcesPerHourReport } from '../reports/queries';
import { PORT_DAY_COLUMNS, SOURCES_HOUR_COLUMNS } from '../reports/columns';
import { render } from '../reports/render';
import { buildReport } from '../reports/daily-data';
import { renderDailyCsv, renderDailyMd } from '../reports/daily-md';
import { renderDailyHtml } from '../reports/daily-html';
import { ipHistory, renderIpHistory } from '../reports/ip-history';
import { count, freshDb, ingest, tempDir } from './helpers/db';

const DAY = 'Friday, June 14, 2024';
const LOG = [
  `[DoS Attack: TCP Port Scan] from source: 203.0.113.5, port 4444, ${DAY} 10:00:00`,
  `[DoS Attack: TCP Port Scan] from source: 203.0.113.6, port 4445, ${DAY} 10:00:01`,
  `[DoS Attack: UDP Port Scan] from source: 203.0.113.5, port 5353, ${DAY} 10:00:02`,
  `[DoS Attack: TCP/UDP Chargen] from source: 203.0.113.7, port 40000, ${DAY} 10:00:03`,
  // A probe of TCP port 0, and GRE (no ports at all): both port 0.
  'Jun 14 10:00:04 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.8 DST=192.0.2.10 LEN=40 TTL=50 ID=1 PROTO=TCP SPT=4000 DPT=0 WINDOW=1024 RES=0x00 SYN URGP=0',
  'Jun 14 10:00:05 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.10 LEN=40 TTL=50 ID=2 PROTO=47',
].join('\n');

const simple = (rows: { port: number | null; proto: string; events: number }[]) => rows.map(({ port, proto, events }) => ({ port, proto, events }));

describe('a scan without a logged destination port', () => {
  test('counts under port null ("not logged"), apart from port 0 and from portless protocols', async () => {
    const { db } = freshDb();
    await ingest(db, [{ stdin: LOG + '\n' }], { tz: 'UTC', year: 2024 });
    // Most events first, then by port with "not logged" before port 0.
    const expected = [
      { port: null, proto: 'tcp', events: 2 },
      { port: null, proto: 'udp', events: 1 },
      { port: 0, proto: 'gre', events: 1 },
      { port: 0, proto: 'tcp', events: 1 },
      { port: 19, proto: 'unknown', events: 1 },
    ];
    const rows = portsReport(db, { from: '2024-06-14', to: '2024-06-14' });
    expect(simple(rows)).toEqual(expected);
    // Counted from the events (another zone) the same way.
    expect(simple(portsReport(db, { from: '2024-06-14', to: '2024-06-14', tz: 'Europe/Berlin' }))).toEqual(expected);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-14', port: null, proto: 'tcp' })).toHaveLength(1);
    expect(count(db, 'SELECT count(*) FROM port_day WHERE port = -1')).toBe(2);

    expect(JSON.parse(render(rows, PORT_DAY_COLUMNS, 'json')).rows[0]).toEqual({ date: '2024-06-14', port: null, proto: 'tcp', events: 2, sources: 2, targets: 1 });
    expect(render(rows, PORT_DAY_COLUMNS, 'table')).toMatch(/2024-06-14\s+not logged\s+tcp\s+2/);
    expect(render(rows, PORT_DAY_COLUMNS, 'csv')).toContain('2024-06-14,not logged,tcp,2,2,1');
    expect(render(rows, PORT_DAY_COLUMNS, 'md')).toContain('| 2024-06-14 | not logged | tcp | 2 |');
    const hours = sourcesPerHourReport(db, { date: '2024-06-14' });
    expect(hours.filter((h) => h.port === null).map((h) => h.proto).sort()).toEqual(['tcp', 'udp']);
    expect(render(hours, SOURCES_HOUR_COLUMNS, 'table')).toContain('not logged');
  });

  test('the daily report and the address page say "not logged"', async () => {
    const { db } = freshDb();
    await ingest(db, [{ stdin: LOG + '\n' }], { tz: 'UTC', year: 2024 });
    const r = buildReport(db, '2024-06-14', '2024-06-14');
    expect(r.ports.find((p) => p.port === null && p.proto === 'tcp')).toMatchObject({ events: 2, name: null, new: true });
    expect(r.ports.find((p) => p.port === 0 && p.proto === 'tcp')).toMatchObject({ events: 1 });
    expect(r.topSources.find((s) => s.ip === '203.0.113.5')!.topPorts.sort()).toEqual(['tcp, port not logged', 'udp, port not logged']);
    expect(renderDailyMd(r)).toContain('| not logged | tcp |');
    expect(renderDailyCsv(r)[0].text).toContain('not logged,tcp,');
    expect(renderDailyHtml(r)).toContain('<td>not logged</td><td>tcp</td>');
    expect(JSON.parse(JSON.stringify(r)).ports.some((p: { port: unknown }) => p.port === null)).toBe(true);

    const h = ipHistory(db, '203.0.113.5');
    expect(h.asSource.topPorts.map((p) => [p.port, p.proto]).sort()).toEqual([[null, 'tcp'], [null, 'udp']]);
    expect(renderIpHistory(h, 'table')).toContain('not logged');
  });
});

describe('migration 010: stored rollups move from port 0 to "not logged"', () => {
  test('hours with a port-0 TCP / UDP row are recounted from the events', () => {
    const file = path.join(tempDir(), 'v7.db');
    const old = new Database(file);
    const schema = path.resolve(__dirname, '../schema');
    for (const f of fs.readdirSync(schema).filter((n) => /^\d+_/.test(n)).sort()) {
      if (parseInt(f, 10) > 7) break;
      old.exec(fs.readFileSync(path.join(schema, f), 'utf8'));
    }
    old.pragma('user_version = 7');
    old.prepare("INSERT INTO config (key, value) VALUES ('tz', '\"UTC\"')").run();
    old.prepare("INSERT INTO sources (id, name, fp_hash, fp_len, first_seen, last_seen) VALUES (1, 'x.log', 'h', 10, 0, 0)").run();
    old.prepare("INSERT INTO codes (field, code, name) VALUES ('format', 1, 'netgear'), ('reason', 1, 'tcp'), ('transport', 1, 'tcp'), ('transport', 2, 'gre')").run();
    const ts = Date.UTC(2024, 5, 14, 10);
    const hour = Math.floor(ts / 3_600_000);
    const ins = old.prepare('INSERT INTO events (ts, source_id, line, format, action, direction, class, reason, transport, src, dst, dport) VALUES (?, 1, ?, 1, 1, 1, 1, 1, ?, ?, ?, ?)');
    ins.run(ts, 1, 1, '203.0.113.5', '', null); // tcp, port not logged
    ins.run(ts + 1, 2, 1, '203.0.113.6', '192.0.2.1', 0); // tcp port 0
    ins.run(ts + 2, 3, 2, '203.0.113.7', '192.0.2.1', null); // gre
    // The rollups as the old rule wrote them: both TCP scans under port 0.
    old.prepare("INSERT INTO port_hour (hour, port, proto, events, sources) VALUES (?, 0, 'tcp', 2, 2), (?, 0, 'gre', 1, 1)").run(hour, hour);
    old.prepare("INSERT INTO port_day (day, port, proto, events, sources, targets) VALUES (?, 0, 'tcp', 2, 2, 2), (?, 0, 'gre', 1, 1, 1)").run(Math.floor(hour / 24), Math.floor(hour / 24));
    old.close();

    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(10);
    expect(count(db, 'SELECT count(*) FROM dirty_hour WHERE hour = ?', hour)).toBe(1);
    // Before the recount, reports count the dirty day from the events.
    const expected = [
      { port: null, proto: 'tcp', events: 1 },
      { port: 0, proto: 'gre', events: 1 },
      { port: 0, proto: 'tcp', events: 1 },
    ];
    expect(simple(portsReport(db, { from: '2024-06-14', to: '2024-06-14' }))).toEqual(expected);
    settleRollups(db);
    expect(count(db, 'SELECT count(*) FROM dirty_hour')).toBe(0);
    expect(db.prepare('SELECT port, proto, events FROM port_day ORDER BY proto, port').all()).toEqual([
      { port: 0, proto: 'gre', events: 1 },
      { port: -1, proto: 'tcp', events: 1 },
      { port: 0, proto: 'tcp', events: 1 },
    ]);
    expect(simple(portsReport(db, { from: '2024-06-14', to: '2024-06-14' }))).toEqual(expected);
    db.close();
  });
});
