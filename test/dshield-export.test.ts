import fs from 'node:fs';
import path from 'node:path';
import { count, freshDb, inboundLine, ingest, outboundLine } from './helpers/db';
import { dshieldFlags, exportDshield, type DshieldExportOptions } from '../src/act/dshield-export';
import { dshieldCommand } from '../src/cli/commands/export';
import { addTrusted } from '../src/store/trust-store';
import { PARSERS } from '../parsers';
import { parseInput } from '../src/pipeline/parse-only';
import { openInput } from '../src/sources/inputs';
import { Tally } from '../src/pipeline/tally';
import { CidrSet, DEFAULT_HOME } from '../src/classify/networks';
import type { DB } from '../src/store/db';

const icmpLine = (stamp: string, src: string) =>
  `${stamp} gw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=${src} DST=203.0.113.10 LEN=28 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1`;

async function scenario() {
  const { db, dir, file } = freshDb();
  const lines = [
    inboundLine('Jun 14 10:00:00', '198.51.100.1', 23),
    inboundLine('Jun 14 10:00:05', '198.51.100.2', 5060, '', 'UDP'),
    icmpLine('Jun 14 10:00:10', '198.51.100.3'),
    inboundLine('Jun 14 10:00:15', '198.51.100.4', 80, 'URG PSH FIN'), // an Xmas scan
    inboundLine('Jun 14 10:00:20', '198.51.100.5', 443, 'ACK PSH'), // late packet: not exported
    outboundLine('Jun 14 10:00:25', '192.168.1.50', '198.51.100.6', 443), // outbound: not exported
    inboundLine('Jun 14 10:00:30', '192.0.2.9', 22), // trusted below: not exported
    // A DShield line among the others (detection is per line): three packets in one line.
    '2024-06-14 11:00:00 +00:00\t0\t3\t198.51.100.9\t4444\t192.168.1.10\t8080\t6\tS',
    inboundLine('Jun 14 23:59:59', '198.51.100.6', 23),
    inboundLine('Jun 15 00:00:00', '198.51.100.7', 23),
  ];
  fs.writeFileSync(path.join(dir, 'a.log'), lines.join('\n') + '\n');
  await ingest(db, [path.join(dir, 'a.log')], { year: 2024 });
  addTrusted(db, '192.0.2.9');
  return { db, dir, file };
}

async function run(db: DB, opts: DshieldExportOptions) {
  let out = '';
  let finished = 0;
  const r = await exportDshield(db, { write: (s) => void (out += s), finish: () => void finished++ }, opts);
  expect(finished).toBe(1);
  return { out, r, lines: out.split('\n').filter(Boolean) };
}

