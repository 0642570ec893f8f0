/**
 * A detector's saved memory is stored in parts (schema/016): it must read back exactly — any
 * text, non-ASCII and surrogate pairs across a part boundary — and a shorter state saved after a
 * longer one must leave none of the longer one's parts behind.
 */
import { openDb, closeDb } from '../src/store/db';
import { loadDetectorState, saveDetectorState } from '../src/store/detector-state';

describe('detector state in parts', () => {
  test('a state of many parts reads back exactly, a surrogate pair on a boundary kept whole', () => {
    const db = openDb(':memory:');
    // With parts of 4 characters the pair starting at index 3 would straddle the first boundary.
    const state = 'abc\u{1f680}déf — 防火墙 "x":[1,2,3] \u{1f680}\u{1f680}z';
    saveDetectorState(db, 'scan', state, 4);
    expect(db.prepare('SELECT count(*) FROM detector_state_parts').pluck().get()).toBeGreaterThan(5);
    expect(loadDetectorState(db, 'scan')).toBe(state);
    const stored = db.prepare("SELECT state FROM detector_state UNION ALL SELECT text FROM detector_state_parts").pluck().all() as string[];
    expect(stored.join('').includes('\ufffd')).toBe(false);
    closeDb(db);
  });

  test('a shorter state replaces a longer one whole; other detectors keep theirs', () => {
    const db = openDb(':memory:');
    saveDetectorState(db, 'scan', 'x'.repeat(50), 8);
    saveDetectorState(db, 'other', 'y'.repeat(20), 8);
    saveDetectorState(db, 'scan', 'short', 8);
    expect(loadDetectorState(db, 'scan')).toBe('short');
    expect(loadDetectorState(db, 'other')).toBe('y'.repeat(20));
    expect(db.prepare("SELECT count(*) FROM detector_state_parts WHERE detector = 'scan'").pluck().get()).toBe(0);
    expect(loadDetectorState(db, 'none')).toBeUndefined();
    saveDetectorState(db, 'scan', '', 8);
    expect(loadDetectorState(db, 'scan')).toBe('');
    closeDb(db);
  });

  test('a state saved in one piece before schema 016 reads as it was', () => {
    const db = openDb(':memory:');
    db.prepare('INSERT INTO detector_state (detector, state, saved) VALUES (?, ?, ?)').run('scan', '{"format":"old"}', 1);
    expect(loadDetectorState(db, 'scan')).toBe('{"format":"old"}');
    closeDb(db);
  });

  test('the default part size: a state of a few MB is stored in parts of at most 1 Mi characters', () => {
    const db = openDb(':memory:');
    const state = JSON.stringify({ lines: Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'é'.repeat(60)}`) });
    saveDetectorState(db, 'scan', state);
    const longest = db.prepare('SELECT max(length(text)) FROM detector_state_parts').pluck().get() as number;
    expect(longest).toBeLessThanOrEqual(1 << 20);
    expect(loadDetectorState(db, 'scan')).toBe(state);
    closeDb(db);
  });
});
