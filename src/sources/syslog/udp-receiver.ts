/**
 * The UDP half of the syslog receiver (RFC 5426): one datagram is one message, a trailing LF
 * (and CR / NUL) is stripped, a datagram of several LF-separated lines (some relays batch) is
 * one message per line. The socket's kernel drop counter is read every `dropPollMs`: datagrams
 * the kernel threw away because the receive buffer was full are counted too, not only those
 * that reached us.
 *
 * The socket lives in a thread of its own (udp-thread.ts) that only receives: the kernel buffer
 * is emptied while this thread parses and commits (at 20,000 msg/s a commit of 2,000 messages
 * took long enough to overflow it). Datagrams come back here in batches, through a queue bounded
 * by `maxQueueBytes`; what does not fit is dropped and counted `store behind`. Without a build
 * (tests run from TypeScript sources) or with `thread: false`, the socket is read in this thread.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { threadScript } from '../../util/thread-script';
import type { FromUdpThread, UdpBatch, UdpThreadData } from './udp-batch';
import { bindError, fmtAddr, normalizeAddress } from './address';
import { LF, trimEnd } from './bytes';
import type { ReceiverSink } from './receiver';
import type { ListenAddress, SyslogSender } from './types';
import { UdpDropCounter } from './udp-drops';

function rmemMax(): number | undefined {
  try {
    return Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export interface UdpCounters {
  datagrams: number;
  bytes: number;
  /** Effective SO_RCVBUF as the kernel reports it (twice what it granted, on Linux). */
  recvBufferSize: number;
  /** Datagrams the kernel dropped (receive buffer full) since the socket opened; null where unknown. */
  kernelDrops: number | null;
  /** Bytes waiting in the socket's receive queue at the last poll; null where unknown. */
  rxQueue: number | null;
  /** Whether the socket is read by a thread of its own. */
  thread: boolean;
  /** Bytes received by that thread and not yet framed here. */
  queuedBytes: number;
  /** How long the last batch waited between its first datagram and its framing here, ms. */
  queueDelayMs: number;
}

export interface UdpQueueOptions {
  /** Read the socket in a thread of its own when the compiled script exists (default true). */
  thread?: boolean;
  /** Bytes received and not yet framed, at most; beyond, datagrams are dropped (`store behind`). */
  maxQueueBytes: number;
}

/** Framing batches here yields to the event loop after this long (a batch's commit may take longer). */
const FRAME_SLICE_MS = 50;
/** A batch not full waits this long for more datagrams before it is handed over. */
const MAX_WAIT_MS = 10;
/** The receive thread keeps one batch and a socket: a small heap. */
const THREAD_HEAP = { maxOldGenerationSizeMb: 64 };

export class UdpReceiver {
  private sock: dgram.Socket | null = null;
  private worker?: Worker;
  private readonly waiting: UdpBatch[] = [];
  private queued?: Int32Array;
  private closing?: Promise<void>;
  private drops?: UdpDropCounter;
  private dropTimer?: NodeJS.Timeout;
  readonly counters: UdpCounters = {
    datagrams: 0, bytes: 0, recvBufferSize: 0, kernelDrops: null, rxQueue: null, thread: false, queuedBytes: 0, queueDelayMs: 0,
  };

  constructor(
    private readonly sink: ReceiverSink,
    private readonly maxMessageBytes: number,
    private readonly recvBufferSize: number,
    private readonly dropPollMs: number,
    private readonly queue: UdpQueueOptions,
  ) {}

  /** Binds; resolves with the bound address and a line describing it for the log. */
  bind(addr: ListenAddress): Promise<{ address: ListenAddress & { recvBufferSize: number }; note: string }> {
    const script = this.queue.thread === false ? undefined : threadScript(__filename, 'src/sources/syslog', 'udp-thread');
    return script ? this.bindThread(addr, script) : this.bindHere(addr);
  }

