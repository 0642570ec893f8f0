/**
 * Renderers shared by every report: table (for a terminal), CSV, JSON and Markdown.
 * Log content (and a file name from the command line) is attacker-controlled: control characters
 * never reach the terminal in any of the text formats, CSV cells that a spreadsheet would run as
 * a formula are neutralized, Markdown cells are escaped. JSON escapes control characters itself.
 * Tables fit the terminal they are printed on (TableStyle) and may colour alerts and levels.
 */
import { terminalSafe } from '../src/util/terminal-text';
import { displayWidth, padTo, truncateStartTo, truncateTo } from '../src/util/terminal-width';

export type OutputFormat = 'table' | 'csv' | 'json' | 'md';
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'csv', 'json', 'md'];

/** How a cell stands out on a colour terminal: alerts and danger levels. */
export type Tone = 'danger' | 'warning' | 'notice' | 'good';

export interface Column<R> {
  key: keyof R & string;
  title: string;
  align?: 'left' | 'right';
  /** Which end of a cell too long for the terminal is cut (default the end; `start` for paths). */
  cut?: 'start' | 'end';
  /** The cell's tone, if any (used only when the table is rendered with colour). */
  tone?: (value: unknown, row: R) => Tone | undefined;
  /** What table, CSV and Markdown show for a null value (`not logged` for a port); JSON keeps null. */
  empty?: string;
}

/** The port of a TCP / UDP scan whose destination port the device did not log. */
export const PORT_NOT_LOGGED_TEXT = 'not logged';

/** `23/tcp`, or `tcp, port not logged`. */
export function portLabel(port: number | null, proto: string): string {
  return port === null ? `${proto}, port ${PORT_NOT_LOGGED_TEXT}` : `${port}/${proto}`;
}

/**
 * What the terminal a table goes to allows. `width`: its columns — text cells are cut with `…`
 * so that the table fits and columns never run together (numbers are never cut); undefined in
 * a pipe, where nothing is cut. `color`: ANSI colour for cells with a tone.
 */
export interface TableStyle {
  width?: number;
  color?: boolean;
}

const GAP = '  ';

const SGR: Record<Tone, string> = { danger: '\x1b[1;31m', warning: '\x1b[33m', notice: '\x1b[36m', good: '\x1b[32m' };
const RESET = '\x1b[0m';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = { [k: string]: any };

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * A cell a spreadsheet would not evaluate: text starting with = + - @ (or tab/CR) gets a quote;
 * control characters become `?` (CSV is printed to terminals too).
 */
export function csvCell(v: unknown): string {
  let s = terminalSafe(cellText(v));
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function mdCell(v: unknown): string {
  return terminalSafe(cellText(v).replace(/\r?\n/g, ' ')).replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`);
}

function tableCell(v: unknown): string {
  return terminalSafe(cellText(v));
}

/** The text a cell shows: a null value as its column's `empty` text. */
function cellValue<R>(r: R, c: Column<R>): unknown {
  const v = (r as Row)[c.key];
  return (v === null || v === undefined) && c.empty !== undefined ? c.empty : v;
}

/**
 * Column widths that fit `width`: numbers (right-aligned) keep theirs; text columns share what
 * is left, the widest shrinking first (a water level), none below a few characters. When even
 * that does not fit, the table is as narrow as it can be and the terminal wraps it.
 */
export function fitWidths(natural: number[], shrinkable: boolean[], width: number | undefined, floor: number[]): number[] {
  if (width === undefined) return natural;
  const total = (ws: number[]) => ws.reduce((a, b) => a + b, 0) + GAP.length * (ws.length - 1);
  if (total(natural) <= width) return natural;
  const at = (level: number) => natural.map((w, i) => (shrinkable[i] ? Math.min(w, Math.max(level, floor[i])) : w));
  let lo = 0;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(at(mid)) <= width) lo = mid;
    else hi = mid - 1;
  }
  const ws = at(lo);
  // Columns held at the level get the columns still free, one each, left to right.
  let spare = width - total(ws);
  for (let i = 0; i < ws.length && spare > 0; i++) {
    if (shrinkable[i] && ws[i] < natural[i]) {
      ws[i]++;
      spare--;
    }
  }
  return ws;
}

function table<R extends object>(rows: R[], columns: Column<R>[], style: TableStyle): string {
  const cells = rows.map((r) => columns.map((c) => tableCell(cellValue(r, c))));
  const natural = columns.map((c, i) => {
    let w = displayWidth(c.title);
    for (const row of cells) w = Math.max(w, displayWidth(row[i]));
    return w;
  });
  const shrinkable = columns.map((c) => c.align !== 'right');
  const floor = columns.map((c, i) => Math.min(natural[i], Math.max(6, Math.min(displayWidth(c.title), 12))));
  const widths = fitWidths(natural, shrinkable, style.width, floor);
  const line = (vals: string[], tones?: (Tone | undefined)[]) =>
    vals
      .map((v, i) => {
        const text = padTo(columns[i].cut === 'start' ? truncateStartTo(v, widths[i]) : truncateTo(v, widths[i]), widths[i], columns[i].align);
        const tone = tones?.[i];
        if (!tone) return text;
        // Colour the text, not the padding, so that the gap stays plain.
        const m = /^(\s*)(.*?)(\s*)$/s.exec(text)!;
        if (!m[2]) return text;
        return `${m[1]}${SGR[tone]}${m[2]}${RESET}${m[3]}`;
      })
      .join(GAP)
      .trimEnd();
  const body = rows.map((r, k) => line(cells[k], style.color ? columns.map((c) => c.tone?.((r as Row)[c.key], r)) : undefined));
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...body].join('\n') + '\n';
}

export function render<R extends object>(rows: R[], columns: Column<R>[], format: OutputFormat, empty = 'no rows', style: TableStyle = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ rows }, null, 0) + '\n';
    case 'csv':
      return [columns.map((c) => csvCell(c.key)).join(','), ...rows.map((r) => columns.map((c) => csvCell(cellValue(r, c))).join(','))].join('\n') + '\n';
    case 'md': {
      const head = `| ${columns.map((c) => mdCell(c.title)).join(' | ')} |`;
      const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join('|')}|`;
      return [head, rule, ...rows.map((r) => `| ${columns.map((c) => mdCell(cellValue(r, c))).join(' | ')} |`)].join('\n') + '\n';
    }
    case 'table':
      return rows.length === 0 ? `(${empty})\n` : table(rows, columns, style);
  }
}
