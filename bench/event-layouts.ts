/**
 * What another events-table layout would buy the write thread, measured before changing it:
 * real batches of a log (computed once, in memory) are written by each variant in turn, batch by
 * batch in rotating order, each into its own database, so the load of a shared machine falls on
 * all alike. Only the rows' INSERT inside a transaction is timed (the detectors, rollups and
 * commit are the same whatever the layout).
 *
 *   node dist/bench/event-layouts.js LOG [reps]
 *
 * Variants: the layout as it is (23 bound values a row, through EventWriter); the eleven code
 * columns packed into three integers with VIRTUAL generated columns under the old names (so every
 * reader keeps working; 15 values a row); the same with IPv4 addresses stored as integers.
 * Measured 2026-12-03 on 200,000 lines of the reference log (2 shared cores, two runs): packed
 * 0.89 / 0.96 of today's CPU per row, packed + IPv4 integers 0.85 / 0.91; dropping the events_ts
 * index (not an option) 0.91. The row INSERT is about a quarter of the write thread with slow
 * scans on, so the layout change would buy about 3 % of it: not made.
 */
import fs from 'node:fs';
import { openDb, type DB } from '../src/store/db';
import { EventWriter } from '../src/store/event-writer';
import { computeBatches } from '../src/pipeline/compute-loop';
import { openInput } from '../src/sources/inputs';
import { COL, RowReader, VOCAB_FIELDS } from '../src/contract/batch/codec';
import { Codes } from '../src/store/codes';
import { ipv4ToInt } from '../src/classify/networks';
import type { ComputedBatch } from '../src/pipeline/batch';

type Write = (rows: RowReader, sourceId: number) => void;

const PACKED = (src: string, dst: string) => `CREATE TABLE packed_events (
  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, source_id INTEGER NOT NULL, line INTEGER NOT NULL, kind INTEGER NOT NULL,
  ${src} NOT NULL, sport INTEGER, ${dst} NOT NULL, dport INTEGER, icmp_type INTEGER, icmp_code INTEGER, iface INTEGER, names INTEGER,
  length INTEGER, ttl INTEGER, count INTEGER NOT NULL DEFAULT 1,
  format INTEGER GENERATED ALWAYS AS (kind & 255) VIRTUAL,
  action INTEGER GENERATED ALWAYS AS ((kind >> 8) & 15) VIRTUAL,
  direction INTEGER GENERATED ALWAYS AS ((kind >> 12) & 15) VIRTUAL,
  class INTEGER GENERATED ALWAYS AS ((kind >> 16) & 15) VIRTUAL,
  reason INTEGER GENERATED ALWAYS AS ((kind >> 20) & 4095) VIRTUAL,
  transport INTEGER GENERATED ALWAYS AS ((kind >> 32) & 1023) VIRTUAL,
  tcp_flags INTEGER GENERATED ALWAYS AS (nullif((kind >> 42) & 2047, 0) - 1) VIRTUAL,
  in_if INTEGER GENERATED ALWAYS AS (nullif(iface & 67108863, 0) - 1) VIRTUAL,
  out_if INTEGER GENERATED ALWAYS AS (nullif(iface >> 26, 0) - 1) VIRTUAL,
  host INTEGER GENERATED ALWAYS AS (nullif(names & 67108863, 0) - 1) VIRTUAL,
  rule INTEGER GENERATED ALWAYS AS (nullif(names >> 26, 0) - 1) VIRTUAL);
CREATE INDEX packed_events_ts ON packed_events (ts);`;

const COMPARED = ['format', 'action', 'direction', 'class', 'reason', 'transport', 'tcp_flags', 'in_if', 'out_if', 'host', 'rule', 'sport', 'dport', 'length', 'ttl', 'count'];

