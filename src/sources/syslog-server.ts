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
 *    what a dual-stack `::` socket reports) are matched, and reported, as plain IPv4.
 *  - `oversize`: a message over `maxMessageBytes`. Octet counting: the LEN bytes are skipped
 *    without buffering them. LF framing: discarded up to the next terminator. UDP: that line.
 *  - `too many connections`: more than `maxConnections` open TCP connections; refused.
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
 * logged through `log`; raise the cap with `sysctl -w net.core.rmem_max=8388608`.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { CidrSet } from '../classify/networks';
import { bindError, fmtAddr, normalizeAddress } from './syslog/address';
import { LF, trimEnd } from './syslog/bytes';
import {
  DEFAULT_ALLOW,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFER_PER_CONNECTION,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_RECV_BUFFER_SIZE,
  positive,
} from './syslog/defaults';
import { MAX_TRACKED_SENDERS, newSenderStats, OTHER_SENDERS, type SenderStats, type SyslogServerStats } from './syslog/stats';
import { TcpConnection } from './syslog/tcp-connection';
import type { DropDetail, DropReason, ListenAddress, ListeningInfo, SyslogSender, SyslogServerOptions } from './syslog/types';

export { normalizeAddress, parseListenAddress } from './syslog/address';
export {
  DEFAULT_ALLOW,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_LISTEN,
  DEFAULT_MAX_BUFFER_PER_CONNECTION,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_RECV_BUFFER_SIZE,
} from './syslog/defaults';
export { MAX_TRACKED_SENDERS, OTHER_SENDERS, type SenderStats, type SyslogServerStats } from './syslog/stats';
export type {
  DropDetail,
  DropReason,
  ListenAddress,
  ListeningInfo,
  SyslogSender,
  SyslogServerOptions,
  SyslogTransport,
} from './syslog/types';

