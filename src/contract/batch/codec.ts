/**
 * Event rows in a form that crosses a worker boundary cheaply: numbers in one Float64Array and
 * the batch's distinct addresses in a UTF-8 column (both transferred, not copied); a row holds
 * the index of its source and destination address in that column. Addresses repeat (the one
 * WAN address, a scanner's many probes), so the reader decodes each once per batch and the
 * write thread makes a string per distinct address, not two per row. Every column with a
 * small vocabulary (format, action, direction, class, reason, transport, TCP flags, interfaces,
 * host, rule) travels as an index into a vocabulary sent with the batch. Structured-cloning one
 * object per event would cost the main thread most of what the worker saves it.
 */
import type { FirewallEvent } from '../../../parsers/types';
import { Utf8ColumnReader, Utf8ColumnWriter, type Utf8Column } from './utf8-column';

/** Numeric columns, in this order; NaN stands for NULL. From VOCAB_AT on, vocabulary indexes. */
export const NUM_COLUMNS = [
  'ts', 'line', 'sport', 'dport', 'icmp_type', 'icmp_code', 'length', 'ttl', 'count', 'src', 'dst',
  'format', 'action', 'direction', 'class', 'reason', 'transport', 'tcp_flags', 'in_if', 'out_if', 'host', 'rule',
] as const;
export const NUMS = NUM_COLUMNS.length;
/** Index of the first vocabulary column in a row's numbers. */
export const VOCAB_AT = 11;
/** The events columns stored as small integers named in the `codes` table (store/codes.ts). */
export type CodedField = 'format' | 'action' | 'direction' | 'class' | 'reason' | 'transport' | 'tcp_flags' | 'in_if' | 'out_if' | 'host' | 'rule';
/** The vocabulary columns: all stored as codes (store/codes). */
export const VOCAB_FIELDS = NUM_COLUMNS.slice(VOCAB_AT) as readonly CodedField[];
/** Position of each column in a row's numbers: read rows through RowReader, not by offset. */
export const COL = Object.freeze(Object.fromEntries(NUM_COLUMNS.map((c, i) => [c, i])) as { readonly [K in (typeof NUM_COLUMNS)[number]]: number });
export type NumColumn = (typeof NUM_COLUMNS)[number];
/** Index of the first optional text vocabulary column (tcp_flags, then in_if, out_if, host, rule). */
export const VOCAB_TEXT_AT = NUM_COLUMNS.indexOf('tcp_flags');

/** What the classifier said of an event (classify/classifier.ts `Classified`). */
export interface RowClass {
  direction: string;
  class: string;
  reason: string;
}

export interface EncodedRows {
  count: number;
  /** Row r's numbers start at r * NUMS; the array may be longer than count * NUMS. */
  nums: Float64Array;
  /** The batch's distinct addresses; a row's `src` and `dst` numbers index them. */
  strs: Utf8Column;
  /** This batch's vocabulary; rows hold indexes into it. */
  vocab: string[];
}

const VOCAB_COLUMNS = NUMS - VOCAB_AT;

export class RowEncoder {
  private nums = new Float64Array(NUMS * 1024);
  private n = 0;
  private readonly strs = new Utf8ColumnWriter();
  private addrIndex = new Map<string, number>();
  private lastDst = '';
  private lastDstIndex = -1;
  private vocab: string[] = [];
  private vocabIndex = new Map<string, number>();
  // Per vocabulary column, its last word and index: consecutive events mostly repeat them, and
  // comparing a short string is cheaper than hashing a fresh one.
  private readonly lastWord: (string | undefined)[] = new Array<undefined>(VOCAB_COLUMNS).fill(undefined);
  private readonly lastIndex = new Float64Array(VOCAB_COLUMNS).fill(NaN);

