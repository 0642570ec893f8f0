/**
 * How listings reach the user: the output format, --limit, notes on stderr, the table fitted to
 * the terminal (terminal.ts) and long output through the pager (pager.ts).
 */
import { OUTPUT_FORMATS, type OutputFormat } from '../../reports/render';
import { terminalSafe } from '../util/terminal-text';
import type { PagerFlags } from './pager';

export { show } from './pager';
export { tableStyle } from './terminal';

/** `--format`: a human table unless another format is asked for, on a terminal or in a pipe alike. */
export function outputFormat(v: string | undefined): OutputFormat {
  if (v === undefined) return 'table';
  if (!(OUTPUT_FORMATS as string[]).includes(v)) throw new Error(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  return v as OutputFormat;
}

/** What every listing takes: --format, --limit (or --top), --no-pager. */
export interface ListingFlags extends PagerFlags {
  format?: string;
  limit?: number;
  top?: number;
}

/** A line for the user on stderr (which period a report chose, rows left out, a warning), never mixed with the data. */
export function note(text: string): void {
  process.stderr.write(terminalSafe(text) + '\n');
}

/** At most --limit (or --top) rows; says on stderr how many were left out. */
export function limited<T>(rows: T[], f: ListingFlags): T[] {
  const n = f.limit ?? f.top;
  if (n === undefined || rows.length <= n) return rows;
  note(`showing ${n.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows (--limit to change)`);
  return rows.slice(0, n);
}
