/**
 * A column of strings as UTF-8 in one buffer with end offsets: how text crosses from the parse
 * worker. The buffers are transferred, not copied, and the worker keeps no string of a batch
 * alive while it builds the next — slices of the log text held for a whole batch were what
 * made its heap grow. The reader decodes a string only when asked.
 */

export interface Utf8Column {
  /** End offset in `bytes` of each string; a string starts where the previous one ends. */
  ends: Int32Array;
  bytes: Uint8Array;
}

/** Collects one batch's strings; `take` hands them over and starts afresh. */
export class Utf8ColumnWriter {
  private ends = new Int32Array(1024);
  private buf: Buffer;
  private n = 0;
  private used = 0;

  constructor(private readonly initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  get count(): number {
    return this.n;
  }

  add(text: string): void {
    if (this.n === this.ends.length) {
      const bigger = new Int32Array(this.ends.length * 2);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    // UTF-8 needs at most three bytes per UTF-16 unit; Buffer.write truncates silently.
    const need = this.used + text.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used = text.length <= SHORT ? writeShort(this.buf, this.used, text) : this.used + this.buf.write(text, this.used);
    this.ends[this.n++] = this.used;
  }

  take(): Utf8Column {
    // Own buffers per batch, so the worker can transfer them — copies of exactly the bytes used.
    // Handing over the growing buffer itself sent up to twice the text's size (it doubles when a
    // batch outgrows the last), and the write thread holds several batches at once (in flight,
    // the detectors' evidence ring): copying is cheaper than the slack it held.
    const bytes = Buffer.allocUnsafeSlow(this.used);
    this.buf.copy(bytes, 0, 0, this.used);
    const out = { ends: this.ends.slice(0, this.n), bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, this.used) };
    // The buffer is kept for the next batch, unless one odd batch (a run of long lines) grew it.
    if (this.buf.length > 4 * Math.max(this.initialBytes, this.used)) this.buf = Buffer.allocUnsafeSlow(Math.max(this.initialBytes, 2 * this.used));
    this.n = 0;
    this.used = 0;
    return out;
  }
}

/** Up to this many characters a string is copied by a loop: a native call costs more (addresses). */
const SHORT = 48;

/** Writes text at `at` (room checked by the caller); the end. ASCII by a loop, anything else as Buffer.write does. */
function writeShort(buf: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return at + buf.write(text, at);
    buf[at + i] = c;
  }
  return at + text.length;
}

/** Reads the strings of a column back by index (a detector's LineTable, structurally). */
export class Utf8ColumnReader {
  private readonly buf: Buffer;

  constructor(private readonly col: Utf8Column) {
    this.buf = Buffer.from(col.bytes.buffer, col.bytes.byteOffset, col.bytes.byteLength);
  }

  get count(): number {
    return this.col.ends.length;
  }

  text(i: number): string {
    return this.buf.toString('utf8', i === 0 ? 0 : this.col.ends[i - 1], this.col.ends[i]);
  }

  /** Every string, in order. */
  all(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < out.length; i++) out[i] = this.text(i);
    return out;
  }
}

/** The buffers to transfer with a column. */
export function columnBuffers(c: Utf8Column): ArrayBuffer[] {
  return [c.ends.buffer as ArrayBuffer, c.bytes.buffer as ArrayBuffer];
}