  private bindHere(addr: ListenAddress): Promise<{ address: ListenAddress & { recvBufferSize: number }; note: string }> {
    const type = net.isIPv6(addr.host) ? 'udp6' : 'udp4';
    const sock = dgram.createSocket({ type, recvBufferSize: this.recvBufferSize });
    this.sock = sock;
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(bindError('UDP', addr, e));
      sock.once('error', onError);
      sock.bind(addr.port, addr.host, () => {
        sock.off('error', onError);
        sock.on('error', (e) => this.sink.log(`syslog UDP socket error: ${e.message}`));
        sock.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.address, rinfo.port));
        let effective = 0;
        try {
          effective = sock.getRecvBufferSize();
        } catch {
          /* not available on this platform */
        }
        const a = sock.address();
        resolve(this.bound(a.address, a.port, effective));
      });
    });
  }

  private bindThread(addr: ListenAddress, script: string): Promise<{ address: ListenAddress & { recvBufferSize: number }; note: string }> {
    const shared = new SharedArrayBuffer(4);
    this.queued = new Int32Array(shared);
    this.counters.thread = true;
    const workerData: UdpThreadData = {
      host: addr.host, port: addr.port, type: net.isIPv6(addr.host) ? 'udp6' : 'udp4', recvBufferSize: this.recvBufferSize,
      queued: shared, maxQueueBytes: this.queue.maxQueueBytes, maxWaitMs: MAX_WAIT_MS,
    };
    const w = new Worker(script, { workerData, resourceLimits: THREAD_HEAP });
    this.worker = w;
    return new Promise((resolve, reject) => {
      let up = false;
      w.on('message', (m: FromUdpThread) => {
        if (m.kind === 'batch') this.take(m);
        else if (m.kind === 'bound') {
          up = true;
          resolve(this.bound(m.address, m.port, m.recvBufferSize));
        } else if (m.kind === 'error') {
          if (!up) reject(bindError('UDP', addr, Object.assign(new Error(m.message), { code: m.code })));
          else this.sink.log(`syslog UDP socket error: ${m.message}`);
        }
      });
      w.on('error', (e) => {
        if (!up) reject(e);
        else this.sink.log(`syslog UDP receive thread failed (${e.message}): UDP messages are no longer received`);
      });
      w.on('exit', (code) => {
        if (!up) reject(new Error(`the syslog UDP receive thread stopped (code ${code}) before binding`));
        else if (!this.closing) this.sink.log(`syslog UDP receive thread stopped (code ${code}): UDP messages are no longer received`);
      });
    });
  }

  /** What binding found, wherever the socket is read: counters, the kernel's drop counter, the log line. */
  private bound(address: string, port: number, effective: number): { address: ListenAddress & { recvBufferSize: number }; note: string } {
    this.counters.recvBufferSize = effective;
    this.drops = UdpDropCounter.find(port);
    if (this.drops) {
      this.pollDrops();
      this.dropTimer = setInterval(() => this.pollDrops(), this.dropPollMs);
      this.dropTimer.unref();
    }
    const cap = rmemMax();
    const note =
      `syslog UDP on ${fmtAddr(address, port)}: receive buffer ${effective} bytes (asked ${this.recvBufferSize}` +
      (cap !== undefined ? `; net.core.rmem_max=${cap}, Linux reports twice the granted size` : '') +
      ')' +
      (cap !== undefined && cap < this.recvBufferSize ? `; raise it with: sysctl -w net.core.rmem_max=${this.recvBufferSize}` : '') +
      (this.drops ? '' : '; kernel drops cannot be counted on this system') +
      (this.worker ? `; read by its own thread, up to ${Math.round(this.queue.maxQueueBytes / 1048576)} MiB queued for storing` : '');
    return { address: { host: address, port, recvBufferSize: effective }, note };
  }

  /** Reads the kernel's drop counter now (also done every `dropPollMs`). */
  pollDrops(): void {
    if (this.queued) this.counters.queuedBytes = Atomics.load(this.queued, 0);
    if (!this.drops) return;
    const r = this.drops.read();
    this.counters.kernelDrops = r.drops;
    this.counters.rxQueue = r.rxQueue;
  }

  /** Closes the socket; with a receive thread, every datagram it had is framed before this resolves. */
  close(): Promise<void> {
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.pollDrops();
    if (this.worker) return (this.closing ??= this.closeThread(this.worker));
    const sock = this.sock;
    if (!sock) return Promise.resolve();
    return new Promise<void>((resolve) => {
      try {
        sock.close(() => resolve());
      } catch {
        resolve(); // never bound, or already closed
      }
    });
  }

  private closeThread(w: Worker): Promise<void> {
    return new Promise<void>((resolve) => {
      // 'closed' comes after the last batch; a thread that does not answer is stopped.
      const stuck = setTimeout(() => void w.terminate(), 5000);
      const done = () => {
        clearTimeout(stuck);
        // Everything received is framed before close() resolves.
        while (this.waiting.length > 0) this.onBatch(this.waiting.shift()!);
        resolve();
      };
      w.on('message', (m: FromUdpThread) => m.kind === 'closed' && done());
      w.once('exit', done);
      w.postMessage({ kind: 'close' });
    });
  }

  /**
   * A batch from the receive thread waits here and is framed (and, through onMessage, stored) a
   * slice of time per turn of the event loop: Node hands every message waiting on a port to one
   * callback, so framing them as they come would run a backlog of batches — seconds of commits —
   * without a timer in between (no dashboard update, no panel, no periodic flush).
   */
  private take(m: UdpBatch): void {
    this.waiting.push(m);
    if (this.waiting.length === 1) setImmediate(() => this.frameSome());
  }

  private frameSome(): void {
    const until = performance.now() + FRAME_SLICE_MS;
    while (this.waiting.length > 0 && performance.now() < until) this.onBatch(this.waiting.shift()!);
    if (this.waiting.length > 0) setImmediate(() => this.frameSome());
  }

  private onBatch(m: UdpBatch): void {
    const all = Buffer.from(m.data, 0, m.bytes);
    let start = 0;
    try {
      for (let i = 0; i < m.count; i++) {
        const end = m.ends[i];
        this.onDatagram(all.subarray(start, end), m.addrs[m.from[i]], m.ports[i]);
        start = end;
      }
    } finally {
      this.counters.queuedBytes = Atomics.sub(this.queued!, 0, m.bytes) - m.bytes;
      if (m.count > 0) this.counters.queueDelayMs = Date.now() - m.firstAt;
    }
    if (m.behind > 0) this.sink.drop('', 'store behind', { transport: 'udp', port: 0, count: m.behind });
  }

  private onDatagram(msg: Buffer, from: string, port: number): void {
    this.counters.datagrams++;
    this.counters.bytes += msg.length;
    const address = normalizeAddress(from);
    if (!this.sink.allowed(address)) {
      this.sink.drop(address, 'not allowed', { transport: 'udp', port, bytes: msg.length });
      return;
    }
    let sender: SyslogSender | null = null;
    const end = trimEnd(msg, 0, msg.length);
    let start = 0;
    while (start < end) {
      let stop = msg.indexOf(LF, start);
      if (stop < 0 || stop > end) stop = end;
      const lineEnd = trimEnd(msg, start, stop);
      if (lineEnd > start) {
        if (lineEnd - start > this.maxMessageBytes) {
          this.sink.drop(address, 'oversize', { transport: 'udp', port, bytes: lineEnd - start });
        } else {
          sender ??= { address, port, transport: 'udp' };
          this.sink.accept(msg.toString('utf8', start, lineEnd), sender);
        }
      }
      start = stop + 1;
    }
  }
}
