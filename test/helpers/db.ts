import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openDb, type DB } from '../../src/store/db';
import { IngestSession } from '../../src/pipeline/ingest';
import { Tally } from '../../src/pipeline/tally';
import { openInput, openStream } from '../../src/sources/inputs';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'portledger-test-'));
}

export function freshDb(dir = tempDir()): { db: DB; file: string; dir: string } {
  const file = path.join(dir, 'test.db');
  return { db: openDb(file), file, dir };
}

export interface IngestResult {
  tally: Tally;
  statuses: string[];
}

/** Ingests files (paths) or in-memory texts given as `{ stdin: text }`, like `portledger ingest`. */
export async function ingest(db: DB, inputs: (string | { stdin: string | Buffer })[], opts: { tz?: string; year?: number; workerMinBytes?: number } = {}): Promise<IngestResult> {
  const session = new IngestSession(db, { tz: opts.tz ?? 'UTC', year: opts.year, workerMinBytes: opts.workerMinBytes });
  const tally = new Tally();
  const statuses: string[] = [];
  for (const i of inputs) {
    const input = typeof i === 'string' ? await openInput(i) : await openStream('-', Readable.from([Buffer.from(i.stdin)]));
    const r = await session.ingest(input);
    tally.add(r.tally);
    statuses.push(r.status);
  }
  session.finish();
  return { tally, statuses };
}

export function count(db: DB, sql: string, ...params: unknown[]): number {
  return db.prepare(sql).pluck().get(...params) as number;
}

/** A netfilter line as an ASUS router writes it, inbound to the WAN address 203.0.113.10. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The syslog (BSD) stamp of UTC instant `ms`: `Jun  4 10:00:00`. */
export function bsdStampUtc(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
}

export function inboundLine(stamp: string, src: string, dpt: number, flags = 'SYN', proto = 'TCP'): string {
  const l4 = proto === 'TCP' ? `PROTO=TCP SPT=40000 DPT=${dpt} WINDOW=1024 RES=0x00 ${flags} URGP=0` : `PROTO=UDP SPT=40000 DPT=${dpt} LEN=20`;
  return `${stamp} gw kernel: DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=${src} DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=50 ID=1 ${l4}`;
}

/** An inside host reaching an outside host, forwarded by the router. */
export function outboundLine(stamp: string, src: string, dst: string, dpt: number): string {
  return `${stamp} gw kernel: ACCEPT IN=br0 OUT=eth0 SRC=${src} DST=${dst} LEN=52 TOS=0x00 PREC=0x00 TTL=127 ID=1 DF PROTO=TCP SPT=50000 DPT=${dpt} WINDOW=64240 RES=0x00 SYN URGP=0`;
}
