/**
 * Event rows in a form that crosses a worker boundary cheaply: numbers in one Float64Array
 * (transferred, not copied) and the two addresses joined into one string. Every column with a
 * small vocabulary (format, action, direction, class, reason, transport, TCP flags, interfaces,
 * host, rule) travels as an index into a vocabulary sent with the batch. Structured-cloning one
 * object per event would cost the main thread most of what the worker saves it.
 */
import type { FirewallEvent } from '../../parsers/types';
import type { Classified } from '../classify/classifier';

/** Numeric columns, in this order; NaN stands for NULL. From VOCAB_AT on, vocabulary indexes. */
export const NUM_COLUMNS = [
  'ts', 'line', 'sport', 'dport', 'icmp_type', 'icmp_code', 'length', 'ttl', 'count',
  'format', 'action', 'direction', 'class', 'reason', 'transport', 'tcp_flags', 'in_if', 'out_if', 'host', 'rule',
] as const;
/** Text columns, in this order. */
export const STR_COLUMNS = ['src', 'dst'] as const;
export const NUMS = NUM_COLUMNS.length;
export const STRS = STR_COLUMNS.length;
/** Index of the first vocabulary column in a row's numbers. */
export const VOCAB_AT = 9;
/** The coded event columns (stored as integers, see store/codes), then the vocabulary text columns. */
export const VOCAB_FIELDS = ['format', 'action', 'direction', 'class', 'reason', 'transport'] as const;
export const VOCAB_TEXT_AT = VOCAB_AT + VOCAB_FIELDS.length;

const SEP = '\x1f';

export interface EncodedRows {
  count: number;
  nums: Float64Array;
  strs: string;
  /** This batch's vocabulary; rows hold indexes into it. */
  vocab: string[];
}

// Addresses never hold control characters (such lines are rejected as binary), but JSON escapes
// could smuggle one in: keep the separator unambiguous.
function text(v: string): string {
  return v.includes(SEP) ? v.replace(/\x1f/g, ' ') : v;
}

export class RowEncoder {
  private nums = new Float64Array(NUMS * 1024);
  private n = 0;
  private strs: string[] = [];
  private vocab: string[] = [];
  private vocabIndex = new Map<string, number>();

  add(e: FirewallEvent, c: Classified, line: number): void {
    if (this.n + NUMS > this.nums.length) {
      const bigger = new Float64Array(this.nums.length * 2);
      bigger.set(this.nums);
      this.nums = bigger;
    }
    const v = this.nums;
    let i = this.n;
    v[i++] = e.ts; v[i++] = line; v[i++] = e.srcPort ?? NaN; v[i++] = e.dstPort ?? NaN; v[i++] = e.icmpType ?? NaN;
    v[i++] = e.icmpCode ?? NaN; v[i++] = e.length ?? NaN; v[i++] = e.ttl ?? NaN; v[i++] = e.count ?? 1;
    v[i++] = this.word(e.format); v[i++] = this.word(e.action); v[i++] = this.word(c.direction);
    v[i++] = this.word(c.class); v[i++] = this.word(c.reason); v[i++] = this.word(e.transport);
    v[i++] = this.word(e.tcpFlags); v[i++] = this.word(e.inIf); v[i++] = this.word(e.outIf); v[i++] = this.word(e.hostname); v[i++] = this.word(e.rule);
    this.n = i;
    this.strs.push(text(e.srcIp), text(e.dstIp));
  }

  get count(): number {
    return this.n / NUMS;
  }

  take(): EncodedRows {
    const out = { count: this.count, nums: this.nums.slice(0, this.n), strs: this.strs.join(SEP), vocab: this.vocab };
    this.n = 0;
    this.strs = [];
    // A fresh vocabulary per batch keeps it bounded whatever the log holds.
    this.vocab = [];
    this.vocabIndex = new Map();
    return out;
  }

  private word(w: string | undefined): number {
    if (w === undefined) return NaN;
    let i = this.vocabIndex.get(w);
    if (i === undefined) {
      i = this.vocab.length;
      this.vocab.push(w);
      this.vocabIndex.set(w, i);
    }
    return i;
  }
}

/** Addresses of all rows, flat: row r, column k is at r * STRS + k. */
export function decodeStrings(rows: EncodedRows): string[] {
  return rows.count === 0 ? [] : rows.strs.split(SEP);
}

/** A vocabulary text column of row `r` (k from 0: tcp_flags, in_if, out_if, host, rule), or undefined. */
export function vocabText(rows: EncodedRows, r: number, k: number): string | undefined {
  const i = rows.nums[r * NUMS + VOCAB_TEXT_AT + k];
  return Number.isNaN(i) ? undefined : rows.vocab[i];
}
