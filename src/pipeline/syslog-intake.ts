/**
 * Messages from the syslog receiver into the live pipeline: one source per sender and
 * transport, messages gathered for a moment and committed together (a transaction per message
 * would cap the rate far below what routers send), drops counted per sender in the database.
 */
import type { DB } from '../store/db';
import type { RawRecord } from '../sources/records';
import type { LivePipeline, LiveSource } from './live';

const FLUSH_MS = 100;
const FLUSH_RECORDS = 2000;

export interface SyslogOrigin {
  address: string;
  transport: string;
}

export class SyslogIntake {
  private readonly sources = new Map<string, { src: LiveSource; pending: RawRecord[] }>();
  private readonly drops = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private readonly countDrop;
  /** Messages handed to the pipeline so far. */
  received = 0;

  constructor(private readonly live: LivePipeline, db: DB) {
    this.countDrop = db.prepare('INSERT INTO reject_counts (source_id, reason, count) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count');
  }

  start(): void {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  message(text: string, from: SyslogOrigin): void {
    const s = this.sourceOf(from.transport, from.address);
    s.pending.push({ text, line: s.src.row.lines + s.pending.length + 1 });
    this.received++;
    if (s.pending.length >= FLUSH_RECORDS) this.flushOne(s);
  }

  /** A message the receiver refused (not allowed, oversize, …): counted against its sender. */
  drop(sender: string, reason: string, transport = 'udp'): void {
    const key = `${transport}\t${sender}\t${reason}`;
    this.drops.set(key, (this.drops.get(key) ?? 0) + 1);
  }

  flush(): void {
    for (const s of this.sources.values()) if (s.pending.length) this.flushOne(s);
    for (const [key, n] of this.drops) {
      const [transport, sender, reason] = key.split('\t');
      this.countDrop.run(this.sourceOf(transport, sender).src.row.id, `dropped: ${reason}`, n);
    }
    this.drops.clear();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  private flushOne(s: { src: LiveSource; pending: RawRecord[] }): void {
    const records = s.pending;
    s.pending = [];
    this.live.process(s.src, { records, endOffset: 0, lines: s.src.row.lines + records.length });
  }

  private sourceOf(transport: string, address: string) {
    const name = `syslog ${transport} ${address}`;
    let s = this.sources.get(name);
    if (!s) this.sources.set(name, (s = { src: this.live.namedSource(name), pending: [] }));
    return s;
  }
}
