import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest, outboundLine, tempDir } from './helpers/db';
import { buildMmdb } from './helpers/mmdb-writer';
import { canonicalAddress, geoLookup, ipHistory, renderIpHistory, reverseLookup, type ReverseResolver } from '../reports/ip-history';
import { addTrusted } from '../src/store/trust-store';

const SCANNER = '198.51.100.7';
const INSIDE = '192.168.1.50';

async function scenario() {
  const { db, dir } = freshDb();
  const lines = [
    inboundLine('Jun 14 10:00:00', SCANNER, 23),
    inboundLine('Jun 14 10:05:00', SCANNER, 23),
    inboundLine('Jun 14 10:06:00', SCANNER, 445),
    inboundLine('Jun 14 10:07:00', SCANNER, 443, 'ACK PSH'), // a late packet, not a scan
    inboundLine('Jun 14 11:00:00', '198.51.100.8', 23), // someone else
    inboundLine('Jun 15 18:29:59', SCANNER, 5060, '', 'UDP'), // 23:59:59 in Kolkata (+05:30)
    inboundLine('Jun 15 18:30:00', SCANNER, 5060, '', 'UDP'), // 00:00:00 the next day there
    outboundLine('Jun 15 12:00:00', INSIDE, SCANNER, 443), // an inside host talking to it
  ];
  // A worm burst from the inside host: 30 outside hosts on 445 within a minute.
  for (let i = 0; i < 30; i++) lines.push(outboundLine(`Jun 16 09:00:${String(i).padStart(2, '0')}`, INSIDE, `203.0.113.${100 + i}`, 445));
  const file = path.join(dir, 'ip.log');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  await ingest(db, [file], { year: 2024 });
  return db;
}

