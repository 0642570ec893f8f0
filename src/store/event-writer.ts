import type { DB } from './db';
import { NUMS, STRS, VOCAB_AT, VOCAB_FIELDS, type EncodedRows } from '../pipeline/row-codec';
import { Codes } from './codes';

const COLUMNS = [
  'ts', 'source_id', 'line', 'format', 'action', 'direction', 'class', 'reason', 'transport', 'src', 'sport', 'dst',
  'dport', 'tcp_flags', 'icmp_type', 'icmp_code', 'in_if', 'out_if', 'host', 'rule', 'length', 'ttl', 'count',
] as const;
const WIDTH = COLUMNS.length;
/** Rows per INSERT statement: many rows per statement is what makes SQLite inserts fast. */
const ROWS_PER_STATEMENT = 50;

type Value = string | number | null;

const num = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Writes encoded event rows with multi-row prepared INSERTs. */
export class EventWriter {
  private readonly many;
  private readonly one;
  private readonly codes: Codes;

  constructor(db: DB) {
    this.codes = new Codes(db);
    const row = `(${COLUMNS.map(() => '?').join(',')})`;
    const head = `INSERT INTO events (${COLUMNS.join(',')}) VALUES `;
    this.many = db.prepare(head + Array(ROWS_PER_STATEMENT).fill(row).join(','));
    this.one = db.prepare(head + row);
  }

  /** Call inside the batch transaction. `strs` is `decodeStrings(rows)`, shared with the caller. */
  write(rows: EncodedRows, strs: string[], sourceId: number): void {
    const n = rows.nums;
    // Vocabulary index → database code, per field, looked up the first time a batch uses it (the
    // vocabulary holds the words of every column, which must not become codes of the others).
    const [fmt, act, dir, cls, rsn, trn, flg, inIf, outIf, host, rule] = VOCAB_FIELDS.map((f) => {
      const cache: number[] = [];
      return (i: number): number | null => (Number.isNaN(i) ? null : (cache[i] ??= this.codes.code(f, rows.vocab[i])));
    });
    const v: Value[] = new Array(WIDTH * Math.min(rows.count, ROWS_PER_STATEMENT));
    let k = 0;
    let inChunk = 0;
    for (let r = 0; r < rows.count; r++) {
      const a = r * NUMS;
      const s = r * STRS;
      const w = a + VOCAB_AT;
      // Column order of COLUMNS; numbers and vocabulary from NUM_COLUMNS, addresses from STR_COLUMNS.
      v[k++] = n[a]; v[k++] = sourceId; v[k++] = n[a + 1];
      v[k++] = fmt(n[w]); v[k++] = act(n[w + 1]); v[k++] = dir(n[w + 2]); v[k++] = cls(n[w + 3]); v[k++] = rsn(n[w + 4]); v[k++] = trn(n[w + 5]);
      v[k++] = strs[s]; v[k++] = num(n[a + 2]); v[k++] = strs[s + 1]; v[k++] = num(n[a + 3]); v[k++] = flg(n[w + 6]);
      v[k++] = num(n[a + 4]); v[k++] = num(n[a + 5]); v[k++] = inIf(n[w + 7]); v[k++] = outIf(n[w + 8]); v[k++] = host(n[w + 9]);
      v[k++] = rule(n[w + 10]); v[k++] = num(n[a + 6]); v[k++] = num(n[a + 7]); v[k++] = n[a + 8];
      if (++inChunk === ROWS_PER_STATEMENT) {
        this.many.run(v);
        k = 0;
        inChunk = 0;
      }
    }
    for (let i = 0; i < inChunk; i++) this.one.run(v.slice(i * WIDTH, (i + 1) * WIDTH));
  }
}
