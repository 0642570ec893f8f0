import type { DB } from './db';
import { NULL_TEXT, NUMS, STRS, type EncodedRows } from '../pipeline/row-codec';
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
const str = (v: string): string | null => (v === NULL_TEXT ? null : v);

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
    const c = this.codes;
    const v: Value[] = new Array(WIDTH * Math.min(rows.count, ROWS_PER_STATEMENT));
    let k = 0;
    let inChunk = 0;
    for (let r = 0; r < rows.count; r++) {
      const a = r * NUMS;
      const s = r * STRS;
      // Column order of COLUMNS; numbers from NUM_COLUMNS, text from STR_COLUMNS.
      v[k++] = n[a]; v[k++] = sourceId; v[k++] = n[a + 1];
      v[k++] = c.code('format', strs[s]); v[k++] = c.code('action', strs[s + 1]); v[k++] = c.code('direction', strs[s + 2]);
      v[k++] = c.code('class', strs[s + 3]); v[k++] = c.code('reason', strs[s + 4]); v[k++] = c.code('transport', strs[s + 5]);
      v[k++] = strs[s + 6]; v[k++] = num(n[a + 2]); v[k++] = strs[s + 7]; v[k++] = num(n[a + 3]); v[k++] = str(strs[s + 8]);
      v[k++] = num(n[a + 4]); v[k++] = num(n[a + 5]); v[k++] = str(strs[s + 9]); v[k++] = str(strs[s + 10]); v[k++] = str(strs[s + 11]);
      v[k++] = str(strs[s + 12]); v[k++] = num(n[a + 6]); v[k++] = num(n[a + 7]); v[k++] = n[a + 8];
      if (++inChunk === ROWS_PER_STATEMENT) {
        this.many.run(v);
        k = 0;
        inChunk = 0;
      }
    }
    for (let i = 0; i < inChunk; i++) this.one.run(v.slice(i * WIDTH, (i + 1) * WIDTH));
  }
}
