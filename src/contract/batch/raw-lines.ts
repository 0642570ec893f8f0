/**
 * The raw lines of the rows the write half looks at one by one (scans, outbound to the worm
 * port), as a UTF-8 column (utf8-column.ts) with the row each belongs to. A line is decoded
 * only when a detector keeps it as evidence — structured-cloning the text of ~850,000 scans per
 * million lines cost both threads a tenth of the ingest and ~30 MB of memory.
 */
import { Utf8ColumnReader, Utf8ColumnWriter, type Utf8Column } from './utf8-column';

export interface RawLines {
  /** Row index in the batch, per line. */
  rows: Int32Array;
  lines: Utf8Column;
}

/** Collects the lines of one batch; `take` hands them over and starts afresh. */
export class RawLineWriter {
  private rows = new Int32Array(1024);
  private readonly lines: Utf8ColumnWriter;

  constructor(initialBytes = 256 * 1024) {
    this.lines = new Utf8ColumnWriter(initialBytes);
  }

  add(row: number, text: string): void {
    const n = this.lines.count;
    if (n === this.rows.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(this.rows);
      this.rows = bigger;
    }
    this.rows[n] = row;
    this.lines.add(text);
  }

  take(): RawLines {
    const rows = this.rows.slice(0, this.lines.count);
    return { rows, lines: this.lines.take() };
  }
}

/** Reads lines back by their index in a batch's `RawLines`. */
export class RawLineTable extends Utf8ColumnReader {
  constructor(raws: RawLines) {
    super(raws.lines);
  }
}
