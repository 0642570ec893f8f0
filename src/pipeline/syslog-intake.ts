/**
 * Messages from the syslog receiver into the live pipeline: one source per allowed sender and
 * transport, messages gathered for a moment and committed together (a transaction per message
 * would cap the rate far below what routers send).
 *
 * Nothing is lost silently, and nothing grows without bound:
 *  - what waits to be stored is bounded (`maxPendingBytes` of message text); past that, messages
 *    are dropped and counted `store behind`;
 *  - a commit the database refuses for now (busy past the busy timeout, disk full, I/O error) is
 *    kept and retried with backoff (said once when it starts, once when it ends);
 *  - refusals are counted per reason, never per address: senders outside the allowlist, and the
 *    kernel's UDP receive-buffer drops, go to one row of their own, the `syslog listener`
 *    source; drops of an allowed sender's messages (oversize, …) to that sender's source.
 */
import type { DB } from '../store/db';
import { storeUnavailable } from '../store/db';
import { addReasonCounts } from '../store/sources';
import type { RawRecord } from '../sources/records';
import type { LivePipeline, LiveSource } from './live';
import type { ComputedBatch } from './batch';

const FLUSH_MS = 100;
const FLUSH_RECORDS = 2000;
/**
 * With a parse worker: messages of one sender go to it in batches of at most this many, and at
 * most IN_FLIGHT of its batches are there or waiting to be committed (more would not be stored
 * sooner; they wait here, as text, within the same bound).
 */
const PARSE_BATCH = 4000;
const IN_FLIGHT = 4;
/** Committing computed batches yields to the event loop after this long (timers, the dashboard). */
const COMMIT_SLICE_MS = 50;
const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** Senders kept in memory with nothing pending are forgotten after this long (their row stays). */
const FORGET_IDLE_MS = 10 * 60_000;
const FORGET_ABOVE = 256;
/** What `listen` holds by default (its `--max-queue`), here and in the UDP receive queue. */
export const DEFAULT_MAX_PENDING_BYTES = 128 * 1024 * 1024;
export const LISTENER_SOURCE = 'syslog listener';

/** Losses of the listener as a whole (not of one allowed sender). */
export type ListenerLoss = 'not allowed' | 'udp receive buffer' | 'store behind';

export interface SyslogOrigin {
  address: string;
  transport: string;
}

export interface IntakeOptions {
  /** Message text held while the store is behind or failing; default 128 MiB. */
  maxPendingBytes?: number;
  /** The kernel's UDP drop counter for the listening socket, since it opened (null: unknown). */
  kernelDrops?: () => number | null;
  /** One line when storing starts failing and one when it works again. */
  log?: (line: string) => void;
}

export interface IntakeStatus {
  pending: number;
  pendingBytes: number;
  /** Why the store refuses writes now, and since when (undefined when it works). */
  storeProblem?: { reason: string; since: number };
  /** Losses this run, by reason (the listener's and every sender's). */
  lost: Record<string, number>;
}

interface Queue {
  name: string;
  src?: LiveSource;
  records: RawRecord[];
  bytes: number;
  touched: number;
  /** With a parse worker: batches sent to it, in order, until committed. */
  parsing: Parsing[];
  /** The line number the next batch sent starts at (undefined: from the source's stored count). */
  nextLine?: number;
}

/** A batch of one sender's messages at the parse worker, then waiting to be committed. */
interface Parsing {
  texts: string[];
  firstLine: number;
  bytes: number;
  computed?: ComputedBatch;
  /** The worker did not compute it (it failed, or its parser threw): computed in this thread. */
  refused?: boolean;
}

export class SyslogIntake {
  private readonly queues = new Map<string, Map<string, Queue>>();
  private live?: LivePipeline;
  private db?: DB;
  private listener?: LiveSource;
  private timer?: NodeJS.Timeout;
  private readonly maxPendingBytes: number;
  private pendingBytes = 0;
  private pending = 0;
  /** Counts not yet written: the listener's by reason, and allowed senders' drops by source name and reason. */
  private readonly listenerCounts = new Map<string, number>();
  private readonly senderDrops = new Map<string, Map<string, number>>();
  private readonly lostThisRun = new Map<string, number>();
  /** The kernel counts from the socket's creation: every drop since then is ours to count. */
  private kernelSeen = 0;
  /** Why storing fails now; `held`: messages that have had to wait since it started. */
  private failure?: { reason: string; since: number; attempts: number; held: number };
  private retryAt = 0;
  private committing = false;
  /** A batch was committed in the current store step (the store works again, whatever still waits). */
  private committed = false;
  /** Messages handed to the pipeline so far. */
  received = 0;

  constructor(private readonly opts: IntakeOptions = {}) {
    this.maxPendingBytes = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  }