function packedWriter(db: DB, ipInts: boolean): Write {
  const codes = new Codes(db);
  const cols = ['ts', 'source_id', 'line', 'kind', ipInts ? 'src_ip' : 'src', 'sport', ipInts ? 'dst_ip' : 'dst', 'dport', 'icmp_type', 'icmp_code', 'iface', 'names', 'length', 'ttl', 'count'];
  const per = 50;
  const width = cols.length;
  const row = `(${cols.map(() => '?').join(',')})`;
  const many = db.prepare(`INSERT INTO packed_events (${cols.join(',')}) VALUES ` + Array(per).fill(row).join(','));
  const one = db.prepare(`INSERT INTO packed_events (${cols.join(',')}) VALUES ` + row);
  const ip = (s: string): string | number => {
    if (!ipInts) return s;
    const n = ipv4ToInt(s);
    return n >= 0 ? n : s;
  };
  return (rows, sourceId) => {
    const f = VOCAB_FIELDS.map((field) => {
      const cache: number[] = [];
      return (i: number): number => (Number.isNaN(i) ? -1 : (cache[i] ??= codes.code(field, rows.words[i])));
    });
    const v: (string | number | null)[] = new Array(width * per);
    const num = (r: number, c: number) => rows.num(r, c) ?? null;
    let k = 0;
    let n = 0;
    for (let r = 0; r < rows.count; r++) {
      const g = (c: number, j: number) => f[j](rows.wordIndex(r, c));
      v[k++] = rows.num(r, COL.ts)!;
      v[k++] = sourceId;
      v[k++] = rows.num(r, COL.line)!;
      v[k++] = g(COL.format, 0) + g(COL.action, 1) * 2 ** 8 + g(COL.direction, 2) * 2 ** 12 + g(COL.class, 3) * 2 ** 16 + g(COL.reason, 4) * 2 ** 20 + g(COL.transport, 5) * 2 ** 32 + (g(COL.tcp_flags, 6) + 1) * 2 ** 42;
      v[k++] = ip(rows.src(r));
      v[k++] = num(r, COL.sport);
      v[k++] = ip(rows.dst(r));
      v[k++] = num(r, COL.dport);
      v[k++] = num(r, COL.icmp_type);
      v[k++] = num(r, COL.icmp_code);
      v[k++] = g(COL.in_if, 7) + 1 + (g(COL.out_if, 8) + 1) * 2 ** 26;
      v[k++] = g(COL.host, 9) + 1 + (g(COL.rule, 10) + 1) * 2 ** 26;
      v[k++] = num(r, COL.length);
      v[k++] = num(r, COL.ttl);
      v[k++] = rows.num(r, COL.count)!;
      if (++n === per) {
        many.run(v);
        k = 0;
        n = 0;
      }
    }
    for (let i = 0; i < n; i++) one.run(v.slice(i * width, (i + 1) * width));
  };
}

interface Variant {
  name: string;
  file: string;
  db: DB;
  table: string;
  write: Write;
  wallUs: number;
  cpuUs: number;
}

async function main(): Promise<void> {
  const log = process.argv[2];
  if (!log) throw new Error('usage: node dist/bench/event-layouts.js LOG [reps]');
  const reps = Number(process.argv[3] ?? 1);
  const input = await openInput(log);
  const batches: ComputedBatch[] = [];
  for await (const b of computeBatches(input, { tz: 'UTC', home: [], wanIf: [], trusted: [], wormPort: 445, offset: 0, lines: 0 })) batches.push(b);
  const dir = fs.mkdtempSync('/tmp/portledger-layouts-');
  const variant = (name: string, table: string, setup: (db: DB) => Write): Variant => {
    const file = `${dir}/${name}.db`;
    const db = openDb(file);
    db.pragma('wal_autocheckpoint = 10000');
    return { name, file, db, table, write: setup(db), wallUs: 0, cpuUs: 0 };
  };
  const variants = [
    variant('today (23 values a row)', 'events', (db) => {
      const w = new EventWriter(db);
      return (rows, id) => w.write(rows, id);
    }),
    variant('codes packed (15)', 'packed_events', (db) => {
      db.exec(PACKED('src TEXT', 'dst TEXT'));
      return packedWriter(db, false);
    }),
    variant('packed + IPv4 as integers', 'packed_events', (db) => {
      db.exec(PACKED('src_ip ANY', 'dst_ip ANY'));
      return packedWriter(db, true);
    }),
  ];
  let rows = 0;
  for (let rep = 0; rep < reps; rep++) {
    batches.forEach((b, i) => {
      rows += b.rows.count;
      for (let j = 0; j < variants.length; j++) {
        const v = variants[(i + j) % variants.length];
        const reader = new RowReader(b.rows);
        reader.src(0); // addresses decoded outside the timing, as the sink has done before the writer runs
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        v.db.transaction(() => v.write(reader, 1))();
        const c = process.cpuUsage(c0);
        v.cpuUs += c.user + c.system;
        v.wallUs += Number(process.hrtime.bigint() - t0) / 1e3;
      }
    });
  }
  // The packed layouts must read back as today's does, column by column.
  const q = (v: Variant) => JSON.stringify(v.db.prepare(`SELECT ${COMPARED.join(', ')} FROM ${v.table} ORDER BY id`).raw().all());
  const today = q(variants[0]);
  const base = variants[0];
  process.stdout.write(`events INSERT, ${rows.toLocaleString('en-US')} rows of ${log}, interleaved batch by batch:\n\n| layout | CPU µs/row | ratio | wall µs/row | reads back the same |\n|---|---:|---:|---:|---|\n`);
  for (const v of variants) {
    process.stdout.write(`| ${v.name} | ${(v.cpuUs / rows).toFixed(2)} | ${(v.cpuUs / base.cpuUs).toFixed(2)} | ${(v.wallUs / rows).toFixed(2)} | ${q(v) === today ? 'yes' : 'NO'} |\n`);
    v.db.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
  process.exit(1);
});
