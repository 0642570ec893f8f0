/**
 * The source stage for `portledger listen`: a syslog receiver that routers and firewalls send
 * to, over UDP (RFC 5426) and/or TCP (RFC 6587). It only receives and frames: every accepted
 * message goes to `onMessage(text, sender)` exactly as it was sent (RFC 3164 or 5424 text, with
 * its `<PRI>`; the envelope stage peels it), every message or connection it refuses goes to
 * `onDrop(sender, reason)` and into `stats()`. No parsing, no storage.
 *
 * Framing
 *  - UDP: one datagram is one message; a trailing LF (and CR / NUL) is stripped; a datagram
 *    holding several LF-separated lines (some relays batch) yields one message per line.
 *  - TCP: decided per connection from its first byte. A digit → octet counting
 *    (`LEN SP MSG`, RFC 6587 §3.4.1) — unless that first "count" is not followed by a space
 *    (`2024-06-14T… host kernel: …`, a relay without `<PRI>`): then, as for anything else,
 *    non-transparent framing, messages ended by LF (or NUL, which some senders use; a CR before
 *    the LF is stripped). In octet-counting
 *    mode, whitespace (LF, CR, NUL, SP) between frames is skipped — senders that append a
 *    newline to every frame stay in sync; any other byte where a length is expected cannot be
 *    resynchronized: the connection is closed and `framing error` counted.
 *
 * Limits (each refused unit is counted once, per reason and per sender)
 *  - `not allowed`: sender outside `allow` (default: loopback and private ranges); its datagram
 *    is dropped, its connection closed at once. IPv4-mapped IPv6 senders (`::ffff:192.0.2.1`,
 *    what a dual-stack `::` socket reports) are matched, and reported, as plain IPv4. Refused
 *    senders are counted in fixed memory (a total and the heaviest senders, Space-Saving), so
 *    100,000 spoofed addresses cost no more than one.
 *  - `oversize`: a message over `maxMessageBytes`. Octet counting: the LEN bytes are skipped
 *    without buffering them. LF framing: discarded up to the next terminator. UDP: that line.
 *  - `too many connections`: more than `maxConnections` open TCP connections, or more than
 *    `maxConnectionsPerSender` from one address, and no connection idle enough to evict.
 *  - `evicted`: the table was full; the connection longest without a complete message made room
 *    for a new one (its partial message, if any, is the drop).
 *  - `too slow`: a message did not arrive whole within `messageTimeoutMs` of its first byte
 *    (a peer trickling bytes holds a slot for nothing); closed.
 *  - `buffer overflow`: a connection's unparsed bytes exceed `maxBufferPerConnection`; closed.
 *  - `framing error`: see above. `truncated`: a connection ended or failed inside an
 *    octet-counted frame. `idle timeout`: a connection silent for `idleTimeoutMs` is closed; a
 *    partial message it left is counted. `shutdown`: a partial message left by `close()`.
 *  A LF-framed connection that ends (FIN) after a last line without terminator delivers it.
 *
 * Binding port 514 without root (ports below 1024 need CAP_NET_BIND_SERVICE; docs/listen.md):
 *  - systemd (best): `User=portledger` + `AmbientCapabilities=CAP_NET_BIND_SERVICE` gives the
 *    capability to that one service only (unit example in docs/listen.md).
 *  - `setcap 'cap_net_bind_service=+ep' "$(readlink -f "$(which node)")"` works but grants the
 *    capability to every script any user runs with that node binary, and is lost when node is
 *    upgraded. If you use setcap, use it on a dedicated copy of the node binary
 *    (e.g. /usr/local/lib/portledger/node, owned by root, executable only by group portledger).
 *  - or listen on 5514 (the default) and redirect 514 to it:
 *    `iptables -t nat -A PREROUTING -p udp --dport 514 -j REDIRECT --to-ports 5514` (and tcp), or
 *    nftables `udp dport 514 redirect to :5514` in a `type nat hook prerouting` chain.
 *    Locally generated traffic (a relay on this host) needs the OUTPUT chain as well.
 *
 * UDP receive buffer: bursts are absorbed by the socket's kernel buffer; we ask for
 * `recvBufferSize` (8 MiB) but Linux caps it at `net.core.rmem_max` (often 208 KiB) and reports
 * twice the granted value. The effective size is in `listen()`'s result, in `stats()`, and
 * logged through `log`; raise the cap with `sysctl -w net.core.rmem_max=8388608`. Datagrams the
 * kernel drops when it is full never reach us: their count is read from the kernel
 * (`stats().udp.kernelDrops`, see syslog/udp-drops.ts). The socket is read by a thread of its
 * own (syslog/udp-thread.ts) that only receives, so it is emptied while `onMessage`'s caller
 * stores; what it received waits in a queue of `maxQueueBytes`, beyond which datagrams are
 * dropped and told to `onDrop` as `store behind` (with a count, no sender).
 */
