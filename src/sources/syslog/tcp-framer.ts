/**
 * RFC 6587 framing of one TCP stream, decided from its first byte: octet counting or messages
 * ended by LF / NUL. Pure: it only sees bytes and reports to its sink.
 */

import { CR, LF, NUL, SP, trimEnd } from './bytes';

/** Longest RFC 6587 MSG-LEN we read (9 digits, < 1 GB); a longer digit run is a framing error. */
const MAX_LEN_DIGITS = 9;

export interface FrameSink {
  message(text: string): void;
  oversize(bytes: number): void;
  /** The stream cannot go on: the connection has to be closed. */
  fail(reason: 'framing error' | 'buffer overflow', bytes: number): void;
}

/** Framing state of one TCP connection. */
export class TcpFramer {
  mode: 'unknown' | 'octet' | 'lf' = 'unknown';
  /** Unparsed bytes (a partial message or length). */
  pending: Buffer | null = null;
  /** Octet counting: bytes of an oversize frame still to skip. */
  skip = 0;
  /** LF framing: discarding the rest of an oversize line. */
  discarding = false;
  /** Octet counting: a valid count has been read on this connection. */
  framed = false;
  closed = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly maxBuffer: number,
    private readonly sink: FrameSink,
  ) {}

  /** Frames a received chunk; keeps what is left for the next one. */
  push(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (this.skip > 0) {
      const n = Math.min(this.skip, buf.length);
      this.skip -= n;
      pos = n;
      if (pos === buf.length) return;
    }
    if (this.pending) {
      buf = Buffer.concat([this.pending, buf.subarray(pos)]);
      pos = 0;
      this.pending = null;
    }
    if (this.mode === 'unknown') {
      const c = buf[pos];
      this.mode = c >= 48 && c <= 57 ? 'octet' : 'lf';
    }
    const rest = this.mode === 'octet' ? this.octetFrames(buf, pos) : this.lfFrames(buf, pos);
    if (this.closed || rest >= buf.length) return;
    const left = buf.length - rest;
    if (left > this.maxBuffer) {
      this.fail('buffer overflow', left);
      return;
    }
    this.pending = Buffer.from(buf.subarray(rest)); // copy: do not pin the whole chunk
  }

  /** Octet counting: frames from `pos`; returns where the unparsed rest starts. */
  private octetFrames(buf: Buffer, pos: number): number {
    const n = buf.length;
    while (pos < n) {
      const c = buf[pos];
      if (c === LF || c === CR || c === NUL || c === SP) {
        pos++; // whitespace between frames (a newline after each frame is common)
        continue;
      }
      let i = pos;
      let len = 0;
      while (i < n && i - pos < MAX_LEN_DIGITS) {
        const d = buf[i];
        if (d < 48 || d > 57) break;
        len = len * 10 + (d - 48);
        i++;
      }
      if (i === n) return pos; // the count continues in the next segment
      if (i === pos || buf[i] !== SP || len === 0) {
        if (!this.framed) {
          // The very first "count" is not one (`2024-06-14T…`, a relay without <PRI>): the
          // connection is newline-framed after all.
          this.mode = 'lf';
          return this.lfFrames(buf, pos);
        }
        this.fail('framing error', n - pos);
        return n;
      }
      const start = i + 1;
      this.framed = true;
      if (len > this.maxMessageBytes) {
        this.sink.oversize(len);
        const have = n - start;
        if (have >= len) {
          pos = start + len;
          continue;
        }
        this.skip = len - have;
        return n;
      }
      if (n - start < len) return pos; // wait for the rest of the frame
      const end = trimEnd(buf, start, start + len);
      if (end > start) this.sink.message(buf.toString('utf8', start, end));
      pos = start + len;
    }
    return pos;
  }

  /** LF / NUL framing: messages from `pos`; returns where the unparsed rest starts. */
  private lfFrames(buf: Buffer, pos: number): number {
    const n = buf.length;
    let nextLf = buf.indexOf(LF, pos);
    let nextNul = buf.indexOf(NUL, pos);
    while (pos < n) {
      if (nextLf >= 0 && nextLf < pos) nextLf = buf.indexOf(LF, pos);
      if (nextNul >= 0 && nextNul < pos) nextNul = buf.indexOf(NUL, pos);
      const stop = nextLf < 0 ? nextNul : nextNul < 0 ? nextLf : Math.min(nextLf, nextNul);
      if (stop < 0) {
        if (this.discarding) return n;
        if (n - pos > this.maxMessageBytes) {
          // Too long already: count it once and discard up to the next terminator.
          this.discarding = true;
          this.sink.oversize(n - pos);
          return n;
        }
        return pos;
      }
      if (this.discarding) this.discarding = false;
      else this.lfMessage(buf, pos, stop);
      pos = stop + 1;
    }
    return pos;
  }

  /** One LF / NUL framed message; also the last line of a stream that ended without terminator. */
  lfMessage(buf: Buffer, start: number, stop: number): void {
    const end = trimEnd(buf, start, stop);
    if (end <= start) return;
    if (end - start > this.maxMessageBytes) this.sink.oversize(end - start);
    else this.sink.message(buf.toString('utf8', start, end));
  }

  private fail(reason: 'framing error' | 'buffer overflow', bytes: number): void {
    this.pending = null;
    this.skip = 0;
    this.closed = true;
    this.sink.fail(reason, bytes);
  }
}
