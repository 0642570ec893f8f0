/**
 * Follows one growing log file through an open descriptor, the way `tail -F` does: reads what
 * was appended since the last read, and tells when the path now names another file (rename +
 * create, delete + recreate) or the file shrank (copytruncate, truncation). Holding the
 * descriptor is what lets a renamed file be drained to its end before the new one is read.
 */
import fs from 'node:fs';
import { FINGERPRINT_BYTES } from './fingerprint';
import { RecordSplitter, type RecordBatch } from './records';

const READ_BYTES = 1024 * 1024;

export type PathState = 'same' | 'replaced' | 'truncated' | 'gone';

export class FileFollower {
  private readonly buf = Buffer.alloc(READ_BYTES);
  private splitter: RecordSplitter;
  /** Bytes of the file consumed into the splitter (may be past the last complete line). */
  private readPos: number;

  private constructor(
    readonly path: string,
    private fd: number,
    readonly dev: number,
    readonly ino: number,
    /** Offset of the last complete record handed out: what is committed as the read position. */
    public offset: number,
    lines: number,
  ) {
    this.readPos = offset;
    this.splitter = new RecordSplitter(offset, lines);
  }

  /** Opens `path` to follow from `offset` (a line end), or undefined when it does not exist. */
  static open(path: string, offset = 0, lines = 0): FileFollower | undefined {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch {
      return undefined;
    }
    const st = fs.fstatSync(fd);
    return new FileFollower(path, fd, st.dev, st.ino, offset, lines);
  }

  /** Up to FINGERPRINT_BYTES from the start of the file. */
  head(): Buffer {
    const b = Buffer.alloc(FINGERPRINT_BYTES);
    const n = fs.readSync(this.fd, b, 0, b.length, 0);
    return b.subarray(0, n);
  }

  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** The `len` bytes before `offset`, for the tail fingerprint of the read position. */
  bytesBefore(offset: number, len: number): Buffer {
    const from = Math.max(0, offset - len);
    const b = Buffer.alloc(offset - from);
    fs.readSync(this.fd, b, 0, b.length, from);
    return b;
  }

  /** What the path names now, compared with the file being followed. */
  pathState(): PathState {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.path);
    } catch {
      return 'gone';
    }
    if (st.ino !== this.ino || st.dev !== this.dev) return 'replaced';
    if (st.size < this.readPos) return 'truncated';
    return 'same';
  }

  /**
   * Complete records appended since the last call, at most about `maxBytes` worth; a partial
   * last line waits for its newline. Returns undefined when there is nothing new.
   */
  readNew(maxBytes = 4 * READ_BYTES): RecordBatch | undefined {
    let got = 0;
    const records: RecordBatch['records'] = [];
    let last: RecordBatch | undefined;
    while (got < maxBytes) {
      const n = fs.readSync(this.fd, this.buf, 0, READ_BYTES, this.readPos);
      if (n <= 0) break;
      this.readPos += n;
      got += n;
      last = this.splitter.push(Buffer.from(this.buf.subarray(0, n)));
      records.push(...last.records);
    }
    if (!last) return undefined;
    this.offset = last.endOffset;
    return { records, endOffset: last.endOffset, lines: last.lines };
  }

  /** Everything left, including a last line without newline: for a file that will not grow again. */
  drain(): RecordBatch {
    const records: RecordBatch['records'] = [];
    for (let b = this.readNew(); b; b = this.readNew()) records.push(...b.records);
    const end = this.splitter.end();
    records.push(...end.records);
    this.offset = end.endOffset;
    return { records, endOffset: end.endOffset, lines: end.lines };
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