import { CidrSet } from '../classify/networks';
import {
  DEFAULT_ALLOW,
  DEFAULT_DROP_POLL_MS,
  DEFAULT_EVICT_MIN_IDLE_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFER_PER_CONNECTION,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_SENDER,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MESSAGE_TIMEOUT_MS,
  DEFAULT_RECV_BUFFER_SIZE,
  DEFAULT_REFUSED_TOP,
  nonNegative,
  positive,
} from './syslog/defaults';
import type { ReceiverSink } from './syslog/receiver';
import { MAX_TRACKED_SENDERS, newSenderStats, OTHER_SENDERS, type SenderStats, type SyslogServerStats } from './syslog/stats';
import { TcpReceiver } from './syslog/tcp-receiver';
import { TopCounter } from './syslog/top-counter';
import type { DropDetail, DropReason, ListeningInfo, SyslogSender, SyslogServerOptions } from './syslog/types';
import { UdpReceiver } from './syslog/udp-receiver';

export { normalizeAddress, parseListenAddress } from './syslog/address';
export {
  DEFAULT_ALLOW,
  DEFAULT_EVICT_MIN_IDLE_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_LISTEN,
  DEFAULT_MAX_BUFFER_PER_CONNECTION,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_SENDER,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_QUEUE_BYTES,
  DEFAULT_MESSAGE_TIMEOUT_MS,
  DEFAULT_RECV_BUFFER_SIZE,
} from './syslog/defaults';
export { MAX_TRACKED_SENDERS, OTHER_SENDERS, type SenderStats, type SyslogServerStats } from './syslog/stats';
export type { TopEntry } from './syslog/top-counter';
export type {
  DropDetail,
  DropReason,
  ListenAddress,
  ListeningInfo,
  SyslogSender,
  SyslogServerOptions,
  SyslogTransport,
} from './syslog/types';

export class SyslogServer {
  private readonly opts: SyslogServerOptions;
  private readonly allow: CidrSet;
  private readonly log: (line: string) => void;
  private readonly allowCache = new Map<string, boolean>();
  private readonly udp?: UdpReceiver;
  private readonly tcp?: TcpReceiver;
  private bound = false;
  private info: ListeningInfo = {};
  private closing: Promise<void> | null = null;

  private readonly totals: SenderStats = newSenderStats();
  private readonly senders = new Map<string, SenderStats>();
  private readonly refused: TopCounter;