  add(e: FirewallEvent, c: RowClass, line: number): void {
    if (this.n + NUMS > this.nums.length) {
      const bigger = new Float64Array(this.nums.length * 2);
      bigger.set(this.nums);
      this.nums = bigger;
    }
    const v = this.nums;
    let i = this.n;
    v[i++] = e.ts; v[i++] = line; v[i++] = e.srcPort ?? NaN; v[i++] = e.dstPort ?? NaN; v[i++] = e.icmpType ?? NaN;
    v[i++] = e.icmpCode ?? NaN; v[i++] = e.length ?? NaN; v[i++] = e.ttl ?? NaN; v[i++] = e.count ?? 1;
    v[i++] = this.address(e.srcIp);
    // The destination is mostly the same address again and again (the WAN address).
    if (e.dstIp !== this.lastDst || this.lastDstIndex < 0) {
      this.lastDst = e.dstIp;
      this.lastDstIndex = this.address(e.dstIp);
    }
    v[i++] = this.lastDstIndex;
    v[i++] = this.word(e.format, 0); v[i++] = this.word(e.action, 1); v[i++] = this.word(c.direction, 2);
    v[i++] = this.word(c.class, 3); v[i++] = this.word(c.reason, 4); v[i++] = this.word(e.transport, 5);
    v[i++] = this.word(e.tcpFlags, 6); v[i++] = this.word(e.inIf, 7); v[i++] = this.word(e.outIf, 8); v[i++] = this.word(e.hostname, 9);
    v[i++] = this.word(e.rule, 10);
    this.n = i;
  }

  private address(ip: string): number {
    let i = this.addrIndex.get(ip);
    if (i === undefined) {
      i = this.strs.count;
      this.strs.add(ip);
      this.addrIndex.set(ip, i);
    }
    return i;
  }

  get count(): number {
    return this.n / NUMS;
  }

  take(): EncodedRows {
    // A copy of exactly the rows (a worker transfers it); the array is kept for the next batch
    // (utf8-column.ts `take`: the slack of a grown array crossed with every batch).
    const out = { count: this.count, nums: this.nums.slice(0, this.n), strs: this.strs.take(), vocab: this.vocab };
    if (this.nums.length > 4 * Math.max(NUMS * 1024, this.n)) this.nums = new Float64Array(Math.max(NUMS * 1024, 2 * this.n));
    this.n = 0;
    // Fresh per batch: bounded whatever the log holds, and no string of this batch kept.
    this.addrIndex = new Map();
    this.lastDst = '';
    this.lastDstIndex = -1;
    this.vocab = [];
    this.vocabIndex = new Map();
    this.lastWord.fill(undefined);
    this.lastIndex.fill(NaN);
    return out;
  }

  private word(w: string | undefined, column: number): number {
    if (w === this.lastWord[column]) return this.lastIndex[column];
    let i = NaN;
    if (w !== undefined) {
      const known = this.vocabIndex.get(w);
      if (known !== undefined) i = known;
      else {
        i = this.vocab.length;
        this.vocab.push(w);
        this.vocabIndex.set(w, i);
      }
    }
    this.lastWord[column] = w;
    this.lastIndex[column] = i;
    return i;
  }
}

/**
 * Reads a batch's rows by column name — the one way every reader (the store's writer, the
 * rollups and detectors feed, the ECS stream) gets at them. `COL.x` constants keep the hot
 * loops free of string lookups.
 */
export class RowReader {
  readonly count: number;
  private readonly n: Float64Array;
  private readonly vocab: string[];
  private addr?: string[];

  constructor(readonly rows: EncodedRows) {
    this.count = rows.count;
    this.n = rows.nums;
    this.vocab = rows.vocab;
  }

  /** A numeric column (`COL.ts`, `COL.dport`, …); undefined where the event had none. */
  num(r: number, col: number): number | undefined {
    const v = this.n[r * NUMS + col];
    return v !== v ? undefined : v;
  }

  /** A vocabulary column (`COL.class`, `COL.transport`, …) as text; undefined where none. */
  word(r: number, col: number): string | undefined {
    const i = this.n[r * NUMS + col];
    return i !== i ? undefined : this.vocab[i];
  }

  /** A vocabulary column as its index into this batch's vocabulary (NaN where none), for writers that map indexes once per batch. */
  wordIndex(r: number, col: number): number {
    return this.n[r * NUMS + col];
  }

  /** The batch's vocabulary (what `wordIndex` points into). */
  get words(): readonly string[] {
    return this.vocab;
  }

  src(r: number): string {
    return this.addresses()[this.n[r * NUMS + COL.src]];
  }

  dst(r: number): string {
    return this.addresses()[this.n[r * NUMS + COL.dst]];
  }

  /** Every distinct address of the batch, decoded once. */
  private addresses(): string[] {
    return (this.addr ??= new Utf8ColumnReader(this.rows.strs).all());
  }
}
