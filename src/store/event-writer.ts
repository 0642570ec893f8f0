import type { DB } from './db';
import { COL, RowReader, VOCAB_FIELDS } from '../contract/batch/codec';
import { Codes } from './codes';

const COLUMNS = [
  'ts', 'source_id', 'line', 'format', 'action', 'direction', 'class', 'reason', 'transport', 'src', 'sport', 'dst',
  'dport', 'tcp_flags', 'icmp_type', 'icmp_code', 'in_if', 'out_if', 'host', 'rule', 'length', 'ttl', 'count',
] as const;
const WIDTH = COLUMNS.length;
/** Rows per INSERT statement: many rows per statement is what makes SQLite inserts fast. */
const ROWS_PER_STATEMENT = 50;

type Value = string | number | null;

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

  /** Call inside the batch transaction. */
  write(rows: RowReader, sourceId: number): void {
    // Vocabulary index → database code, per field, looked up the first time a batch uses it (the
    // vocabulary holds the words of every column, which must not become codes of the others).
    const [fmt, act, dir, cls, rsn, trn, flg, inIf, outIf, host, rule] = VOCAB_FIELDS.map((f) => {
      const cache: number[] = [];
      return (i: number): number | null => (Number.isNaN(i) ? null : (cache[i] ??= this.codes.code(f, rows.words[i])));
    });
    const v: Value[] = new Array(WIDTH * Math.min(rows.count, ROWS_PER_STATEMENT));
    const num = (r: number, c: number): number | null => rows.num(r, c) ?? null;
    const code = (r: number, c: number, f: (i: number) => number | null) => f(rows.wordIndex(r, c));
    let k = 0;
    let inChunk = 0;
    for (let r = 0; r < rows.count; r++) {
      // In the order of COLUMNS.
      v[k++] = rows.num(r, COL.ts)!; v[k++] = sourceId; v[k++] = rows.num(r, COL.line)!;
      v[k++] = code(r, COL.format, fmt); v[k++] = code(r, COL.action, act); v[k++] = code(r, COL.direction, dir);
      v[k++] = code(r, COL.class, cls); v[k++] = code(r, COL.reason, rsn); v[k++] = code(r, COL.transport, trn);
      v[k++] = rows.src(r); v[k++] = num(r, COL.sport); v[k++] = rows.dst(r); v[k++] = num(r, COL.dport); v[k++] = code(r, COL.tcp_flags, flg);
      v[k++] = num(r, COL.icmp_type); v[k++] = num(r, COL.icmp_code); v[k++] = code(r, COL.in_if, inIf); v[k++] = code(r, COL.out_if, outIf);
      v[k++] = code(r, COL.host, host); v[k++] = code(r, COL.rule, rule); v[k++] = num(r, COL.length); v[k++] = num(r, COL.ttl);
      v[k++] = rows.num(r, COL.count)!;
      if (++inChunk === ROWS_PER_STATEMENT) {
        this.many.run(v);
        k = 0;
        inChunk = 0;
      }
    }
    for (let i = 0; i < inChunk; i++) this.one.run(v.slice(i * WIDTH, (i + 1) * WIDTH));
  }
}