function rmemMax(): number | undefined {
  try {
    return Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export class SyslogServer {
  private readonly opts: SyslogServerOptions;
  private readonly allow: CidrSet;
  private readonly maxMessageBytes: number;
  private readonly maxConnections: number;
  private readonly maxBuffer: number;
  private readonly idleTimeoutMs: number;
  private readonly recvBufferSize: number;
  private readonly closeTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly allowCache = new Map<string, boolean>();

  private udpSocket: dgram.Socket | null = null;
  private tcpServer: net.Server | null = null;
  private readonly connections = new Set<TcpConnection>();
  private info: ListeningInfo = {};
  private closing: Promise<void> | null = null;

  private readonly totals: SenderStats = newSenderStats();
  private readonly senders = new Map<string, SenderStats>();
  private udpCounters = { datagrams: 0, bytes: 0 };
  private tcpCounters = { bytes: 0, accepted: 0, refused: 0, idleClosed: 0 };

  constructor(options: SyslogServerOptions) {
    if (!options.udp && !options.tcp) throw new Error('nothing to listen on: give a UDP and/or a TCP address');
    if (typeof options.onMessage !== 'function') throw new Error('onMessage is required');
    this.opts = options;
    this.allow = new CidrSet(options.allow ?? DEFAULT_ALLOW);
    this.maxMessageBytes = positive('maxMessageBytes', options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES);
    this.maxConnections = positive('maxConnections', options.maxConnections, DEFAULT_MAX_CONNECTIONS);
    this.maxBuffer = positive('maxBufferPerConnection', options.maxBufferPerConnection, DEFAULT_MAX_BUFFER_PER_CONNECTION);
    this.idleTimeoutMs = positive('idleTimeoutMs', options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS);
    this.recvBufferSize = positive('recvBufferSize', options.recvBufferSize, DEFAULT_RECV_BUFFER_SIZE);
    this.closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.log = options.log ?? (() => {});
  }

  /** Binds the configured sockets; rejects (and releases what was bound) if one cannot bind. */
  async listen(): Promise<ListeningInfo> {
    if (this.udpSocket || this.tcpServer) throw new Error('already listening');
    try {
      if (this.opts.udp) await this.listenUdp(this.opts.udp);
      if (this.opts.tcp) await this.listenTcp(this.opts.tcp);
    } catch (e) {
      await this.close();
      throw e;
    }
    return this.addresses();
  }

  /** Bound addresses (the real ports when 0 was asked for). */
  addresses(): ListeningInfo {
    return { ...this.info };
  }

  stats(): SyslogServerStats {
    const copy = (s: SenderStats): SenderStats => ({ ...s, droppedByReason: { ...s.droppedByReason } });
    const out: SyslogServerStats = { ...copy(this.totals), bySender: {} };
    for (const [k, v] of this.senders) out.bySender[k] = copy(v);
    if (this.opts.udp) out.udp = { ...this.udpCounters, recvBufferSize: this.info.udp?.recvBufferSize ?? 0 };
    if (this.opts.tcp) out.tcp = { ...this.tcpCounters, open: this.connections.size };
    return out;
  }

  /**
   * Stops both servers: the UDP socket closes, the TCP server stops accepting, open connections
   * are ended (what they already sent is framed; a partial message left is counted `shutdown`)
   * and destroyed after `closeTimeoutMs`. Resolves when every socket is closed. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const waits: Promise<void>[] = [];
    const udp = this.udpSocket;
    if (udp) {
      waits.push(new Promise<void>((resolve) => {
        try {
          udp.close(() => resolve());
        } catch {
          resolve(); // never bound, or already closed
        }
      }));
    }
    const tcp = this.tcpServer;
    if (tcp) {
      waits.push(new Promise<void>((resolve) => {
        if (!tcp.listening) return resolve();
        tcp.close(() => resolve());
      }));
      for (const c of this.connections) {
        c.socket.end();
        const t = setTimeout(() => c.socket.destroy(), this.closeTimeoutMs);
        t.unref();
        c.socket.once('close', () => clearTimeout(t));
      }
    }
    this.closing = Promise.all(waits).then(() => undefined);
    return this.closing;
  }

  // ---- UDP --------------------------------------------------------------------------------

  private listenUdp(addr: ListenAddress): Promise<void> {
    const type = net.isIPv6(addr.host) ? 'udp6' : 'udp4';
    const sock = dgram.createSocket({ type, recvBufferSize: this.recvBufferSize });
    this.udpSocket = sock;
    return new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(bindError('UDP', addr, e));
      sock.once('error', onError);
      sock.bind(addr.port, addr.host, () => {
        sock.off('error', onError);
        sock.on('error', (e) => this.log(`syslog UDP socket error: ${e.message}`));
        sock.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
        let effective = 0;
        try {
          effective = sock.getRecvBufferSize();
        } catch {
          /* not available on this platform */
        }
        const a = sock.address();
        this.info.udp = { host: a.address, port: a.port, recvBufferSize: effective };
        const cap = rmemMax();
        this.log(
          `syslog UDP on ${fmtAddr(a.address, a.port)}: receive buffer ${effective} bytes (asked ${this.recvBufferSize}` +
            (cap !== undefined ? `; net.core.rmem_max=${cap}, Linux reports twice the granted size` : '') +
            ')' +
            (cap !== undefined && cap < this.recvBufferSize ? `; raise it with: sysctl -w net.core.rmem_max=${this.recvBufferSize}` : ''),
        );
        resolve();
      });
    });
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.udpCounters.datagrams++;
    this.udpCounters.bytes += msg.length;
    const address = normalizeAddress(rinfo.address);
    if (!this.allowed(address)) {
      this.drop(address, 'not allowed', { transport: 'udp', port: rinfo.port, bytes: msg.length });
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
          this.drop(address, 'oversize', { transport: 'udp', port: rinfo.port, bytes: lineEnd - start });
        } else {
          sender ??= { address, port: rinfo.port, transport: 'udp' };
          this.accept(msg.toString('utf8', start, lineEnd), sender);
        }
      }
      start = stop + 1;
    }
  }

  // ---- TCP --------------------------------------------------------------------------------

  private listenTcp(addr: ListenAddress): Promise<void> {
    const server = net.createServer({ allowHalfOpen: false });
    this.tcpServer = server;
    return new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(bindError('TCP', addr, e));
      server.once('error', onError);
      server.on('connection', (s) => this.onConnection(s));
      server.listen({ port: addr.port, host: addr.host, ipv6Only: false }, () => {
        server.off('error', onError);
        server.on('error', (e) => this.log(`syslog TCP server error: ${e.message}`));
        const a = server.address() as net.AddressInfo;
        this.info.tcp = { host: a.address, port: a.port };
        this.log(`syslog TCP on ${fmtAddr(a.address, a.port)} (max ${this.maxConnections} connections)`);
        resolve();
      });
    });
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => {}); // resets are routine; 'close' does the bookkeeping
    const address = normalizeAddress(socket.remoteAddress);
    const port = socket.remotePort ?? 0;
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (!this.allowed(address)) {
      this.tcpCounters.refused++;
      socket.destroy();
      this.drop(address, 'not allowed', { transport: 'tcp', port });
      return;
    }
    if (this.connections.size >= this.maxConnections) {
      this.tcpCounters.refused++;
      socket.destroy();
      this.drop(address, 'too many connections', { transport: 'tcp', port });
      return;
    }
    this.tcpCounters.accepted++;
    const conn: TcpConnection = new TcpConnection(socket, address, this.maxMessageBytes, this.maxBuffer, {
      message: (text) => this.accept(text, conn.sender),
      oversize: (bytes) => this.drop(address, 'oversize', { transport: 'tcp', port: conn.sender.port, bytes }),
      fail: (reason, bytes) => {
        socket.destroy();
        this.drop(address, reason, { transport: 'tcp', port: conn.sender.port, bytes });
      },
    });
    this.connections.add(conn);
    socket.setTimeout(this.idleTimeoutMs);
    socket.on('timeout', () => {
      if (conn.closed) return;
      this.tcpCounters.idleClosed++;
      this.abandon(conn, 'idle timeout');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (conn.closed) return;
      this.tcpCounters.bytes += chunk.length;
      conn.push(chunk);
    });
    socket.on('end', () => {
      if (conn.closed) return;
      // The peer finished: a last LF-framed line without terminator is still a message (but
      // not when the peer only answers the FIN of close(): then it was cut short).
      if (conn.mode === 'lf' && conn.pending && !conn.discarding && !this.closing) {
        const p = conn.pending;
        conn.pending = null;
        conn.lfMessage(p, 0, p.length);
      }
      this.abandon(conn, this.closing ? 'shutdown' : 'truncated');
    });
    socket.on('close', () => {
      this.connections.delete(conn);
      if (!conn.closed) this.abandon(conn, this.closing ? 'shutdown' : 'truncated');
    });
  }

  /** Counts a partial message left in a connection that is going away. */
  private abandon(conn: TcpConnection, reason: DropReason): void {
    const bytes = conn.pending?.length ?? 0;
    conn.pending = null;
    conn.skip = 0; // an oversize frame being skipped was counted already
    conn.closed = true;
    if (bytes > 0) this.drop(conn.address, reason, { transport: 'tcp', port: conn.sender.port, bytes });
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
    const s = this.senderStats(address);
    this.totals.received++;
    this.totals.dropped++;
    this.totals.droppedByReason[reason] = (this.totals.droppedByReason[reason] ?? 0) + 1;
    s.received++;
    s.dropped++;
    s.droppedByReason[reason] = (s.droppedByReason[reason] ?? 0) + 1;
    this.opts.onDrop?.(address, reason, detail);
  }
}

/** Creates a SyslogServer and binds it. */
export async function startSyslogServer(options: SyslogServerOptions): Promise<SyslogServer> {
  const server = new SyslogServer(options);
  await server.listen();
  return server;
}
