/**
 * The port knowledge base (reports/knowledge/ports.json), the IANA lookups, the local history of
 * a port and `portledger port N`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ianaServices, knowledgeBase, knowledgeFile, portEntry, portHistory, portName, portReport, renderPortReport, type PortEntry } from '../reports/port-info';
import { packageRoot } from '../src/util/package-root';
import { freshDb, inboundLine, ingest } from './helpers/db';

const FIELDS = ['port', 'protocols', 'name', 'purpose', 'description', 'related', 'malware', 'inbound', 'outbound', 'advice'];
const TEXT_FIELDS = ['name', 'purpose', 'description', 'inbound', 'outbound', 'advice'] as const;
// The ports the issue asked for by number.
const REQUIRED = [
  445, 135, 137, 138, 139, 23, 2323, 22, 3389, 1433, 1434, 5000, 5555, 8080, 1900, 5060, 6379, 80, 443, 21, 25, 53, 110, 111, 123, 143, 161, 389, 465, 500, 502,
  587, 631, 993, 995, 1080, 1723, 1883, 2375, 2376, 3000, 3128, 3306, 4444, 4567, 5432, 5683, 5900, 5985, 5986, 6000, 6443, 7547, 8000, 8081, 8088, 8443, 8888,
  9000, 9090, 9200, 9999, 10000, 11211, 27017, 37215, 49152, 52869, 60001, 81, 88, 102, 119, 179, 427, 554, 873, 902, 1025, 1099, 1521, 2049, 2082, 2083, 2222,
  3333, 4443, 5001, 5353, 5431, 5984, 6001, 6666, 6667, 7001, 8009, 8139, 8291, 8545, 9001, 9100, 9600, 20000, 50000,
];

function checkShape(e: PortEntry, protocols: string[]): void {
  const where = `entry ${e.port}`;
  expect([where, Object.keys(e).sort()]).toEqual([where, [...FIELDS].sort()]);
  expect(Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535).toBe(true);
  for (const f of TEXT_FIELDS) {
    expect([where, f, typeof e[f] === 'string' && e[f].trim().length > 0 && e[f] === e[f].trim()]).toEqual([where, f, true]);
    expect([where, f, /[\x00-\x1f\x7f-\x9f]/.test(e[f])]).toEqual([where, f, false]);
  }
  expect([where, e.protocols.length > 0 && e.protocols.every((p) => protocols.includes(p)) && new Set(e.protocols).size === e.protocols.length]).toEqual([where, true]);
  expect([where, e.related.length > 0 && e.related.every((p) => Number.isInteger(p) && p !== e.port)]).toEqual([where, true]);
  expect([where, Array.isArray(e.malware) && e.malware.every((m) => typeof m === 'string' && m.trim().length > 0)]).toEqual([where, true]);
}

describe('knowledge base', () => {
  const kb = knowledgeBase();

  test('is found from the package root', () => {
    expect(knowledgeFile()).toBe(path.join(packageRoot(), 'reports', 'knowledge', 'ports.json'));
    expect(fs.existsSync(knowledgeFile())).toBe(true);
  });

  test('every entry is complete, unique and links only to entries that exist', () => {
    expect(kb.entries.length).toBeGreaterThanOrEqual(100);
    const ports = kb.entries.map((e) => e.port);
    expect(new Set(ports).size).toBe(ports.length);
    for (const e of kb.entries) checkShape(e, ['tcp', 'udp']);
    const known = new Set(ports);
    const dangling = kb.entries.flatMap((e) => e.related.filter((p) => !known.has(p)).map((p) => `${e.port}->${p}`));
    expect(dangling).toEqual([]);
  });

  test('ICMP pseudo-entries are complete and relate to ICMP types', () => {
    expect(kb.icmp.map((e) => e.port)).toContain(8);
    const types = new Set(kb.icmp.map((e) => e.port));
    for (const e of kb.icmp) {
      checkShape(e, ['icmp', 'ipv6-icmp']);
      expect(e.related.every((t) => types.has(t))).toBe(true);
    }
  });

  test('has every port the issue listed', () => {
    const have = new Set(kb.entries.map((e) => e.port));
    expect(REQUIRED.filter((p) => !have.has(p))).toEqual([]);
  });

  test('known facts', () => {
    const malware = (p: number) => portEntry(p)!.malware.join(' | ');
    expect(malware(445)).toMatch(/WannaCry/);
    expect(malware(445)).toMatch(/Sasser/);
    expect(malware(445)).toMatch(/Conficker/);
    expect(malware(1434)).toMatch(/Slammer/);
    expect(malware(5000)).toMatch(/Bobax/);
    for (const p of [23, 2323, 7547, 37215, 52869]) expect([p, malware(p)]).toEqual([p, expect.stringMatching(/Mirai/)]);
    expect(portEntry(1434)!.protocols).toEqual(['udp']);
    expect(portEntry(445)!.protocols).toEqual(['tcp']);
    expect(portEntry(137)!.protocols).toEqual(['udp']);
    expect(portEntry(3389)!.name).toMatch(/RDP/);
  });
});

describe('names and the IANA registry', () => {
  test('curated names win when they cover the protocol, else IANA', () => {
    expect(portName(445, 'tcp')).toBe('SMB (Microsoft-DS)');
    expect(portName(445, 'TCP')).toBe('SMB (Microsoft-DS)');
    // 1434 is curated for UDP only: TCP 1434 falls back to its IANA name.
    expect(portName(1434, 'udp')).toMatch(/SQL Server Browser/);
    expect(portName(1434, 'tcp')).toBe('ms-sql-m');
  });

  test('a port missing from the curated list gets its IANA name and descriptions', () => {
    expect(portEntry(31337)).toBeUndefined();
    expect(portName(31337, 'tcp')).toBe('eldim');
    expect(ianaServices(31337)).toEqual(expect.arrayContaining([expect.objectContaining({ proto: 'tcp', name: 'eldim' }), expect.objectContaining({ proto: 'udp', name: 'eldim' })]));
    expect(ianaServices(3306)).toContainEqual({ proto: 'tcp', name: 'mysql', description: 'MySQL' });
  });

  test('unassigned and reserved numbers have no name', () => {
    expect(ianaServices(37215)).toEqual([]);
    expect(portName(4, 'tcp')).toBeUndefined();
    expect(ianaServices(0)).toEqual([]);
  });

  test('ICMP types are named only as ICMP', () => {
    expect(portName(8, 'icmp')).toMatch(/echo request/);
    expect(portEntry(8, 'icmp')!.malware).toContain('Welchia (Nachi)');
    expect(portEntry(8)).toBeUndefined();
    expect(portName(8, 'tcp')).toBeUndefined();
    expect(portName(3, 'icmp')).toBeUndefined();
  });
});

// Scans of 445 over a few days. Late packets, other ports and the day before the window must
// not count; the window starts exactly at local midnight.
const LINES = [
  inboundLine('Apr  1 12:00:00', '192.0.2.50', 445),
  inboundLine('May 15 23:59:59', '192.0.2.60', 445),
  inboundLine('May 16 00:00:00', '192.0.2.61', 445),
  ...Array.from({ length: 3 }, () => inboundLine('Jun 13 10:00:00', '192.0.2.1', 445)),
  inboundLine('Jun 13 10:00:05', '192.0.2.2', 445),
  ...Array.from({ length: 2 }, () => inboundLine('Jun 14 02:00:00', '192.0.2.1', 445)),
  ...Array.from({ length: 4 }, () => inboundLine('Jun 14 10:00:00', '198.51.100.7', 445)),
  inboundLine('Jun 14 10:00:01', '198.51.100.9', 445, 'ACK'),
  inboundLine('Jun 14 10:00:02', '203.0.113.5', 445, '', 'UDP'),
  ...Array.from({ length: 5 }, () => inboundLine('Jun 14 11:00:00', '192.0.2.1', 23)),
  // ICMP echo: rolled up under port 8, which is not TCP/UDP port 8.
  inboundLine('Jun 14 12:00:00', '192.0.2.8', 0).replace(/PROTO=TCP.*/, 'PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1'),
].join('\n') + '\n';

