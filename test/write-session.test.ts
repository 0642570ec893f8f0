/**
 * The write half ingest and live share (src/pipeline/write-session.ts): which stored source a
 * text continues, and a session's save and finish.
 */
import { closeDb } from '../src/store/db';
import { createSource, namedSource } from '../src/store/sources';
import { loadSettings } from '../src/store/settings';
import { matchSource, WriteSession } from '../src/pipeline/write-session';
import { sha256 } from '../src/util/hash';
import { TAIL_BYTES } from '../src/sources/fingerprint';
import { count, freshDb } from './helpers/db';

const text = Buffer.from('line one\nline two\nline three\n'.repeat(100));
const view = (t: Buffer) => ({ head: t.subarray(0, 64), size: t.length, bytesBefore: (o: number, l: number) => t.subarray(Math.max(0, o - l), o) });

describe('matchSource', () => {
  test('a text with a known head and the same bytes before the saved position continues that source', () => {
    const { db } = freshDb();
    const row = createSource(db, '/var/log/a', text.subarray(0, 64), 0);
    db.prepare('UPDATE sources SET offset = ?, tail_hash = ? WHERE id = ?').run(1000, sha256(text.subarray(1000 - TAIL_BYTES, 1000)), row.id);
    expect(matchSource(db, view(text))).toMatchObject({ id: row.id, offset: 1000 });
    closeDb(db);
  });

  test('other bytes before the saved position: a new text that starts alike', () => {
    const { db } = freshDb();
    const row = createSource(db, '/var/log/a', text.subarray(0, 64), 0);
    db.prepare('UPDATE sources SET offset = ?, tail_hash = ? WHERE id = ?').run(200, sha256(Buffer.from('something else')), row.id);
    expect(matchSource(db, view(text))).toBe('new');
    closeDb(db);
  });

  test('shorter than the saved position: not decided yet (a copy being written)', () => {
    const { db } = freshDb();
    const row = createSource(db, '/var/log/a', text.subarray(0, 64), 0);
    db.prepare('UPDATE sources SET offset = ? WHERE id = ?').run(500, row.id);
    expect(matchSource(db, view(text.subarray(0, 300)))).toBe('shorter');
    closeDb(db);
  });

  test('a text that cannot be re-read (stdin, gzip) trusts the saved position, whatever its size on disk', () => {
    const { db } = freshDb();
    const row = createSource(db, '/var/log/a.gz', text.subarray(0, 64), 0);
    db.prepare('UPDATE sources SET offset = ?, tail_hash = ? WHERE id = ?').run(500, 'x', row.id);
    expect(matchSource(db, { head: text.subarray(0, 64), size: 40 })).toMatchObject({ id: row.id });
    closeDb(db);
  });

  test('an unknown head is new; a syslog sender is known by its name', () => {
    const { db } = freshDb();
    expect(matchSource(db, view(Buffer.from('nothing like it')))).toBe('new');
    const a = namedSource(db, 'syslog udp 192.0.2.1', 0);
    expect(namedSource(db, 'syslog udp 192.0.2.1', 1).id).toBe(a.id);
    expect(count(db, 'SELECT count(*) FROM sources')).toBe(1);
    closeDb(db);
  });
});

describe('WriteSession', () => {
  test('pins the rollup zone on first use and keeps the stored one after', () => {
    const { db } = freshDb();
    expect(new WriteSession(db, { tz: 'Europe/Berlin', live: false, slowScans: false }).rollupTz).toBe('Europe/Berlin');
    expect(new WriteSession(db, { tz: 'UTC', live: true, slowScans: true }).rollupTz).toBe('Europe/Berlin');
    expect(loadSettings(db).tz).toBe('Europe/Berlin');
    closeDb(db);
  });

  test('finish saves the slow-scan memory (a live session) and runs each write through the given step', () => {
    const { db } = freshDb();
    const s = new WriteSession(db, { tz: 'UTC', live: true, slowScans: true });
    const steps: number[] = [];
    s.finish((fn) => {
      steps.push(steps.length);
      return fn();
    });
    expect(steps).toHaveLength(3);
    expect(count(db, "SELECT count(*) FROM detector_state WHERE detector = 'scan'")).toBe(1);
    closeDb(db);
  });
});