  /** Validates every option (addresses to allow included) without opening anything. */
  constructor(options: SyslogServerOptions) {
    if (!options.udp && !options.tcp) throw new Error('nothing to listen on: give a UDP and/or a TCP address');
    if (typeof options.onMessage !== 'function') throw new Error('onMessage is required');
    this.opts = options;
    this.allow = new CidrSet(options.allow ?? DEFAULT_ALLOW);
    this.log = options.log ?? (() => {});
    this.refused = new TopCounter(positive('refusedTop', options.refusedTop, DEFAULT_REFUSED_TOP));
    const maxMessageBytes = positive('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    const sink: ReceiverSink = {
      allowed: (a) => this.allowed(a),
      accept: (text, sender) => this.accept(text, sender),
      drop: (a, reason, detail) => this.drop(a, reason, detail),
      log: (l) => this.log(l),
    };
    if (options.udp) {
      this.udp = new UdpReceiver(
        sink,
        maxMessageBytes,
        positive('recvBufferSize', options.recvBufferSize, DEFAULT_RECV_BUFFER_SIZE),
        positive('dropPollMs', options.dropPollMs, DEFAULT_DROP_POLL_MS),
        { thread: options.udpThread, maxQueueBytes: queueBound(options.maxQueueBytes) },
      );
    }
    if (options.tcp) {
      this.tcp = new TcpReceiver(sink, {
        maxMessageBytes,
        maxConnections: positive('maxConnections', options.maxConnections, DEFAULT_MAX_CONNECTIONS),
        maxConnectionsPerSender: positive('maxConnectionsPerSender', options.maxConnectionsPerSender, DEFAULT_MAX_CONNECTIONS_PER_SENDER),
        maxBuffer: positive('maxBufferPerConnection', options.maxBufferPerConnection, DEFAULT_MAX_BUFFER_PER_CONNECTION),
        idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS),
        messageTimeoutMs: positive('messageTimeoutMs', options.messageTimeoutMs, DEFAULT_MESSAGE_TIMEOUT_MS),
        evictMinIdleMs: nonNegative('evictMinIdleMs', options.evictMinIdleMs, DEFAULT_EVICT_MIN_IDLE_MS),
        closeTimeoutMs: options.closeTimeoutMs ?? 2000,
      });
    }
  }

  /**
   * Binds the configured sockets. If one cannot bind, what was bound is released and the error
   * (one line saying why and what to do) is thrown; nothing is logged before every socket is up.
   */
  async listen(): Promise<ListeningInfo> {
    if (this.bound) throw new Error('already listening');
    this.bound = true;
    const notes: string[] = [];
    try {
      if (this.udp && this.opts.udp) {
        const r = await this.udp.bind(this.opts.udp);
        this.info.udp = r.address;
        notes.push(r.note);
      }
      if (this.tcp && this.opts.tcp) {
        const r = await this.tcp.bind(this.opts.tcp);
        this.info.tcp = r.address;
        notes.push(r.note);
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    for (const n of notes) this.log(n);
    return this.addresses();
  }

  /** Bound addresses (the real ports when 0 was asked for). */
  addresses(): ListeningInfo {
    return { ...this.info };
  }

  stats(): SyslogServerStats {
    const copy = (s: SenderStats): SenderStats => ({ ...s, droppedByReason: { ...s.droppedByReason } });
    const out: SyslogServerStats = { ...copy(this.totals), bySender: {}, refused: { total: this.refused.total, top: this.refused.top(10) } };
    for (const [k, v] of this.senders) out.bySender[k] = copy(v);
    if (this.udp) out.udp = { ...this.udp.counters };
    if (this.tcp) out.tcp = { ...this.tcp.counters, open: this.tcp.open };
    return out;
  }

  /** Datagrams the kernel dropped since the UDP socket opened (null: unknown here, or no UDP). Cheap. */
  kernelDrops(): number | null {
    return this.udp?.counters.kernelDrops ?? null;
  }

  /** Reads the kernel's UDP drop counter now rather than at the next poll. */
  pollKernelDrops(): number | null {
    this.udp?.pollDrops();
    return this.kernelDrops();
  }

  /**
   * Stops both servers: the UDP socket closes, the TCP server stops accepting, open connections
   * are ended (what they already sent is framed; a partial message left is counted `shutdown`)
   * and destroyed after `closeTimeoutMs`. Resolves when every socket is closed. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.udp?.close(), this.tcp?.close()]).then(() => undefined);
    return this.closing;
  }

  // ---- bookkeeping ------------------------------------------------------------------------

  private allowed(address: string): boolean {
    let ok = this.allowCache.get(address);
    if (ok === undefined) {
      ok = this.allow.has(address);
      if (this.allowCache.size >= 10_000) this.allowCache.clear();
      this.allowCache.set(address, ok);
    }
    return ok;
  }

  private senderStats(address: string): SenderStats {
    let s = this.senders.get(address);
    if (!s) {
      const key = this.senders.size >= MAX_TRACKED_SENDERS ? OTHER_SENDERS : address;
      s = this.senders.get(key);
      if (!s) {
        s = newSenderStats();
        this.senders.set(key, s);
      }
    }
    return s;
  }

  private accept(text: string, sender: SyslogSender): void {
    const s = this.senderStats(sender.address);
    this.totals.received++;
    this.totals.accepted++;
    s.received++;
    s.accepted++;
    this.opts.onMessage(text, sender);
  }

  private drop(address: string, reason: DropReason, detail: DropDetail): void {
    const n = detail.count ?? 1;
    this.totals.received += n;
    this.totals.dropped += n;
    this.totals.droppedByReason[reason] = (this.totals.droppedByReason[reason] ?? 0) + n;
    if (reason === 'not allowed') {
      this.refused.add(address);
    } else if (reason !== 'store behind') {
      // (`store behind` is the listener's, told per batch without the senders.)
      const s = this.senderStats(address);
      s.received += n;
      s.dropped += n;
      s.droppedByReason[reason] = (s.droppedByReason[reason] ?? 0) + n;
    }
    this.opts.onDrop?.(address, reason, detail);
  }
}

/** The receive queue's bound: a whole number of bytes the shared Int32 counter can hold. */
function queueBound(v: number | undefined): number {
  const b = positive('maxQueueBytes', v, DEFAULT_MAX_QUEUE_BYTES);
  if (b > 2 ** 31 - 1 - 2 ** 24) throw new Error(`maxQueueBytes must be below 2 GiB, got ${v}`);
  return b;
}

/** Creates a SyslogServer and binds it. */
export async function startSyslogServer(options: SyslogServerOptions): Promise<SyslogServer> {
  const server = new SyslogServer(options);
  await server.listen();
  return server;
}
