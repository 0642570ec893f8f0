/**
 * How detectors receive an event's log line: the text itself, or its index in the batch's line
 * table. Ingest passes indexes, so a line becomes a string only when a detector keeps it as
 * evidence (a few per source), not once for each of the hundreds of thousands of scans a big log
 * holds. Tests and callers with a line at hand pass the text.
 */
import { detach } from '../util/detach';

export type LineRef = string | number;

/**
 * A line a detector keeps as possible evidence: its text, or a handle into a batch the detector
 * still retains (see distinct/kept-lines.ts). Most kept lines are dropped
 * before an alert needs them, so most never become strings.
 */
export type KeptLine = string | number;

/** The lines of one batch; valid until the next batch is fed. */
export interface LineTable {
  text(i: number): string;
}

/** The text of `ref`, as a string that pins no bigger text: evidence is kept for hours. */
export function lineText(ref: LineRef, table: LineTable | undefined): string {
  if (typeof ref === 'string') return detach(ref);
  if (!table) throw new Error('a line index was passed with no line table');
  return table.text(ref);
}
