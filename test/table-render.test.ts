/**
 * Tables fitted to the terminal (cut with an ellipsis, columns never run together, numbers
 * never cut), colour only where asked, control characters never through; and the CLI's
 * decisions on width, colour and the pager from the environment.
 */
import { fitWidths, render, type Column } from '../reports/render';
import { displayWidth, truncateStartTo, truncateTo } from '../src/util/terminal-width';
import { colorOn, terminalWidth } from '../src/cli/terminal';
import { pagerCommand, wantsPager } from '../src/cli/pager';

interface Row { name: string; count: number; note: string }
const COLS: Column<Row>[] = [
  { key: 'name', title: 'name' },
  { key: 'count', title: 'count', align: 'right' },
  { key: 'note', title: 'note', tone: (v) => (String(v).includes('bad') ? 'danger' : undefined) },
];
const rows: Row[] = [
  { name: 'a-rather-long-name-that-goes-on-and-on', count: 123456789, note: 'bad things happened here, and the note is long' },
  { name: 'short', count: 1, note: 'fine' },
];

const lines = (s: string) => s.trimEnd().split('\n');

describe('table fitted to a width', () => {
  test('without a width nothing is cut', () => {
    const out = render(rows, COLS, 'table');
    expect(out).toContain(rows[0].name);
    expect(out).toContain(rows[0].note);
    expect(out).not.toContain('…');
  });

  test.each([80, 60, 40, 30])('at %i columns every line fits, cut cells end in …, columns stay apart', (width) => {
    const out = lines(render(rows, COLS, 'table', 'none', { width }));
    for (const l of out) expect(displayWidth(l)).toBeLessThanOrEqual(width);
    expect(out.join('\n')).toContain('…');
    // Two spaces or more between every pair of cells: three fields on each line.
    for (const l of out) expect(l.split(/ {2,}/)).toHaveLength(3);
    // Numbers are never cut: a cut number would lie.
    expect(out[2]).toContain('123456789');
  });

  test('the widest text column gives way first', () => {
    expect(fitWidths([10, 5, 40], [true, false, true], 40, [6, 5, 6])).toEqual([10, 5, 21]);
    expect(fitWidths([30, 5, 30], [true, false, true], 40, [6, 5, 6])).toEqual([16, 5, 15]);
  });

  test('a terminal too narrow for the floors: as narrow as the floors, the terminal wraps', () => {
    expect(fitWidths([30, 5, 30], [true, false, true], 10, [6, 5, 6])).toEqual([6, 5, 6]);
  });

  test('wide characters take two columns', () => {
    expect(displayWidth('端口扫描')).toBe(8);
    expect(truncateTo('端口扫描器', 7)).toBe('端口扫…');
    expect(displayWidth(truncateTo('端口扫描器', 7))).toBeLessThanOrEqual(7);
    expect(truncateStartTo('/var/log/kern.log', 10)).toBe('…/kern.log');
  });

  test('colour only when asked, on the cell text and not the gap', () => {
    expect(render(rows, COLS, 'table', 'none', { width: 200 })).not.toContain('\x1b');
    const coloured = lines(render(rows, COLS, 'table', 'none', { width: 200, color: true }));
    expect(coloured[2]).toContain('\x1b[1;31mbad things happened here, and the note is long\x1b[0m');
    expect(coloured[3]).not.toContain('\x1b');
  });

  test('control characters from a log never pass, whatever the width or colour', () => {
    const evil = [{ name: 'x\x1b]0;owned\x07\x1b[2J', count: 1, note: 'bad\x1b[31m\nforged line' }];
    for (const style of [{}, { width: 20 }, { width: 20, color: true }]) {
      const out = render(evil, COLS, 'table', 'none', style).replace(/\x1b\[(1;31|0)m/g, '');
      expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
      expect(lines(out)).toHaveLength(3);
    }
  });
});

describe('what the terminal allows', () => {
  test('width: the terminal, or COLUMNS when set (also in a pipe), else none', () => {
    expect(terminalWidth({ isTTY: true, columns: 100 }, {})).toBe(100);
    expect(terminalWidth({ isTTY: false }, {})).toBeUndefined();
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '72' })).toBe(72);
    expect(terminalWidth({ isTTY: true, columns: 0 }, {})).toBeUndefined();
  });

  test('colour: on a terminal, off with NO_COLOR or TERM=dumb or in a pipe, FORCE_COLOR wins', () => {
    expect(colorOn({ isTTY: true }, { TERM: 'xterm' })).toBe(true);
    expect(colorOn({ isTTY: true }, { TERM: 'xterm', NO_COLOR: '1' })).toBe(false);
    expect(colorOn({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorOn({ isTTY: false }, {})).toBe(false);
    expect(colorOn({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorOn({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorOn({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value
  });

  test('pager: $PAGER, an empty one or cat is none, else less when installed; only on a terminal and for long output', () => {
    expect(pagerCommand({ PAGER: 'most', PATH: '' })).toBe('most');
    expect(pagerCommand({ PAGER: '', PATH: '/usr/bin:/bin' })).toBeUndefined();
    expect(pagerCommand({ PAGER: 'cat' })).toBeUndefined();
    expect(pagerCommand({ PORTLEDGER_PAGER: 'less -S', PAGER: 'more' })).toBe('less -S');
    expect(pagerCommand({ PATH: '/nonexistent' })).toBeUndefined();
    expect(wantsPager(100, {}, { isTTY: true, rows: 40 })).toBe(true);
    expect(wantsPager(10, {}, { isTTY: true, rows: 40 })).toBe(false);
    expect(wantsPager(100, { pager: false }, { isTTY: true, rows: 40 })).toBe(false);
    expect(wantsPager(100, {}, { isTTY: false, rows: 40 })).toBe(false);
  });
});
