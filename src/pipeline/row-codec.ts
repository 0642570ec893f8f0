/**
 * Event rows in a form that crosses a worker boundary cheaply: numbers in one Float64Array
 * (transferred, not copied) and the free-text fields joined into one string. The six columns
 * with a small vocabulary (format, action, direction, class, reason, transport) travel as
 * indexes into a vocabulary sent along. Structured-cloning one object per event would cost the
 * main thread most of what the worker saves it.
 */
import type { FirewallEvent } from '../../parsers/types';
import type { Classified } from '../classify/classifier';

/** Numeric columns, in this order; NaN stands for NULL. The last six are vocabulary indexes. */
export const NUM_COLUMNS = [
  'ts', 'line', 'sport', 'dport', 'icmp_type', 'icmp_code', 'length', 'ttl', 'count',
  'format', 'action', 'direction', 'class', 'reason', 'transport',
] as const;
/** Text columns, in this order. */
export const STR_COLUMNS = ['src', 'dst', 'tcp_flags', 'in_if', 'out_if', 'host', 'rule'] as const;
export const NUMS = NUM_COLUMNS.length;
export const STRS = STR_COLUMNS.length;
/** Index of the first vocabulary column in a row's numbers. */
export const VOCAB_AT = 9;
export const VOCAB_FIELDS = ['format', 'action', 'direction', 'class', 'reason', 'transport'] as const;

const SEP = '\x1f';
/** NULL in a text column (distinct from ''; `tcp_flags` '' means a packet with no flags). */
export const NULL_TEXT = '\x00';

export interface EncodedRows {
  count: number;
  nums: Float64Array;
  strs: string;
  /** Every vocabulary word seen by this encoder so far; rows hold indexes into it. */
  vocab: string[];
}

// Parsed fields never hold control characters (such lines are rejected as binary), but JSON
// escapes could smuggle one in: keep the separators unambiguous.
function text(v: string | undefined): string {
  if (v === undefined) return NULL_TEXT;
  return v.includes(SEP) || v.includes(NULL_TEXT) ? v.replace(/[\x00\x1f]/g, ' ') : v;
}

export class RowEncoder {
  private nums = new Float64Array(NUMS * 1024);
  private n = 0;
  private strs: string[] = [];
  private readonly vocab: string[] = [];
  private readonly vocabIndex = new Map<string, number>();

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
    this.n = i;
    this.strs.push(text(e.srcIp), text(e.dstIp), text(e.tcpFlags), text(e.inIf), text(e.outIf), text(e.hostname), text(e.rule));
  }

  get count(): number {
    return this.n / NUMS;
  }

  take(): EncodedRows {
    const out = { count: this.count, nums: this.nums.slice(0, this.n), strs: this.strs.join(SEP), vocab: this.vocab.slice() };
    this.n = 0;
    this.strs = [];
    return out;
  }

  private word(w: string): number {
    let i = this.vocabIndex.get(w);
    if (i === undefined) {
      i = this.vocab.length;
      this.vocab.push(w);
      this.vocabIndex.set(w, i);
    }
    return i;
  }
}

/** Text fields of all rows, flat: row r, column k is at r * STRS + k. */
export function decodeStrings(rows: EncodedRows): string[] {
  return rows.count === 0 ? [] : rows.strs.split(SEP);
}
