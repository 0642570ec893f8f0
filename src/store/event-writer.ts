import type { FirewallEvent } from '../../parsers/types';
import type { Classified } from '../classify/classifier';
import type { DB } from './db';

const COLUMNS = [
  'ts', 'source_id', 'line', 'format', 'action', 'direction', 'class', 'reason', 'transport', 'src', 'sport', 'dst',
  'dport', 'tcp_flags', 'icmp_type', 'icmp_code', 'in_if', 'out_if', 'host', 'rule', 'length', 'ttl', 'count',
] as const;
const WIDTH = COLUMNS.length;
/** Rows per INSERT statement: many rows per statement is what makes SQLite inserts fast. */
const ROWS_PER_STATEMENT = 50;

type Value = string | number | null;

/** Buffers event rows as a flat value array and writes them with multi-row prepared INSERTs. */
export class EventWriter {
  private values: Value[] = [];
  private readonly many;
  private readonly one;

  constructor(db: DB) {
    const row = `(${COLUMNS.map(() => '?').join(',')})`;
    const head = `INSERT INTO events (${COLUMNS.join(',')}) VALUES `;
    this.many = db.prepare(head + Array(ROWS_PER_STATEMENT).fill(row).join(','));
    this.one = db.prepare(head + row);
  }

  add(e: FirewallEvent, c: Classified, sourceId: number, line: number): void {
    this.values.push(
      e.ts, sourceId, line, e.format, e.action, c.direction, c.class, c.reason, e.transport, e.srcIp, e.srcPort ?? null,
      e.dstIp, e.dstPort ?? null, e.tcpFlags ?? null, e.icmpType ?? null, e.icmpCode ?? null, e.inIf ?? null,
      e.outIf ?? null, e.hostname ?? null, e.rule ?? null, e.length ?? null, e.ttl ?? null, e.count ?? 1,
    );
  }

  get pending(): number {
    return this.values.length / WIDTH;
  }

  /** Writes the buffered rows; call inside the batch transaction. */
  flush(): number {
    const v = this.values;
    const rows = v.length / WIDTH;
    const chunk = WIDTH * ROWS_PER_STATEMENT;
    let i = 0;
    for (; i + chunk <= v.length; i += chunk) this.many.run(v.slice(i, i + chunk));
    for (; i < v.length; i += WIDTH) this.one.run(v.slice(i, i + WIDTH));
    this.values = [];
    return rows;
  }
}