describe('DShield export format', () => {
  test('one line per inbound scan: date zone, userid, count, src, sport, dst, dport, protocol number, flags', async () => {
    const { db } = await scenario();
    const { out, r } = (await run(db, { date: '2024-06-14', tz: 'UTC', userid: '12345' }));
    expect(out).toBe([
      '2024-06-14 10:00:00 +00:00\t12345\t1\t198.51.100.1\t40000\t203.0.113.10\t23\t6\tS',
      '2024-06-14 10:00:05 +00:00\t12345\t1\t198.51.100.2\t40000\t203.0.113.10\t5060\t17\t',
      '2024-06-14 10:00:10 +00:00\t12345\t1\t198.51.100.3\t8\t203.0.113.10\t0\t1\t', // ICMP: type, code
      '2024-06-14 10:00:15 +00:00\t12345\t1\t198.51.100.4\t40000\t203.0.113.10\t80\t6\tUPF',
      '2024-06-14 11:00:00 +00:00\t12345\t3\t198.51.100.9\t4444\t192.168.1.10\t8080\t6\tS',
      '2024-06-14 23:59:59 +00:00\t12345\t1\t198.51.100.6\t40000\t203.0.113.10\t23\t6\tS',
    ].join('\n') + '\n');
    expect(r).toEqual({ date: '2024-06-14', tz: 'UTC', written: 6, earlierRuns: 0, earlierEvents: 0 });
  });

  test('flag letters in 12UAPRSF order', () => {
    expect(dshieldFlags('SYN')).toBe('S');
    expect(dshieldFlags('ACK SYN')).toBe('AS');
    expect(dshieldFlags('CWR ECE URG ACK PSH RST SYN FIN')).toBe('12UAPRSF');
    expect(dshieldFlags('')).toBe('');
    expect(dshieldFlags(null)).toBe('');
  });

  test('the day and the stamps are local to --tz', async () => {
    const { db } = await scenario();
    const { lines } = (await run(db, { date: '2024-06-15', tz: 'Europe/Berlin' }));
    expect(lines).toEqual([
      '2024-06-15 01:59:59 +02:00\t0\t1\t198.51.100.6\t40000\t203.0.113.10\t23\t6\tS',
      '2024-06-15 02:00:00 +02:00\t0\t1\t198.51.100.7\t40000\t203.0.113.10\t23\t6\tS',
    ]);
    expect((await run(db, { date: '2024-06-14', tz: 'Asia/Kolkata' })).lines[0]).toMatch(/^2024-06-14 15:30:00 \+05:30\t/);
  });

  test('default date: yesterday in the zone', async () => {
    const { db } = await scenario();
    const now = Date.UTC(2024, 5, 15, 12, 0, 0); // already Jun 16 in Auckland
    expect((await run(db, { tz: 'UTC', now })).r.date).toBe('2024-06-14');
    expect((await run(db, { tz: 'Pacific/Auckland', now })).r.date).toBe('2024-06-15');
  });

  test('bad user id, bad date, bad zone', async () => {
    const { db } = await scenario();
    await expect(run(db, { date: '2024-06-14', userid: '12; rm' })).rejects.toThrow(/--userid/);
    await expect(run(db, { date: '2024-02-30' })).rejects.toThrow(/not a calendar date/);
    await expect(run(db, { date: '2024-06-14', tz: 'Nowhere/Land' })).rejects.toThrow(/unknown time zone/);
  });
});

describe('never the same event twice', () => {
  test('a second run writes nothing; new events of that day are written once; --again re-exports', async () => {
    const { db, dir } = await scenario();
    expect((await run(db, { date: '2024-06-14', tz: 'UTC' })).r.written).toBe(6);
    expect((await run(db, { date: '2024-06-14', tz: 'UTC' })).r).toMatchObject({ written: 0, earlierRuns: 1, earlierEvents: 6 });

    // A late file with one more scan that day (and one on another day).
    fs.writeFileSync(path.join(dir, 'b.log'), [inboundLine('Jun 14 12:00:00', '198.51.100.20', 3389), inboundLine('Jun 16 08:00:00', '198.51.100.21', 23)].join('\n') + '\n');
    await ingest(db, [path.join(dir, 'b.log')], { year: 2024 });
    const third = (await run(db, { date: '2024-06-14', tz: 'UTC' }));
    expect(third.lines).toEqual(['2024-06-14 12:00:00 +00:00\t0\t1\t198.51.100.20\t40000\t203.0.113.10\t3389\t6\tS']);
    expect((await run(db, { date: '2024-06-14', tz: 'UTC' })).r.written).toBe(0);

    const again = (await run(db, { date: '2024-06-14', tz: 'UTC', again: true }));
    expect(again.r.written).toBe(7);
    expect((await run(db, { date: '2024-06-14', tz: 'UTC' })).r.written).toBe(0);
    // One small row per run that wrote something, not one per event.
    expect(count(db, 'SELECT count(*) FROM dshield_export')).toBe(3);
  });

  test('a day in another zone overlapping an exported one only writes what was not sent', async () => {
    const { db } = await scenario();
    (await run(db, { date: '2024-06-14', tz: 'UTC' }));
    // Berlin's Jun 15 starts at 22:00 UTC on Jun 14: the 23:59:59 scan went out with the UTC day.
    expect((await run(db, { date: '2024-06-15', tz: 'Europe/Berlin' })).lines).toEqual(['2024-06-15 02:00:00 +02:00\t0\t1\t198.51.100.7\t40000\t203.0.113.10\t23\t6\tS']);
  });

  test('a run whose output fails is not remembered', async () => {
    const { db } = await scenario();
    await expect(exportDshield(db, { write: () => { throw new Error('disk full'); }, finish: () => undefined }, { date: '2024-06-14', tz: 'UTC' })).rejects.toThrow('disk full');
    expect((await run(db, { date: '2024-06-14', tz: 'UTC' })).r.written).toBe(6);
  });
});

