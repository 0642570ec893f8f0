import fs from 'node:fs';
import path from 'node:path';
import { count, freshDb, inboundLine, ingest } from './helpers/db';
import { portsReport, sourcesPerHourReport } from '../reports/queries';
import { render, csvCell } from '../reports/render';
import { PORT_DAY_COLUMNS } from '../reports/columns';
import { addTrusted, removeTrusted, listTrusted } from '../src/store/trust-store';
import { rebuildRollups } from '../src/store/rollups/rebuild';
import { changeSetting as setSetting } from '../src/config/settings';

async function scenario() {
  const { db, dir } = freshDb();
  const lines = [
    inboundLine('Jun 14 10:00:00', '198.51.100.1', 23),
    inboundLine('Jun 14 10:10:00', '198.51.100.1', 23),
    inboundLine('Jun 14 10:20:00', '198.51.100.2', 23),
    inboundLine('Jun 14 11:00:00', '192.0.2.50', 23),
    inboundLine('Jun 14 11:05:00', '192.0.2.50', 443, 'ACK PSH'), // late packet: not a scan
    inboundLine('Jun 14 12:00:00', '198.51.100.1', 5060, '', 'UDP'),
    inboundLine('Jun 15 09:00:00', '192.0.2.50', 23),
  ];
  const file = path.join(dir, 'trust.log');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  await ingest(db, [file], { year: 2024 });
  return db;
}

describe('reports', () => {
  test('ports: per port, protocol and day; late packets are not scans', async () => {
    const db = await scenario();
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-15' })).toEqual([
      { date: '2024-06-14', port: 23, proto: 'tcp', events: 4, sources: 3, targets: 1 },
      { date: '2024-06-14', port: 5060, proto: 'udp', events: 1, sources: 1, targets: 1 },
      { date: '2024-06-15', port: 23, proto: 'tcp', events: 1, sources: 1, targets: 1 },
    ]);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-15', proto: 'udp' })).toHaveLength(1);
    expect(portsReport(db, { port: 23 }).map((r) => r.date)).toEqual(['2024-06-14', '2024-06-15']); // default: the last 7 days with data
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'late'")).toBe(1);
  });

  test('sources per hour', async () => {
    const db = await scenario();
    expect(sourcesPerHourReport(db, { date: '2024-06-14' })).toEqual([
      { hour: '2024-06-14T10:00', port: 23, proto: 'tcp', sources: 2 },
      { hour: '2024-06-14T11:00', port: 23, proto: 'tcp', sources: 1 },
      { hour: '2024-06-14T12:00', port: 5060, proto: 'udp', sources: 1 },
    ]);
  });

  test('trust is retroactive both ways', async () => {
    const db = await scenario();
    const added = addTrusted(db, '192.0.2.0/24', 'our monitoring');
    expect(added).toEqual({ cidr: '192.0.2.0/24', events: 3 });
    expect(listTrusted(db)).toMatchObject([{ cidr: '192.0.2.0/24', note: 'our monitoring' }]);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-15' })).toEqual([
      { date: '2024-06-14', port: 23, proto: 'tcp', events: 3, sources: 2, targets: 1 },
      { date: '2024-06-14', port: 5060, proto: 'udp', events: 1, sources: 1, targets: 1 },
    ]);
    expect(sourcesPerHourReport(db, { date: '2024-06-14', port: 23 }).map((r) => r.hour)).toEqual(['2024-06-14T10:00']);
    // New lines from a trusted source are trusted as they arrive.
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'trusted' AND src = '192.0.2.50'")).toBe(3);
    expect(removeTrusted(db, '192.0.2.0/24')).toEqual({ cidr: '192.0.2.0/24', events: 3 });
    expect(count(db, "SELECT count(*) FROM events_named WHERE class = 'late'")).toBe(1);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-15' })[0]).toMatchObject({ events: 4, sources: 3 });
    expect(() => removeTrusted(db, '192.0.2.0/24')).toThrow(/not in the trusted list/);
  });

  test('rollups rebuilt in another zone match the events', async () => {
    const db = await scenario();
    setSetting(db, 'tz', 'America/New_York');
    expect(rebuildRollups(db)).toBe(6);
    expect(portsReport(db, { from: '2024-06-14', to: '2024-06-15' }).map((r) => [r.date, r.port, r.events])).toEqual([
      ['2024-06-14', 23, 4],
      ['2024-06-14', 5060, 1],
      ['2024-06-15', 23, 1],
    ]);
    expect(sourcesPerHourReport(db, { date: '2024-06-14' })[0].hour).toBe('2024-06-14T06:00');
  });

  test('renderers: JSON shape, CSV formula neutralization, markdown escaping', () => {
    const rows = [{ date: '2024-06-14', port: 23, proto: 'tcp', events: 4, sources: 3, targets: 1 }];
    expect(JSON.parse(render(rows, PORT_DAY_COLUMNS, 'json'))).toEqual({ rows });
    expect(render(rows, PORT_DAY_COLUMNS, 'csv')).toBe('date,port,proto,events,sources,targets\n2024-06-14,23,tcp,4,3,1\n');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(render([{ x: 'a|b<script>' }], [{ key: 'x', title: 'x' }], 'md')).toContain('a\\|b\\<script\\>');
    expect(render([{ x: 'bell\x07' }], [{ key: 'x', title: 'x' }], 'table')).toContain('bell?');
  });
});

describe('the default window in another zone', () => {
  test('a --tz other than the database zone still finds the latest data', async () => {
    const { db, dir } = freshDb();
    const file = path.join(dir, 'ny.log');
    // Written in New York; 9 scans on 2026-04-11 UTC, the evening before in New York.
    fs.writeFileSync(file, Array.from({ length: 9 }, (_, i) => inboundLine(`Apr 10 21:0${i}:00`, `198.51.100.${i + 1}`, 23)).join('\n') + '\n');
    await ingest(db, [file], { tz: 'America/New_York', year: 2026 });
    expect(portsReport(db, {})).toEqual([{ date: '2026-04-10', port: 23, proto: 'tcp', events: 9, sources: 9, targets: 1 }]);
    expect(portsReport(db, { tz: 'UTC' })).toEqual([{ date: '2026-04-11', port: 23, proto: 'tcp', events: 9, sources: 9, targets: 1 }]);
    expect(sourcesPerHourReport(db, { tz: 'UTC' })).toEqual([{ hour: '2026-04-11T01:00', port: 23, proto: 'tcp', sources: 9 }]);
  });
});