  /** Starts storing into `live` (messages that came before wait in the queue). */
  attach(live: LivePipeline, db: DB): void {
    this.live = live;
    this.db = db;
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  message(text: string, from: SyslogOrigin): void {
    if (this.pendingBytes + text.length > this.maxPendingBytes) {
      this.lose('store behind');
      return;
    }
    const q = this.queueOf(from.transport, from.address);
    q.records.push({ text, line: 0 });
    q.bytes += text.length;
    this.pendingBytes += text.length;
    this.pending++;
    this.received++;
    if (this.failure) this.failure.held++;
    if (q.records.length >= FLUSH_RECORDS && this.live && Date.now() >= this.retryAt) this.guarded(() => this.store(q));
  }

  /** The parse worker, while it works. */
  private get parser() {
    const p = this.live?.parseThread;
    return p?.alive ? p : undefined;
  }

  /**
   * Messages or a connection the receiver refused (`count` of them): the listener's count (not
   * allowed; store behind, the UDP receive queue full), or the allowed sender's.
   */
  drop(sender: string, reason: string, transport = 'udp', count = 1): void {
    if (reason === 'not allowed' || reason === 'store behind') return this.lose(reason, count);
    const name = `syslog ${transport} ${sender}`;
    let m = this.senderDrops.get(name);
    if (!m) this.senderDrops.set(name, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + count);
    this.lostThisRun.set(reason, (this.lostThisRun.get(reason) ?? 0) + count);
  }

  /** Stores what waits, and the counts; on a refusal of the database, keeps it all for later. */
  flush(): void {
    if (!this.live || Date.now() < this.retryAt) return;
    this.readKernelDrops();
    this.guarded(() => {
      for (const byAddress of this.queues.values()) for (const q of byAddress.values()) if (q.records.length || q.parsing.length) this.store(q);
      this.storeCounts();
      this.forgetIdle();
    });
  }

  /**
   * Stops the timer and stores what waits, retrying for up to `timeoutMs` while the database
   * refuses; resolves with the messages that could not be stored (0 normally).
   */
  async stop(timeoutMs = 10_000): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    const end = Date.now() + timeoutMs;
    for (;;) {
      this.retryAt = 0;
      this.flush();
      // With a parse worker, what it still computes is committed as it comes back.
      if (!this.failure && this.pending > 0 && this.parsingNow() && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      if (!this.failure || Date.now() >= end) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Stopped: a batch the worker answers after this is not committed (the database closes next).
    this.live = undefined;
    return this.pending;
  }

  private parsingNow(): boolean {
    for (const byAddress of this.queues.values()) for (const q of byAddress.values()) if (q.parsing.length) return true;
    return false;
  }

  status(): IntakeStatus {
    this.readKernelDrops();
    return {
      pending: this.pending,
      pendingBytes: this.pendingBytes,
      storeProblem: this.failure && { reason: this.failure.reason, since: this.failure.since },
      lost: Object.fromEntries(this.lostThisRun),
    };
  }

  private lose(reason: ListenerLoss, n = 1): void {
    this.listenerCounts.set(`dropped: ${reason}`, (this.listenerCounts.get(`dropped: ${reason}`) ?? 0) + n);
    this.lostThisRun.set(reason, (this.lostThisRun.get(reason) ?? 0) + n);
  }

  private readKernelDrops(): void {
    const now = this.opts.kernelDrops?.();
    if (now === null || now === undefined) return;
    if (now > this.kernelSeen) this.lose('udp receive buffer', now - this.kernelSeen);
    this.kernelSeen = now;
  }

  /** Runs a store step; a refusal of the database starts (or continues) the backoff. */
  private guarded(step: () => void): void {
    this.committed = false;
    try {
      step();
    } catch (e) {
      const reason = storeUnavailable(e);
      if (!reason) throw e;
      this.failed(reason, e);
      return;
    }
    // With a parse worker, messages may still be on their way to it: a commit that worked is enough.
    if (this.failure && (this.pending === 0 || (this.committed && this.parser))) this.recovered();
  }

  private failed(reason: string, e: unknown): void {
    const now = Date.now();
    if (!this.failure) {
      this.failure = { reason, since: now, attempts: 0, held: this.pending };
      this.opts.log?.(`cannot store for now (${reason}: ${(e as Error).message}): holding messages and retrying; beyond ${Math.round(this.maxPendingBytes / 1048576)} MiB they are dropped and counted`);
    }
    this.retryAt = now + BACKOFF_MS[Math.min(this.failure.attempts++, BACKOFF_MS.length - 1)];
  }

  private recovered(): void {
    const f = this.failure!;
    this.failure = undefined;
    this.retryAt = 0;
    const delayed = `delayed: ${f.reason}`;
    this.listenerCounts.set(delayed, (this.listenerCounts.get(delayed) ?? 0) + f.held);
    this.opts.log?.(`storing again after ${((Date.now() - f.since) / 1000).toFixed(1)} s (${f.reason}); ${f.held} messages waited and are stored`);
    try {
      this.storeCounts();
    } catch (e) {
      if (!storeUnavailable(e)) throw e; // written with the next flush
    }
  }

  private store(q: Queue): void {
    const live = this.live!;
    q.src ??= live.namedSource(q.name);
    if (this.parser || q.parsing.length) return this.storeParsed(q, q.src);
    const base = q.src.row.lines;
    const records = q.records;
    for (let i = 0; i < records.length; i++) records[i].line = base + i + 1;
    live.process(q.src, { records, endOffset: 0, lines: base + records.length });
    // Only now, committed: let go of them.
    q.records = [];
    q.touched = Date.now();
    this.pendingBytes -= q.bytes;
    this.pending -= records.length;
    q.bytes = 0;
  }

  /**
   * With a parse worker: the sender's waiting messages go to it in batches (numbered on from the
   * last batch sent), and its computed batches are committed in order. Messages count as pending
   * (within `maxPendingBytes`) until committed; a computed batch the database refuses is kept and
   * offered again as it is.
   */
  private storeParsed(q: Queue, src: LiveSource): void {
    const parser = this.parser;
    while (q.records.length > 0 && q.parsing.length < IN_FLIGHT) {
      const records = q.records.length > PARSE_BATCH ? q.records.splice(0, PARSE_BATCH) : q.records.splice(0);
      let bytes = 0;
      const texts = records.map((r) => ((bytes += r.text.length), r.text));
      q.bytes -= bytes;
      const fresh = q.nextLine === undefined;
      const p: Parsing = { texts, firstLine: (q.nextLine ??= src.row.lines + 1), bytes };
      q.nextLine += texts.length;
      q.parsing.push(p);
      if (!parser) continue; // the worker failed meanwhile: computed below, here
      parser.compute(src.row.id, texts, p.firstLine, fresh ? src.cursor.openSessions ?? [] : undefined).then(
        (b) => {
          p.computed = b;
          p.texts = [];
          this.commitSoon();
        },
        () => {
          // The worker failed: this thread computes what it had not answered (commitParsed).
          p.refused = true;
          this.commitSoon();
        },
      );
    }
    this.commitParsed(q, src);
  }

  /** Commits the sender's computed batches, in order, while the database takes them. */
  private commitParsed(q: Queue, src: LiveSource): void {
    const parser = this.parser;
    while (q.parsing.length > 0) {
      const p = q.parsing[0];
      if (!p.computed) {
        if (parser && !p.refused) return; // still at the worker
        const records = p.texts.map((text, i) => ({ text, line: p.firstLine + i }));
        p.computed = this.live!.compute(src, { records, endOffset: 0, lines: p.firstLine - 1 + records.length });
        p.texts = [];
      }
      this.live!.commit(src, p.computed);
      this.committed = true;
      q.parsing.shift();
      q.touched = Date.now();
      this.pendingBytes -= p.bytes;
      this.pending -= p.computed.lines - p.firstLine + 1;
    }
  }

  /** Computed batches came back: committed in a turn of the event loop of their own, a slice at a time. */
  private commitSoon(): void {
    if (this.committing) return;
    this.committing = true;
    setImmediate(() => {
      this.committing = false;
      if (!this.live || Date.now() < this.retryAt) return;
      const until = performance.now() + COMMIT_SLICE_MS;
      this.guarded(() => {
        for (const byAddress of this.queues.values()) {
          for (const q of byAddress.values()) {
            if (q.parsing[0]?.computed && q.src) this.commitParsed(q, q.src);
            if (performance.now() >= until) return this.commitSoon();
          }
        }
      });
    });
  }

  /** The listener's and the senders' drop counts, in one short transaction. */
  private storeCounts(): void {
    if (this.listenerCounts.size === 0 && this.senderDrops.size === 0) return;
    const db = this.db!;
    const live = this.live!;
    db.transaction(() => {
      if (this.listenerCounts.size) {
        this.listener ??= live.namedSource(LISTENER_SOURCE);
        addReasonCounts(db, this.listener.row.id, this.listenerCounts);
      }
      for (const [name, counts] of this.senderDrops) {
        const [, transport, address] = name.split(' ');
        const q = this.queueOf(transport, address);
        q.src ??= live.namedSource(q.name);
        addReasonCounts(db, q.src.row.id, [...counts].map(([r, n]) => [`dropped: ${r}`, n] as [string, number]));
      }
    }).immediate();
    this.listenerCounts.clear();
    this.senderDrops.clear();
  }

  private queueOf(transport: string, address: string): Queue {
    let byAddress = this.queues.get(transport);
    if (!byAddress) this.queues.set(transport, (byAddress = new Map()));
    let q = byAddress.get(address);
    if (!q) byAddress.set(address, (q = { name: `syslog ${transport} ${address}`, records: [], bytes: 0, touched: 0, parsing: [] }));
    return q;
  }

  /** Keeps the in-memory sender table small: a sender quiet for long is looked up again if it returns. */
  private forgetIdle(): void {
    const now = Date.now();
    for (const byAddress of this.queues.values()) {
      if (byAddress.size <= FORGET_ABOVE) continue;
      for (const [address, q] of byAddress) {
        if (q.records.length === 0 && q.parsing.length === 0 && now - q.touched > FORGET_IDLE_MS) {
          byAddress.delete(address);
          if (q.src) this.live?.parseThread?.forget(q.src.row.id);
        }
      }
    }
  }
}