describe('command', () => {
  test('--out writes the file; a repeat says so and leaves the file alone', async () => {
    const { db, dir, file } = await scenario();
    db.close();
    const out = path.join(dir, 'dshield-2024-06-14.txt');
    expect(await dshieldCommand({ db: file, date: '2024-06-14', tz: 'UTC', out })).toBe(`exported 6 inbound scans of 2024-06-14 (UTC) to ${out}\n`);
    const first = fs.readFileSync(out, 'utf8');
    expect(first.split('\n').filter(Boolean)).toHaveLength(6);
    expect(await dshieldCommand({ db: file, date: '2024-06-14', tz: 'UTC', out })).toBe('nothing new for 2024-06-14 (UTC): 6 events already exported in 1 run(s); --again exports them again\n');
    expect(fs.readFileSync(out, 'utf8')).toBe(first);
    expect(await dshieldCommand({ db: file, date: '2024-06-20', tz: 'UTC', out: path.join(dir, 'none.txt') })).toBe('no inbound scans on 2024-06-20 (UTC)\n');
    expect(fs.existsSync(path.join(dir, 'none.txt'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);
  });
});

// Runs when the dshield import parser exists: what we export must read back as the same events.
(PARSERS.some((p) => p.id === 'dshield') ? describe : describe.skip)('round trip through the dshield parser', () => {
  test('portledger parse --format dshield reads the export back to the same events', async () => {
    const { db, dir } = await scenario();
    const file = path.join(dir, 'export.txt');
    fs.writeFileSync(file, (await run(db, { date: '2024-06-14', tz: 'America/New_York', userid: '42' })).out);
    const stored = db
      .prepare(
        `SELECT ts, src, sport, dst, dport, transport, tcp_flags, icmp_type, icmp_code, count FROM events_named
         WHERE class = 'scan' AND ts >= ? AND ts < ? ORDER BY ts, id`,
      )
      .all(Date.UTC(2024, 5, 14, 4), Date.UTC(2024, 5, 15, 4)) as Record<string, string | number | null>[];
    const settings = { home: new CidrSet(DEFAULT_HOME), wanIf: new Set<string>(), trusted: new CidrSet([]) };
    const parsed = [];
    for await (const r of parseInput(await openInput(file), settings, { tz: 'UTC', format: 'dshield' }, new Tally())) {
      expect(r.kind).toBe('event');
      if (r.kind === 'event') parsed.push(r.event);
    }
    const words = (f: string | null | undefined) => (f ? f.split(' ').sort().join(' ') : null);
    expect(parsed.map((e) => ({
      ts: e.ts, src: e.srcIp, sport: e.srcPort ?? null, dst: e.dstIp, dport: e.dstPort ?? null, transport: e.transport,
      tcp_flags: words(e.tcpFlags), icmp_type: e.icmpType ?? null, icmp_code: e.icmpCode ?? null, count: e.count ?? 1,
    }))).toEqual(stored.map((s) => ({ ...s, ts: Math.floor((s.ts as number) / 1000) * 1000, tcp_flags: words(s.tcp_flags as string | null) })));
    expect(parsed).toHaveLength(7);
  });
});