describe('ip history', () => {
  test('an outside scanner: span, classes, ports, days, peers — as source and destination', async () => {
    const db = await scenario();
    const h = ipHistory(db, SCANNER, { tz: 'UTC' });
    expect(h).toMatchObject({ address: SCANNER, home: false, trusted: [], first: '2024-06-14T10:00:00+00:00', last: '2024-06-15T18:30:00+00:00', alerts: [] });
    expect(h.asSource).toMatchObject({ events: 6, packets: 6, peers: 1, ports: 4, first: '2024-06-14T10:00:00+00:00', last: '2024-06-15T18:30:00+00:00' });
    expect(h.asSource.classes).toEqual([{ class: 'scan', events: 5 }, { class: 'late', events: 1 }]);
    expect(h.asSource.topPorts.map((p) => [p.port, p.proto, p.events])).toEqual([[23, 'tcp', 2], [5060, 'udp', 2], [443, 'tcp', 1], [445, 'tcp', 1]]);
    expect(h.asSource.topPorts[0]).toMatchObject({ first: '2024-06-14T10:00:00+00:00', last: '2024-06-14T10:05:00+00:00' });
    expect(h.asSource.days).toEqual([{ date: '2024-06-14', events: 4 }, { date: '2024-06-15', events: 2 }]);
    expect(h.asSource.topPeers).toEqual([{ address: '203.0.113.10', events: 6 }]);
    expect(h.asDestination).toMatchObject({ events: 1, peers: 1, classes: [{ class: 'outbound', events: 1 }], topPeers: [{ address: INSIDE, events: 1 }] });
    expect(h.asDestination.topPorts).toMatchObject([{ port: 443, proto: 'tcp', events: 1 }]);
  });

  test('days are local days of --tz, exact for half-hour zones', async () => {
    const db = await scenario();
    const h = ipHistory(db, SCANNER, { tz: 'Asia/Kolkata' });
    expect(h.asSource.days).toEqual([{ date: '2024-06-14', events: 4 }, { date: '2024-06-15', events: 1 }, { date: '2024-06-16', events: 1 }]);
    expect(h.first).toBe('2024-06-14T15:30:00+05:30');
    expect(() => ipHistory(db, SCANNER, { tz: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });

  test('an inside host: its outbound history and its alerts', async () => {
    const db = await scenario();
    const h = ipHistory(db, INSIDE, { tz: 'UTC', top: 3 });
    expect(h.home).toBe(true);
    expect(h.asSource).toMatchObject({ events: 31, peers: 31, ports: 2, classes: [{ class: 'outbound', events: 31 }] });
    expect(h.asSource.topPorts.map((p) => p.port)).toEqual([445, 443]);
    expect(h.asSource.topPeers).toHaveLength(3); // bounded by top
    expect(h.asDestination.events).toBe(0);
    expect(h.alerts).toEqual([expect.objectContaining({ kind: 'worm', port: 445, proto: 'tcp', first: '2024-06-16T09:00:00+00:00' })]);
    expect(h.alerts[0].destinations).toBeGreaterThanOrEqual(25);
  });

  test('trust: which entry covers it, and its events counted as trusted', async () => {
    const db = await scenario();
    addTrusted(db, '198.51.100.0/24', 'our monitoring');
    addTrusted(db, '192.0.2.0/24');
    const h = ipHistory(db, SCANNER, { tz: 'UTC' });
    expect(h.trusted).toEqual([{ cidr: '198.51.100.0/24', note: 'our monitoring', expires: null }]);
    expect(h.asSource.classes).toEqual([{ class: 'trusted', events: 6 }]);
    expect(renderIpHistory(h, 'table')).toMatch(/trusted\s+198\.51\.100\.0\/24 \(our monitoring\)/);
  });

  test('an unknown address has an empty history; a bad one is an error; IPv6 is matched in stored form', async () => {
    const db = await scenario();
    const h = ipHistory(db, '203.0.113.250', { tz: 'UTC' });
    expect(h).toMatchObject({ first: null, last: null, asSource: { events: 0, days: [] }, asDestination: { events: 0 } });
    expect(renderIpHistory(h, 'table')).toContain('(no events)');
    expect(() => ipHistory(db, '198.51.100.300')).toThrow(/not an IP address/);
    expect(() => ipHistory(db, "1' OR '1'='1")).toThrow(/not an IP address/);
    expect(canonicalAddress(' 2001:DB8:0:0::7 ')).toBe('2001:db8::7');
  });

  test('renders table, Markdown and JSON; the wanted address is the temp table only while asked', async () => {
    const db = await scenario();
    const h = ipHistory(db, SCANNER, { tz: 'UTC' });
    const table = renderIpHistory(h, 'table');
    expect(table).toMatch(/^ip\s+198\.51\.100\.7\n/);
    expect(table).toMatch(/As source: 6 events, 2024-06-14T10:00:00\+00:00 … 2024-06-15T18:30:00\+00:00 \(UTC\)/);
    expect(table).toMatch(/2024-06-14\s+4/);
    const md = renderIpHistory(h, 'md');
    expect(md).toContain('## As destination: 1 event,');
    expect(md).toContain('| 23 | tcp | 2 |');
    expect(JSON.parse(renderIpHistory(h, 'json')).asSource.events).toBe(6);
    expect(db.prepare('SELECT count(*) FROM temp.ip_hits').pluck().get()).toBe(0);
  });
});

describe('reverse DNS', () => {
  test('names, no PTR, failure', async () => {
    expect(await reverseLookup(SCANNER, async () => ['scanner.example.net'])).toEqual({ status: 'ok', names: ['scanner.example.net'] });
    const notFound: ReverseResolver = async () => {
      throw Object.assign(new Error('getHostByAddr ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await reverseLookup(SCANNER, notFound)).toEqual({ status: 'no PTR', names: [] });
    expect(await reverseLookup(SCANNER, async () => [])).toEqual({ status: 'no PTR', names: [] });
    const refused: ReverseResolver = async () => {
      throw Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    };
    expect(await reverseLookup(SCANNER, refused)).toEqual({ status: 'failed', names: [], error: 'ECONNREFUSED' });
  });

  test('a resolver that never answers: "timed out" on time, and the query is aborted', async () => {
    let aborted = false;
    const hang: ReverseResolver = (_ip, signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    };
    const t0 = Date.now();
    expect(await reverseLookup(SCANNER, hang, 100)).toEqual({ status: 'timed out', names: [] });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(aborted).toBe(true);
  });

  test('a hostile PTR name cannot put control characters on the terminal', async () => {
    const db = await scenario();
    const h = ipHistory(db, SCANNER, { tz: 'UTC' });
    h.reverseDns = await reverseLookup(SCANNER, async () => ['evil\x1b[2J.example.net']);
    const table = renderIpHistory(h, 'table');
    expect(table).not.toContain('\x1b');
    expect(table).toContain('evil?[2J.example.net');
    expect(renderIpHistory(h, 'md')).not.toContain('\x1b'); // Markdown goes to terminals too
  });
});

describe('GeoIP from MaxMind databases', () => {
  const dir = tempDir();
  const country = path.join(dir, 'GeoLite2-Country.mmdb');
  const asn = path.join(dir, 'GeoLite2-ASN.mmdb');
  fs.writeFileSync(country, buildMmdb([
    ['198.51.100.0/24', { country: { iso_code: 'NL', names: { en: 'Netherlands', de: 'Niederlande' } }, continent: { code: 'EU' } }],
    ['198.51.0.0/16', { country: { iso_code: 'FR', names: { en: 'France' } } }],
    ['2001:db8::/32', { registered_country: { iso_code: 'JP', names: { en: 'Japan' } } }],
  ], { databaseType: 'GeoLite2-Country' }));
  fs.writeFileSync(asn, buildMmdb([
    ['198.51.100.0/25', { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit B.V.' }],
  ], { databaseType: 'GeoLite2-ASN' }));

  test('country and ASN, longest prefix first', async () => {
    expect(await geoLookup(SCANNER, [country, asn])).toEqual([
      { file: country, type: 'GeoLite2-Country', found: true, country: 'NL', countryName: 'Netherlands', city: undefined, asn: undefined, asOrg: undefined },
      { file: asn, type: 'GeoLite2-ASN', found: true, country: undefined, countryName: undefined, city: undefined, asn: 64500, asOrg: 'Example Transit B.V.' },
    ]);
    expect((await geoLookup('198.51.7.1', [country]))[0]).toMatchObject({ found: true, country: 'FR' });
    expect((await geoLookup('2001:db8::7', [country]))[0]).toMatchObject({ found: true, country: 'JP' });
    expect(await geoLookup('198.51.100.200', [asn])).toEqual([{ file: asn, type: 'GeoLite2-ASN', found: false }]);
  });

  test('in the rendered history', async () => {
    const db = await scenario();
    const h = ipHistory(db, SCANNER, { tz: 'UTC' });
    h.geoip = await geoLookup(SCANNER, [country, asn]);
    const table = renderIpHistory(h, 'table');
    expect(table).toMatch(/geoip\s+NL Netherlands \(GeoLite2-Country\)/);
    expect(table).toMatch(/geoip\s+AS64500 Example Transit B\.V\. \(GeoLite2-ASN\)/);
  });

  test('a file that is not a MaxMind database is a clear error', async () => {
    const junk = path.join(dir, 'junk.mmdb');
    fs.writeFileSync(junk, 'not a database at all');
    await expect(geoLookup(SCANNER, [junk])).rejects.toThrow(/--geoip .*junk\.mmdb: not a readable MaxMind database/);
    await expect(geoLookup(SCANNER, [path.join(dir, 'absent.mmdb')])).rejects.toThrow(/not a readable MaxMind database/);
  });
});
