/**
 * Follows one growing log file through an open descriptor, the way `tail -F` does: reads what
 * was appended since the last read, and tells when the path now names another file (rename +
 * create, delete + recreate) or the file no longer holds the text read so far (copytruncate,
 * truncation — also when it has grown back past the read position between two looks, which
 * its size alone cannot show). Holding the descriptor is what lets a renamed file be drained to
 * its end before the new one is read.
 */
import fs from 'node:fs';
import { sha256 } from '../util/hash';
import { FINGERPRINT_BYTES, TAIL_BYTES } from './fingerprint';
import { RecordSplitter, type RecordBatch } from './records';

const READ_BYTES = 1024 * 1024;
/** Bytes before the read position compared on every look (the first bytes are compared too). */
const TAIL_CHECK = 256;

export type PathState = 'same' | 'replaced' | 'truncated' | 'gone';

/** A batch of records with the hash of the bytes before its end offset. */
export interface FollowBatch extends RecordBatch {
  tailHash: string;
}

export class FileFollower {
  private readonly buf = Buffer.alloc(READ_BYTES);
  private splitter!: RecordSplitter;
  /** Bytes of the file consumed into the splitter (may be past the last complete line). */
  private readPos = 0;
  /** Offset of the last complete record handed out. */
  offset = 0;
  /** The first bytes of the file as read (up to FINGERPRINT_BYTES, never past readPos). */
  private head: Buffer = Buffer.alloc(0);
  /** The bytes just before readPos as read. */
  private tail: Buffer = Buffer.alloc(0);

  private constructor(
    readonly path: string,
    private fd: number,
    readonly dev: number,
    readonly ino: number,
  ) {}

  /** Opens `path` to follow from its start (see `rewind`), or undefined when it does not exist. */
  static open(path: string): FileFollower | undefined {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch {
      return undefined;
    }
    const st = fs.fstatSync(fd);
    const f = new FileFollower(path, fd, st.dev, st.ino);
    f.rewind(0, 0);
    return f;
  }

  /**
   * Goes back (or forward) to `offset`, a record boundary at physical line `lines`: where the
   * committed position is after a failed commit, or where another writer stored the text to.
   */
  rewind(offset: number, lines: number): void {
    this.readPos = offset;
    this.offset = offset;
    this.splitter = new RecordSplitter(offset, lines);
    this.head = this.pread(0, Math.min(FINGERPRINT_BYTES, offset));
    this.tail = this.bytesBefore(offset, TAIL_CHECK);
  }

  /** Up to FINGERPRINT_BYTES from the start of the file as it is now. */
  firstBytes(): Buffer {
    return this.pread(0, FINGERPRINT_BYTES);
  }

  /** The first bytes of the text read so far (what a copy of it starts with). */
  readHead(): Buffer {
    return this.head;
  }

  size(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** The `len` bytes before `offset`, for the tail fingerprint of a read position. */
  bytesBefore(offset: number, len: number): Buffer {
    const from = Math.max(0, offset - len);
    return this.pread(from, offset - from);
  }

  /**
   * Whether the file still holds the text read so far: the same first bytes and the same bytes
   * before the read position. A truncation shows here even when the file has grown back past
   * the read position before this look.
   */
  intact(): boolean {
    if (this.readPos === 0) return true;
    return this.pread(0, this.head.length).equals(this.head) && this.bytesBefore(this.readPos, this.tail.length).equals(this.tail);
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
    if (st.size < this.readPos || !this.intact()) return 'truncated';
    return 'same';
  }

  /**
   * Complete records appended since the last call, at most about `maxBytes` worth; a partial
   * last line waits for its newline. Undefined when there is nothing new, or when the file no
   * longer holds the text read so far (then nothing of this read is handed out: `pathState`
   * says `truncated`).
   */
  readNew(maxBytes = 4 * READ_BYTES): FollowBatch | undefined {
    let got = 0;
    const records: RecordBatch['records'] = [];
    let last: RecordBatch | undefined;
    while (got < maxBytes) {
      const n = fs.readSync(this.fd, this.buf, 0, READ_BYTES, this.readPos);
      if (n <= 0) break;
      const chunk = Buffer.from(this.buf.subarray(0, n));
      this.remember(chunk);
      this.readPos += n;
      got += n;
      last = this.splitter.push(chunk);
      for (const r of last.records) records.push(r);
    }
    if (!last) return undefined;
    const batch = { records, endOffset: last.endOffset, lines: last.lines, tailHash: this.tailHash(last.endOffset) };
    // Checked after reading (and hashing): had the file been truncated at any moment before this
    // check, its first bytes would differ now, so what was just read is the text we followed.
    if (!this.intact()) return undefined;
    this.offset = last.endOffset;
    return batch;
  }

  /** Everything left, including a last line without newline: for a file that will not grow again. */
  drain(): FollowBatch | undefined {
    const records: RecordBatch['records'] = [];
    for (let b = this.readNew(); b; b = this.readNew()) for (const r of b.records) records.push(r);
    if (!this.intact()) return undefined;
    const end = this.splitter.end();
    for (const r of end.records) records.push(r);
    this.offset = end.endOffset;
    return { records, endOffset: end.endOffset, lines: end.lines, tailHash: this.tailHash(end.endOffset) };
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private remember(chunk: Buffer): void {
    if (this.head.length === this.readPos && this.head.length < FINGERPRINT_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, FINGERPRINT_BYTES - this.head.length)]);
    }
    const t = chunk.length >= TAIL_CHECK ? chunk.subarray(chunk.length - TAIL_CHECK) : Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(t.subarray(Math.max(0, t.length - TAIL_CHECK)));
  }

  /** The hash stored with a read position at `offset` (what a later run compares). */
  tailHash(offset: number): string {
    return sha256(this.bytesBefore(offset, TAIL_BYTES));
  }

  private pread(from: number, len: number): Buffer {
    const b = Buffer.alloc(len);
    const n = len > 0 ? fs.readSync(this.fd, b, 0, len, from) : 0;
    return b.subarray(0, n);
  }
}
