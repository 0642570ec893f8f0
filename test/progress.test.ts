/**
 * The ingest progress bar's model: it follows what is stored (committed), not what the reader
 * has read ahead, and names the finishing phase after the last batch. Times are arguments: no
 * clock, no timing in the test.
 */
import { IngestProgress } from '../src/cli/progress';
import type { StoredProgress } from '../src/pipeline/ingest';

const stored = (p: Partial<StoredProgress>): StoredProgress => ({
  offset: 0, lines: 0, events: 0, fromOffset: 0, fromLines: 0, readDisk: 0, readText: 0, ...p,
});

describe('ingest progress', () => {
  test('tracks stored text, not what the reader read ahead', () => {
    const m = new IngestProgress();
    m.start('fw.log', 1000, false, 0);
    // The reader is at 900 bytes; 400 are stored.
    m.update(stored({ offset: 400, lines: 4, events: 3, readDisk: 900, readText: 900 }));
    expect(m.fraction()).toBeCloseTo(0.4);
    expect(m.status(2000)).toBe('3 events stored | 2 lines/s | ETA 3s');
    expect(m.line(2000, 10)).toBe('fw.log |████░░░░░░| 40% | 3 events stored | 2 lines/s | ETA 3s');
  });

  test('is never 100 % before the last batch is stored, then is', () => {
    const m = new IngestProgress();
    m.start('fw.log', 1000, false, 0);
    m.update(stored({ offset: 1000, lines: 10, events: 10, readDisk: 1000, readText: 1000 }));
    expect(m.fraction()).toBeLessThan(1);
    m.fileDone();
    expect(m.fraction()).toBe(1);
    expect(m.status(1000)).not.toMatch(/ETA/);
  });

  test('names each finishing step with its time after the last batch, instead of a blank', () => {
    const m = new IngestProgress();
    m.start('fw.log', 1000, false, 0);
    m.update(stored({ offset: 1000, lines: 10, events: 10 }));
    m.fileDone();
    m.finishing('rollups', 5000);
    expect(m.fraction()).toBe(1);
    expect(m.status(7500)).toBe('finishing: settling the report rollups (3s)');
    m.finishing('checkpoint', 8000);
    expect(m.line(8000, 4)).toBe('fw.log |████| 100% | finishing: writing the database file (WAL checkpoint) (0s)');
  });

  test('a continued source shows its whole-file position and this run\'s rate', () => {
    const m = new IngestProgress();
    m.start('fw.log', 1000, false, 0);
    m.update(stored({ offset: 800, lines: 80, events: 5, fromOffset: 600, fromLines: 60, readDisk: 1000, readText: 1000 }));
    expect(m.fraction()).toBeCloseTo(0.8);
    // 20 lines in 2 s; 200 bytes in 2 s leaves 200 bytes: 2 s.
    expect(m.status(2000)).toBe('5 events stored | 10 lines/s | ETA 2s');
  });

  test('a gzip\'s text size is estimated from the text per disk byte read so far', () => {
    const m = new IngestProgress();
    m.start('fw.log.gz', 100, true, 0);
    expect(m.fraction()).toBeUndefined();
    // 50 disk bytes held 500 bytes of text: about 1000 in all; 250 are stored.
    m.update(stored({ offset: 250, lines: 2, events: 2, readDisk: 50, readText: 500 }));
    expect(m.fraction()).toBeCloseTo(0.25);
  });

  test('stdin (no size) shows counts without a bar or an ETA', () => {
    const m = new IngestProgress();
    m.start('-', 0, false, 0);
    expect(m.line(0, 10)).toBe('- | reading…');
    m.update(stored({ offset: 100, lines: 1000, events: 900 }));
    expect(m.fraction()).toBeUndefined();
    expect(m.line(1000, 10)).toBe('- | 900 events stored | 1,000 lines/s');
  });

  test('escapes control characters in the file name', () => {
    const m = new IngestProgress();
    m.start('evil\u001b[2Jname', 10, false, 0);
    expect(m.line(0, 4)).not.toContain('\u001b');
  });
});