describe('local history of a port', () => {
  let fixture: ReturnType<typeof freshDb>;
  beforeAll(async () => {
    fixture = freshDb();
    await ingest(fixture.db, [{ stdin: LINES }], { tz: 'UTC', year: 2024 });
  });
  afterAll(() => fixture.db.close());

  test('daily counts of the last 30 days and the top sources', () => {
    const h = portHistory(fixture.db, 445);
    expect(h).toMatchObject({ zone: 'UTC', from: '2024-05-16', to: '2024-06-14', firstSeen: '2024-04-01', lastSeen: '2024-06-14' });
    expect(h.days).toEqual([
      { date: '2024-05-16', port: 445, proto: 'tcp', events: 1, sources: 1, targets: 1 },
      { date: '2024-06-13', port: 445, proto: 'tcp', events: 4, sources: 2, targets: 1 },
      { date: '2024-06-14', port: 445, proto: 'tcp', events: 6, sources: 2, targets: 1 },
      { date: '2024-06-14', port: 445, proto: 'udp', events: 1, sources: 1, targets: 1 },
    ]);
    expect(h.topSources.map((s) => [s.src, s.events])).toEqual([
      ['192.0.2.1', 5],
      ['198.51.100.7', 4],
      ['192.0.2.2', 1],
      ['192.0.2.61', 1],
      ['203.0.113.5', 1],
    ]);
    expect(h.topSources[0]).toEqual({ src: '192.0.2.1', events: 5, targets: 1, first: '2024-06-13T10:00:00+00:00', last: '2024-06-14T02:00:00+00:00' });
  });

  test('one protocol, a shorter window, a limit', () => {
    const h = portHistory(fixture.db, 445, { proto: 'udp', days: 1 });
    expect(h.days).toEqual([{ date: '2024-06-14', port: 445, proto: 'udp', events: 1, sources: 1, targets: 1 }]);
    expect(h.topSources.map((s) => s.src)).toEqual(['203.0.113.5']);
    expect(portHistory(fixture.db, 445, { proto: 'tcp', top: 1 }).topSources.map((s) => s.src)).toEqual(['192.0.2.1']);
    expect(portHistory(fixture.db, 445, { proto: 'sctp' })).toMatchObject({ days: [], topSources: [], lastSeen: null });
    expect(portHistory(fixture.db, 8)).toMatchObject({ days: [], topSources: [], lastSeen: null });
    const ping = portHistory(fixture.db, 8, { proto: 'icmp' });
    expect(ping.days).toEqual([{ date: '2024-06-14', port: 8, proto: 'icmp', events: 1, sources: 1, targets: 1 }]);
    expect(ping.topSources.map((s) => s.src)).toEqual(['192.0.2.8']);
  });

  test('another zone moves events across days', () => {
    const h = portHistory(fixture.db, 445, { proto: 'tcp', tz: 'America/New_York' });
    expect(h.zone).toBe('America/New_York');
    const byDate = Object.fromEntries(h.days.map((d) => [d.date, d.events]));
    // 02:00 UTC on the 14th is the evening of the 13th in New York; 00:00 UTC on May 16 is May 15.
    expect(byDate).toMatchObject({ '2024-06-13': 6, '2024-06-14': 4 });
    expect(byDate['2024-05-16']).toBeUndefined();
    expect(h.topSources.map((s) => s.src)).not.toContain('192.0.2.61');
    expect(h.topSources[0]).toMatchObject({ src: '192.0.2.1', first: '2024-06-13T06:00:00-04:00' });
    expect(h.to).toBe('2024-06-14');
    // East of UTC the rollups' last day ends on the next local day, which the window keeps.
    expect(portHistory(fixture.db, 445, { tz: 'Asia/Tokyo' })).toMatchObject({ from: '2024-05-17', to: '2024-06-15' });
  });

  test('a port never seen, and a database with nothing in it', () => {
    const r = portReport(31337, { db: fixture.db, dbFile: fixture.file });
    expect(r.history).toMatchObject({ days: [], topSources: [], lastSeen: null });
    expect(r.notes.join('\n')).toMatch(/never scanned/);
    const empty = freshDb();
    try {
      expect(portHistory(empty.db, 445)).toMatchObject({ from: null, to: null, days: [], topSources: [], firstSeen: null });
    } finally {
      empty.db.close();
    }
    expect(portReport(445, { dbFile: '/nowhere/x.db' })).toMatchObject({ history: null, database: null, notes: [expect.stringContaining('no database at /nowhere/x.db')] });
  });

  test('renders as a table and Markdown', () => {
    const r = portReport(445, { db: fixture.db, dbFile: 'test.db' });
    const table = renderPortReport(r, 'table');
    expect(table).toMatch(/^Port 445 — SMB \(Microsoft-DS\)/);
    expect(table).toMatch(/malware +Sasser, Korgo/);
    expect(table).toMatch(/tcp +microsoft-ds +Microsoft-DS/);
    expect(table).toMatch(/2024-06-14 +tcp +6 +2 +1/);
    expect(table).toMatch(/192\.0\.2\.1 +5 +1 /);
    expect(table).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    const md = renderPortReport(r, 'md');
    expect(md).toMatch(/^## Port 445 — SMB \(Microsoft-DS\)\n/);
    expect(md).toContain('| 2024-06-14 | tcp | 6 | 2 | 1 |');
  });
});

const CLI = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const maybe = fs.existsSync(CLI) ? describe : describe.skip;

maybe('portledger port (built CLI)', () => {
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, PORTLEDGER_DB: '' } });
    return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
  };
  let fixture: ReturnType<typeof freshDb>;
  beforeAll(async () => {
    fixture = freshDb();
    await ingest(fixture.db, [{ stdin: LINES }], { tz: 'UTC', year: 2024 });
    fixture.db.close();
  });

  test('json with a database', () => {
    const r = run(['port', '445', '--db', fixture.file, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ port: 445, proto: null, entry: { name: 'SMB (Microsoft-DS)' }, database: fixture.file });
    expect(doc.iana).toContainEqual({ proto: 'tcp', name: 'microsoft-ds', description: 'Microsoft-DS' });
    expect(doc.related).toContainEqual({ port: 139, name: expect.stringMatching(/NetBIOS/) });
    expect(doc.history.days).toHaveLength(4);
    expect(doc.history.topSources[0]).toMatchObject({ src: '192.0.2.1', events: 5 });
    expect(doc.notes).toEqual([]);
  });

  test('json without a database, for an uncurated port, ICMP, and mistakes', () => {
    const none = JSON.parse(run(['port', '31337', '--db', path.join(fixture.dir, 'absent.db'), '--format', 'json']).out);
    expect(none).toMatchObject({ entry: null, history: null, iana: expect.arrayContaining([expect.objectContaining({ proto: 'tcp', name: 'eldim' })]) });
    expect(none.notes.join('\n')).toMatch(/no curated entry[\s\S]*no database at/);
    expect(fs.existsSync(path.join(fixture.dir, 'absent.db'))).toBe(false);
    const ping = JSON.parse(run(['port', '8', '--proto', 'icmp', '--db', fixture.file, '--format', 'json']).out);
    expect(ping).toMatchObject({ proto: 'icmp', entry: { port: 8, protocols: ['icmp'] }, iana: [] });
    expect(run(['port', '70000'])).toMatchObject({ code: 2, err: expect.stringContaining('not a port number') }); // a usage error
    expect(run(['port', '22', '--format', 'csv', '--db', fixture.file])).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are table, json, md') });
  });
});
