import { WormDetector } from '../src/detectors/worm';
import { count, freshDb, ingest, outboundLine } from './helpers/db';
import { alertsReport } from '../reports/queries';
import fs from 'node:fs';
import path from 'node:path';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);

describe('worm detector', () => {
  test('a burst to many outside hosts on 445 opens one episode, updated, not re-raised', () => {
    const d = new WormDetector({ threshold: 25, windowMs: 300_000, port: 445 });
    const seen: number[] = [];
    for (let i = 0; i < 60; i++) {
      const a = d.observe('192.168.1.50', `198.51.100.${i + 1}`, 445, 'tcp', T0 + i * 2000, `line ${i}`);
      if (a) seen.push(a.destinations);
    }
    expect(seen[0]).toBe(25); // opened on the 25th distinct destination
    const alerts = d.drainChanged();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ host: '192.168.1.50', destinations: 60, first: T0, last: T0 + 59 * 2000, peak: 60, threshold: 25 });
    expect(alerts[0].evidence.firstLine).toBe('line 0');
    expect(alerts[0].evidence.lastLine).toBe('line 59');
    expect(alerts[0].evidence.sampleDestinations).toHaveLength(20);
  });

  test('a busy file-share client never triggers it; neither does a slow trickle; other ports are ignored', () => {
    const d = new WormDetector({ threshold: 25, windowMs: 300_000, port: 445 });
    for (let i = 0; i < 5000; i++) d.observe('192.168.1.20', `198.51.100.${(i % 3) + 1}`, 445, 'tcp', T0 + i * 100, 'x');
    for (let i = 0; i < 100; i++) d.observe('192.168.1.30', `192.0.2.${i + 1}`, 445, 'tcp', T0 + i * 20_000, 'x'); // 15 per window
    for (let i = 0; i < 100; i++) d.observe('192.168.1.40', `192.0.2.${i + 1}`, 443, 'tcp', T0 + i * 100, 'x');
    expect(d.drainChanged()).toEqual([]);
  });

  test('a host quiet for a whole window starts a new episode', () => {
    const d = new WormDetector({ threshold: 5, windowMs: 60_000, port: 445 });
    for (let i = 0; i < 5; i++) d.observe('10.0.0.5', `192.0.2.${i}`, 445, 'tcp', T0 + i * 1000, 'a');
    for (let i = 0; i < 5; i++) d.observe('10.0.0.5', `192.0.2.${i + 10}`, 445, 'tcp', T0 + 600_000 + i * 1000, 'b');
    expect(d.drainChanged()).toHaveLength(2);
  });

  test('through ingest: the alert is stored with its evidence and shown by `alerts`', async () => {
    const { db, dir } = freshDb();
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(outboundLine(`Jun 14 14:0${Math.floor(i / 10)}:${String((i % 10) * 5).padStart(2, '0')}`, '192.168.1.50', `203.0.113.${i + 20}`, 445));
    for (let i = 0; i < 50; i++) lines.push(outboundLine(`Jun 14 15:${String(i).padStart(2, '0')}:00`, '192.168.1.20', '198.51.100.20', 445));
    const file = path.join(dir, 'worm.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await ingest(db, [file], { year: 2024 });
    expect(count(db, 'SELECT count(*) FROM alerts')).toBe(1);
    const [a] = alertsReport(db, { tz: 'UTC' });
    expect(a).toMatchObject({ kind: 'worm', host: '192.168.1.50', port: 445, proto: 'tcp', destinations: 30, first: '2024-06-14T14:00:00+00:00', last: '2024-06-14T14:02:45+00:00' });
    expect((a.evidence as { firstLine: string }).firstLine).toBe(lines[0]);
    // Re-ingesting the same file raises nothing twice.
    await ingest(db, [file], { year: 2024 });
    expect(count(db, 'SELECT count(*) FROM alerts')).toBe(1);
  });
});
