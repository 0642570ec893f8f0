import type { DB } from './db';
import { hourBucketer } from './buckets';

/**
 * Accumulates inbound scans per (port, proto, local hour, source, target) in memory and writes
 * one upsert per distinct tuple per batch, marking the hour dirty so `settleRollups` recounts it.
 */
export class RollupWriter {
  private counts = new Map<string, number>();
  private readonly bucket: (ts: number) => number;
  private readonly upsert;
  private readonly dirty;

  constructor(db: DB, tz: string) {
    this.bucket = hourBucketer(tz);
    this.upsert = db.prepare(
      `INSERT INTO scan_hour (port, proto, hour, src, dst, events) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (port, proto, hour, src, dst) DO UPDATE SET events = events + excluded.events`,
    );
    this.dirty = db.prepare('INSERT OR IGNORE INTO dirty_hour (port, proto, hour) VALUES (?, ?, ?)');
  }

  add(port: number, proto: string, ts: number, src: string, dst: string, count: number): void {
    // \t cannot occur in any of the parts, so it is a safe separator.
    const key = `${port}\t${proto}\t${this.bucket(ts)}\t${src}\t${dst}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  get pending(): number {
    return this.counts.size;
  }

  /** Call inside the batch transaction. */
  flush(): void {
    const hours = new Set<string>();
    for (const [key, n] of this.counts) {
      const [port, proto, hour, src, dst] = key.split('\t');
      this.upsert.run(+port, proto, +hour, src, dst, n);
      hours.add(`${port}\t${proto}\t${hour}`);
    }
    for (const h of hours) {
      const [port, proto, hour] = h.split('\t');
      this.dirty.run(+port, proto, +hour);
    }
    this.counts = new Map();
  }
}

/** The port a scan is counted under: the destination port, the ICMP type, or 0. */
export function rollupPort(dstPort: number | undefined, icmpType: number | undefined): number {
  return dstPort ?? icmpType ?? 0;
}
