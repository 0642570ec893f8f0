/**
 * The raw lines of the rows the write half looks at one by one (scans, outbound to the worm
 * port), as UTF-8 in one buffer with their end offsets. From the worker the buffers are
 * transferred, not copied, and a line is decoded only when a detector keeps it as evidence —
 * structured-cloning the text of ~850,000 scans per million lines cost both threads a tenth of
 * the ingest and ~30 MB of memory.
 */
import type { LineTable } from '../detectors/lines';

export interface RawLines {
  /** Row index in the batch, per line. */
  rows: Int32Array;
  /** End offset in `bytes` of each line; a line starts where the previous one ends. */
  ends: Int32Array;
  bytes: Uint8Array;
}

/** Collects the lines of one batch; `take` hands them over and starts afresh. */
export class RawLineWriter {
  private rows = new Int32Array(1024);
  private ends = new Int32Array(1024);
  private buf: Buffer;
  private n = 0;
  private used = 0;

  constructor(private readonly initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  add(row: number, text: string): void {
    if (this.n === this.rows.length) {
      this.rows = grow(this.rows);
      this.ends = grow(this.ends);
    }
    // UTF-8 needs at most three bytes per UTF-16 unit; Buffer.write truncates silently.
    const need = this.used + text.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(text, this.used);
    this.rows[this.n] = row;
    this.ends[this.n++] = this.used;
  }

  take(): RawLines {
    // Own buffers per batch, so the worker can transfer them.
    const out = { rows: this.rows.slice(0, this.n), ends: this.ends.slice(0, this.n), bytes: new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.used) };
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initialBytes, this.used + (this.used >> 2)));
    this.n = 0;
    this.used = 0;
    return out;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Reads lines back by their index in a batch's `RawLines`. */
export class RawLineTable implements LineTable {
  private readonly buf: Buffer;

  constructor(private readonly raws: RawLines) {
    this.buf = Buffer.from(raws.bytes.buffer, raws.bytes.byteOffset, raws.bytes.byteLength);
  }

  text(i: number): string {
    return this.buf.toString('utf8', i === 0 ? 0 : this.raws.ends[i - 1], this.raws.ends[i]);
  }
}
