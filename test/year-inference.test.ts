/**
 * Year-less syslog stamps (`Dec 20 10:00:00`) get their year from when the log was last written:
 * the file's modification time, now for stdin and live input. A stamp later than that (allowing
 * a day of clock skew) belongs to the previous year. Before, only the month was compared: "Dec
 * 20" in a file modified on Dec 3 was stored as this year's Dec 20, in the future (7 events of
 * the shared corpus), and the default report window moved there, hiding the real data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createClock } from '../parsers/clock';
import { Tally } from '../src/pipeline/tally';
import { parseInput } from '../src/pipeline/parse-only';
import { openInput } from '../src/sources/inputs';
import { CidrSet } from '../src/classify/networks';
import { portsReport } from '../reports/queries';
import { CORPUS_ROOT, describeCorpus } from './helpers/corpus';
import { freshDb, inboundLine, ingest, bsdStampUtc } from './helpers/db';

const iso = (t: number) => new Date(t).toISOString();

/** `Dec 20 10:00:00` for UTC instant `t`. */
const stamp = bsdStampUtc;

/** A log file with one inbound line per stamp, last modified at `mtime`. */
function logFile(dir: string, stamps: string[], mtime: number): string {
  const file = path.join(dir, `kern-${mtime}.log`);
  fs.writeFileSync(file, stamps.map((s, i) => inboundLine(s, `203.0.113.${i + 1}`, 23) + '\n').join(''));
  fs.utimesSync(file, mtime / 1000, mtime / 1000);
  return file;
}

const stored = (db: ReturnType<typeof freshDb>['db']) => (db.prepare('SELECT ts FROM events ORDER BY id').pluck().all() as number[]).map(iso);

describe('a file: the year comes from its modification time', () => {
  test('"Dec 20" in a file modified on Dec 3 is last year\'s; Dec 1–3 this year\'s; a day of clock skew is allowed', async () => {
    const { db, dir } = freshDb();
    const mtime = Date.UTC(2026, 11, 3, 10);
    const file = logFile(dir, ['Dec  1 08:00:00', 'Dec  3 09:59:00', 'Dec  4 09:00:00', 'Dec 20 10:00:00', 'Nov 30 23:00:00'], mtime);
    await ingest(db, [file]);
    expect(stored(db)).toEqual(['2026-12-01T08:00:00.000Z', '2026-12-03T09:59:00.000Z', '2026-12-04T09:00:00.000Z', '2025-12-20T10:00:00.000Z', '2026-11-30T23:00:00.000Z']);
    // The default window ends with the latest real day, not in the future.
    expect(portsReport(db, {}).at(-1)?.date).toBe('2026-12-04');
    db.close();
  });

  test('a log running over New Year, read on Jan 2: December is the old year, January the new', async () => {
    const { db, dir } = freshDb();
    const file = logFile(dir, ['Dec 30 23:00:00', 'Dec 31 23:59:59', 'Jan  1 00:00:01', 'Jan  2 07:00:00'], Date.UTC(2027, 0, 2, 8));
    await ingest(db, [file]);
    expect(stored(db)).toEqual(['2026-12-30T23:00:00.000Z', '2026-12-31T23:59:59.000Z', '2027-01-01T00:00:01.000Z', '2027-01-02T07:00:00.000Z']);
    db.close();
  });

  test('a device clock a little ahead at New Year: "Jan 1 00:10" in a file modified on Dec 31 23:30 is the new year', async () => {
    const { db, dir } = freshDb();
    const file = logFile(dir, ['Dec 31 23:20:00', 'Jan  1 00:10:00'], Date.UTC(2026, 11, 31, 23, 30));
    await ingest(db, [file]);
    expect(stored(db)).toEqual(['2026-12-31T23:20:00.000Z', '2027-01-01T00:10:00.000Z']);
    db.close();
  });

  test('in the log\'s zone: "Dec 4 08:00" in Tokyo is Dec 3 23:00 UTC, this year\'s for a file modified on Dec 3 23:30 UTC', () => {
    const clock = createClock('Asia/Tokyo', { reference: () => Date.UTC(2026, 11, 3, 23, 30) });
    expect(clock.yearFor(12, 4, 8, 0, 0)).toBe(2026);
    expect(clock.yearFor(12, 6, 8, 0, 0)).toBe(2025);
  });

  test('Feb 29 goes to the latest year that has one, among the year before, this one and the next', () => {
    expect(createClock('UTC', { reference: () => Date.UTC(2025, 2, 1) }).yearFor(2, 29, 10, 0, 0)).toBe(2024);
    // No Feb 29 in 2025–2027: the clock names a year and the conversion finds no such day.
    const late = createClock('UTC', { reference: () => Date.UTC(2026, 11, 3) });
    expect(late.localToUtc(late.yearFor(2, 29, 10, 0, 0), 2, 29, 10, 0, 0)).toBeNaN();
  });
});

describe('stdin: the year comes from now', () => {
  test('a stamp 17 days ahead of now is last year\'s; one two hours ahead is now\'s (clock skew)', async () => {
    const now = Date.now();
    let ahead = Math.floor((now + 17 * 86_400_000) / 1000) * 1000;
    if (stamp(ahead).startsWith('Feb 29')) ahead += 86_400_000; // no Feb 29 a year earlier
    const soon = Math.floor((now + 2 * 3_600_000) / 1000) * 1000;
    const a = new Date(ahead);
    const lastYear = Date.UTC(a.getUTCFullYear() - 1, a.getUTCMonth(), a.getUTCDate(), a.getUTCHours(), a.getUTCMinutes(), a.getUTCSeconds());
    const { db } = freshDb();
    const text = [stamp(ahead), stamp(soon)].map((s, i) => inboundLine(s, `203.0.113.${i + 1}`, 23) + '\n').join('');
    await ingest(db, [{ stdin: text }]);
    expect(stored(db)).toEqual([iso(lastYear), iso(soon)]);
    db.close();
  });
});

describeCorpus('the shared corpus', '', () => {
  test('no event is later than the day after its file was last written (before: 7)', async () => {
    const files: string[] = [];
    for (const d of fs.readdirSync(CORPUS_ROOT, { withFileTypes: true })) {
      if (d.isDirectory()) for (const f of fs.readdirSync(path.join(CORPUS_ROOT, d.name))) files.push(path.join(CORPUS_ROOT, d.name, f));
    }
    const settings = { home: new CidrSet([]), wanIf: new Set<string>(), trusted: new CidrSet([]) };
    const future: string[] = [];
    let events = 0;
    const rangeRejects = new Tally();
    for (const file of files) {
      const input = await openInput(file);
      const mtime = input.reference();
      for await (const r of parseInput(input, settings, { tz: 'UTC' }, rangeRejects)) {
        if (r.kind !== 'event') continue;
        events++;
        if (r.event.ts > mtime) future.push(`${path.relative(CORPUS_ROOT, file)}:${r.record.line} ${iso(r.event.ts)}`);
      }
    }
    expect(events).toBeGreaterThan(1000);
    expect(future).toEqual([]);
    // The December lines went to the year before, not to the rejects.
    expect(rangeRejects.rejectReasons.get('time-out-of-range') ?? 0).toBe(0);
  }, 120_000);
}, 'MANIFEST.md');
