/**
 * Splits a byte stream into records: lines, or one pretty-printed JSON document spread over
 * many lines (a Filebeat / journald event). Works on Buffers so the byte offset of every batch
 * end is exact: that offset is what makes re-ingest and restarts exactly-once.
 */

export interface RawRecord {
  text: string;
  /** 1-based number of the record's first physical line. */
  line: number;
  /** Set when the line was longer than the limit: `text` is its start only. */
  overlongBytes?: number;
}

export interface RecordBatch {
  records: RawRecord[];
  /** Byte offset just past the last complete record of this batch. */
  endOffset: number;
  /** Physical lines consumed up to `endOffset`. */
  lines: number;
}

export const MAX_LINE_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 1024 * 1024;
const SAMPLE = 512;

export class RecordSplitter {
  private carry: Buffer | null = null;
  private offset: number;
  private lineNo: number;
  /** While discarding the rest of an overlong line: its start and its length so far. */
  private overlong: { sample: string; bytes: number; line: number } | null = null;
  private json: { lines: string[]; bytes: number; depth: number; line: number } | null = null;

  constructor(startOffset = 0, startLine = 0) {
    this.offset = startOffset;
    this.lineNo = startLine;
  }

  push(chunk: Buffer): RecordBatch {
    const records: RawRecord[] = [];
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let start = 0;
    if (this.overlong) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.overlong.bytes += buf.length;
        return this.batch(records);
      }
      this.overlong.bytes += nl;
      records.push({ text: this.overlong.sample, line: this.overlong.line, overlongBytes: this.overlong.bytes });
      this.offset += this.overlong.bytes + 1;
      this.lineNo += 1;
      this.overlong = null;
      start = nl + 1;
    }
    const last = buf.lastIndexOf(10);
    if (last < start) {
      this.keep(buf.subarray(start));
      return this.batch(records);
    }
    // Line by line: a string per line dies young, where one string of the whole chunk went
    // straight to the old generation (its size) and was most of what the parser thread kept.
    // A newline byte is never inside a UTF-8 sequence, so this decodes exactly as the whole.
    for (let pos = start; pos <= last; ) {
      const nl = buf.indexOf(10, pos);
      this.take(buf.toString('utf8', pos, nl), records);
      pos = nl + 1;
    }
    this.offset += last + 1 - start;
    this.keep(buf.subarray(last + 1));
    return this.batch(records);
  }

  /** The last line when the input does not end with a newline. */
  end(): RecordBatch {
    const records: RawRecord[] = [];
    if (this.overlong) {
      records.push({ text: this.overlong.sample, line: this.overlong.line, overlongBytes: this.overlong.bytes });
      this.offset += this.overlong.bytes;
      this.lineNo += 1;
      this.overlong = null;
    } else if (this.carry && this.carry.length > 0) {
      const rest = this.carry;
      this.take(rest.toString('utf8'), records);
      this.offset += rest.length;
      this.carry = null;
    }
    if (this.json) {
      // An unfinished JSON document at the end: hand its lines on one by one, as they are.
      const j = this.json;
      this.json = null;
      j.lines.forEach((t, i) => records.push({ text: t, line: j.line + i }));
    }
    return this.batch(records);
  }

  private take(line: string, out: RawRecord[]): void {
    this.lineNo += 1;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (this.json && !continuesJson(line)) {
      // Not a pretty-printed document after all (a lone `{` in a log): its lines are records
      // of their own, and this one is read as any other line.
      const j = this.json;
      this.json = null;
      j.lines.forEach((t, i) => out.push({ text: t, line: j.line + i }));
    }
    if (this.json) {
      this.json.lines.push(line);
      this.json.bytes += Buffer.byteLength(line) + 1;
      this.json.depth += braceDelta(line);
      if (this.json.depth <= 0 || this.json.bytes > MAX_JSON_BYTES) {
        out.push({ text: this.json.lines.join('\n'), line: this.json.line });
        this.json = null;
      }
      return;
    }
    if (line.length > MAX_LINE_BYTES) {
      out.push({ text: line.slice(0, SAMPLE), line: this.lineNo, overlongBytes: Buffer.byteLength(line) });
      return;
    }
    // A line that is only `{` opens a pretty-printed JSON document, if the lines after it read
    // as one (see continuesJson).
    if (line.length <= 2 && line.trim() === '{') {
      this.json = { lines: [line], bytes: Buffer.byteLength(line) + 1, depth: 1, line: this.lineNo };
      return;
    }
    out.push({ text: line, line: this.lineNo });
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    if (rest.length > MAX_LINE_BYTES) {
      this.overlong = { sample: rest.toString('utf8', 0, SAMPLE), bytes: rest.length, line: this.lineNo + 1 };
      return;
    }
    this.carry = Buffer.from(rest); // copy: do not pin the whole chunk
  }

  /** Offset and line count of the last complete record, excluding an open JSON document. */
  private pendingEnd(): number {
    return this.json ? this.offset - this.json.bytes : this.offset;
  }

  private pendingLines(): number {
    return this.json ? this.json.lines.length : 0;
  }

  private batch(records: RawRecord[]): RecordBatch {
    return { records, endOffset: this.pendingEnd(), lines: this.lineNo - this.pendingLines() };
  }
}

// One line of a pretty-printed JSON document: a `"key": …` member; a string, number, true, false
// or null element; brackets and commas only (`{`, `},`, `]`, `[]`); an object element written on
// one line (`{"a": 1},`). A log line starting with `[` (`[UFW BLOCK] IN=…`) is none of these.
const JSON_LINE = /^\s*(?:"(?:[^"\\]|\\.)*"\s*(?::|,?\s*$)|[{}[\],][\s{}[\],]*$|\{\s*"|(?:-?\d[\d.eE+-]*|true|false|null)\s*,?\s*$)/;

/**
 * Does `line` read as the next line of a pretty-printed JSON document? A log line does not
 * (`Dec 20 10:00:01 gw kernel: …`), so a stray `{` line costs nothing that follows it.
 */
function continuesJson(line: string): boolean {
  return JSON_LINE.test(line);
}

/** Net `{` minus `}` outside JSON strings. */
function braceDelta(line: string): number {
  let d = 0;
  let inStr = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123) d++;
    else if (c === 125) d--;
  }
  return d;
}
