/**
 * How many terminal columns text takes, and cutting it to a width with an ellipsis. Tables are
 * fitted to the terminal with these: a log's text may hold East Asian wide characters or emoji
 * (two columns each) and combining marks (none), and padding by `length` would then run
 * columns together. Escaping is not done here: text is made terminal-safe first
 * (terminal-text.ts).
 */

/** Code points that take no column: combining marks, zero-width joiners, variation selectors. */
const ZERO = /[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u200b-\u200f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]/u;

/** Wide (two-column) ranges: Hangul Jamo, CJK, Hangul syllables, full-width forms, emoji. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function charWidth(ch: string): number {
  if (ZERO.test(ch)) return 0;
  return isWide(ch.codePointAt(0)!) ? 2 : 1;
}

/** Columns `s` takes on a terminal. ASCII (the common case) is its length. */
export function displayWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

export const ELLIPSIS = '…';

/** `s` cut to at most `width` columns, ending in `…` when something was cut. */
export function truncateTo(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + ELLIPSIS;
}

/** `s` cut to at most `width` columns from its start, beginning with `…` (a path keeps its file name). */
export function truncateStartTo(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  const chars = [...s];
  let out = '';
  let w = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const cw = charWidth(chars[i]);
    if (w + cw > width - 1) break;
    out = chars[i] + out;
    w += cw;
  }
  return ELLIPSIS + out;
}

/** `s` padded with spaces to `width` columns, on the right (`left` alignment) or on the left. */
export function padTo(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const pad = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'right' ? pad + s : s + pad;
}
