/**
 * The dashboard keeps daily reports in memory (reports/report-cache.ts): a kept report must be
 * exactly the report built now, whatever changed in the store meanwhile, and kept only while
 * nothing it depends on changed. Each step compares with a report built from scratch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freshDb, inboundLine, ingest } from './helpers/db';
import { DailyReportCache } from '../reports/report-cache';
import { buildReport } from '../reports/daily-data';
import { renderDailyHtml } from '../reports/daily-html';
import { addTrusted } from '../src/store/trust-store';
import { pruneEvents } from '../src/store/prune';
import { putConfig } from '../src/store/settings';

const DAY = '2024-06-15';

function day(d: number, n: number, src = (i: number) => `198.51.100.${i % 40}`): string[] {
  return Array.from({ length: n }, (_, i) => inboundLine(`Jun ${d} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`, src(i), [23, 445, 22][i % 3]));
}

/** Two days ingested from one file, a report cache over them, and the check that its report is the one built now. */
async function twoDaysKept() {
  const { db, dir } = freshDb();
  const file = path.join(dir, 'fw.log');
  fs.writeFileSync(file, [...day(14, 50), ...day(15, 80)].join('\n') + '\n');
  await ingest(db, [file], { year: 2024, tz: 'UTC' });
  const cache = new DailyReportCache(db);
  const same = () => expect(cache.get(DAY)).toEqual(buildReport(db, DAY, DAY));
  return { db, dir, file, cache, same };
}

describe('kept daily reports', () => {
  test('kept while the past stays as it is, built again when it changes, always the report built now', async () => {
    const { db, dir, file, cache, same } = await twoDaysKept();

    same();
    same();
    expect(cache.builds).toBe(1);

    // Events of a later day (the same input, read further): kept; coverage and totals read again.
    fs.appendFileSync(file, [...day(16, 30), 'Jun 16 12:00:00 gw kernel: DROP IN=eth0 garbage that is not a packet'].join('\n') + '\n');
    await ingest(db, [file], { year: 2024, tz: 'UTC' });
    same();
    expect(cache.builds).toBe(1);
    const html = cache.rendered(DAY, 'html', renderDailyHtml);
    // (the chart library numbers its style classes per rendering)
    const plain = (h: string) => h.replace(/zr\d+-(cls-)?\d*/g, 'zr');
    expect(plain(html)).toBe(plain(renderDailyHtml(buildReport(db, DAY, DAY))));
    expect(cache.rendered(DAY, 'html', () => 'not rendered again')).toBe(html);

    // A late event of the day itself, from another input: built again.
    const late = path.join(dir, 'late.log');
    fs.writeFileSync(late, day(15, 1, () => '192.0.2.77').join('\n') + '\n');
    await ingest(db, [late], { year: 2024, tz: 'UTC' });
    same();
    expect(cache.builds).toBe(2);
    expect(cache.fullReads).toBe(1); // its pass, kept while it was the latest day, took the new row
    expect(cache.get(DAY).totals).toMatchObject({ scans: 81, sources: 41 });

    // An event before the day changes "seen before" of its sources: built again.
    const older = path.join(dir, 'older.log');
    fs.writeFileSync(older, day(13, 1, () => '198.51.100.5').join('\n') + '\n');
    await ingest(db, [older], { year: 2024, tz: 'UTC' });
    same();
    expect(cache.builds).toBe(3);

    // A trust change reclassifies past events: built again.
    addTrusted(db, '198.51.100.0/28', 'monitoring');
    same();
    expect(cache.builds).toBe(4);
    same();
    expect(cache.builds).toBe(4);

    // A setting that decides classes (home networks) or a prune: built again.
    putConfig(db, 'home', ['10.9.0.0/16']);
    same();
    expect(cache.builds).toBe(5);
    pruneEvents(db, Date.UTC(2024, 5, 14, 12));
    same();
    expect(cache.builds).toBe(6);

    // Building ahead (the dashboard's idle time): only what is not kept.
    expect(cache.keepAhead(DAY)).toBe(false);
    expect(cache.keepAhead('2024-06-14')).toBe(true);
    expect(cache.keepAhead('2024-06-14')).toBe(false);
    expect(cache.builds).toBe(7);
  });

  test('the latest day: rows added since are added to the kept count, the report the same as built now', async () => {
    const { db, dir, file, cache, same } = await twoDaysKept();
    same();
    // The live day goes on (the same input read further, then another input, new sources and ports).
    fs.appendFileSync(file, day(15, 30, (i) => `203.0.113.${i % 7}`).join('\n') + '\n');
    await ingest(db, [file], { year: 2024, tz: 'UTC' });
    expect(cache.keepAhead(DAY)).toBe(false); // only behind by rows: brought up to date when asked
    same();
    const other = path.join(dir, 'other.log');
    // New ports: 8080 first seen this day, 5060 this day and the day before (not new).
    const ports = ['Jun 15 20:00:00', 'Jun 15 20:01:00'].flatMap((t) => [inboundLine(t, '192.0.2.80', 8080), inboundLine(t, '192.0.2.80', 5060)]);
    fs.writeFileSync(other, [...day(15, 9, () => '192.0.2.77'), ...ports].join('\n') + '\n');
    await ingest(db, [other], { year: 2024, tz: 'UTC' });
    same();
    expect(cache.get(DAY).newPorts.map((p) => p.port)).toEqual([5060, 8080]);
    const older = path.join(dir, 'older.log');
    fs.writeFileSync(older, [inboundLine('Jun 14 09:00:00', '203.0.113.3', 5060)].join('\n') + '\n');
    await ingest(db, [older], { year: 2024, tz: 'UTC' });
    same();
    expect(cache.get(DAY).newPorts.map((p) => p.port)).toEqual([8080]);
    expect(cache.builds).toBe(4);
    expect(cache.fullReads).toBe(1);
    expect(cache.get(DAY).totals).toMatchObject({ scans: 123 });
    // A trust change: read whole again.
    addTrusted(db, '198.51.100.0/28', 'monitoring');
    same();
    expect(cache.fullReads).toBe(2);
  });

  test('a day waiting for its recount is not kept', async () => {
    const { db, dir } = freshDb();
    const file = path.join(dir, 'fw.log');
    fs.writeFileSync(file, day(15, 40).join('\n') + '\n');
    await ingest(db, [file], { year: 2024, tz: 'UTC' });
    db.prepare('INSERT INTO dirty_hour (hour, seq) VALUES (?, 1)').run(Math.floor(Date.UTC(2024, 5, 15) / 3_600_000));
    const cache = new DailyReportCache(db);
    expect(cache.keepAhead(DAY)).toBe(false); // not built ahead: it could not be kept
    expect(cache.builds).toBe(0);
    expect(cache.get(DAY)).toEqual(buildReport(db, DAY, DAY));
    cache.get(DAY);
    expect(cache.builds).toBe(2);
  });
});
