/**
 * Renderers shared by every report: table (for a terminal), CSV, JSON and Markdown.
 * Log content (and a file name from the command line) is attacker-controlled: control characters
 * never reach the terminal in any of the text formats, CSV cells that a spreadsheet would run as
 * a formula are neutralized, Markdown cells are escaped. JSON escapes control characters itself.
 */
import { terminalSafe } from '../src/util/terminal-text';

export type OutputFormat = 'table' | 'csv' | 'json' | 'md';
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'csv', 'json', 'md'];

export interface Column<R> {
  key: keyof R & string;
  title: string;
  align?: 'left' | 'right';
  /** What table, CSV and Markdown show for a null value (`not logged` for a port); JSON keeps null. */
  empty?: string;
}

/** The port of a TCP / UDP scan whose destination port the device did not log. */
export const PORT_NOT_LOGGED_TEXT = 'not logged';

/** `23/tcp`, or `tcp, port not logged`. */
export function portLabel(port: number | null, proto: string): string {
  return port === null ? `${proto}, port ${PORT_NOT_LOGGED_TEXT}` : `${port}/${proto}`;
}

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

export function render<R extends object>(rows: R[], columns: Column<R>[], format: OutputFormat, empty = 'no rows'): string {
  const get = (r: R, c: Column<R>): unknown => {
    const v = (r as Row)[c.key];
    return (v === null || v === undefined) && c.empty !== undefined ? c.empty : v;
  };
  switch (format) {
    case 'json':
      return JSON.stringify({ rows }, null, 0) + '\n';
    case 'csv':
      return [columns.map((c) => csvCell(c.key)).join(','), ...rows.map((r) => columns.map((c) => csvCell(get(r, c))).join(','))].join('\n') + '\n';
    case 'md': {
      const head = `| ${columns.map((c) => mdCell(c.title)).join(' | ')} |`;
      const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : ':---')).join('|')}|`;
      return [head, rule, ...rows.map((r) => `| ${columns.map((c) => mdCell(get(r, c))).join(' | ')} |`)].join('\n') + '\n';
    }
    case 'table': {
      if (rows.length === 0) return `(${empty})\n`;
      const cells = rows.map((r) => columns.map((c) => tableCell(get(r, c))));
      const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
      const line = (vals: string[]) =>
        vals.map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
      return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
    }
  }
}
