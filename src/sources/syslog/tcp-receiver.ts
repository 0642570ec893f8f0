/**
 * The TCP half of the syslog receiver (RFC 6587 framing in tcp-framer.ts), and the limits that
 * keep a few peers from locking everyone else out:
 *  - at most `maxConnections` open connections, and `maxConnectionsPerSender` from one address;
 *  - a message must arrive whole within `messageTimeoutMs` of its first byte (the first message
 *    too: a header timeout), so a peer that trickles a byte a second is closed (`too slow`);
 *  - when the table (or the sender's share) is full, the connection that has gone longest
 *    without a complete message is evicted to make room for the new one, if it has been quiet
 *    for at least `evictMinIdleMs` (default 1 s); otherwise the new connection is refused;
 *  - a connection silent for `idleTimeoutMs` is closed.
 */
import net from 'node:net';
import { bindError, fmtAddr, normalizeAddress } from './address';
import type { ReceiverSink } from './receiver';
import { TcpConnection } from './tcp-connection';
import type { DropReason, ListenAddress } from './types';

export interface TcpLimits {
  maxMessageBytes: number;
  maxConnections: number;
  maxConnectionsPerSender: number;
  maxBuffer: number;
  idleTimeoutMs: number;
  messageTimeoutMs: number;
  /** A connection that had a complete message more recently than this is never evicted. */
  evictMinIdleMs: number;
  closeTimeoutMs: number;
}

export interface TcpCounters {
  bytes: number;
  accepted: number;
  refused: number;
  idleClosed: number;
  /** Closed because a message did not arrive whole within messageTimeoutMs. */
  slowClosed: number;
  /** Closed to make room for a new connection. */
  evicted: number;
}

export class TcpReceiver {
  private server: net.Server | null = null;
  private readonly connections = new Set<TcpConnection>();
  private readonly perSender = new Map<string, number>();
  private sweep?: NodeJS.Timeout;
  private closing = false;
  readonly counters: TcpCounters = { bytes: 0, accepted: 0, refused: 0, idleClosed: 0, slowClosed: 0, evicted: 0 };

  constructor(
    private readonly sink: ReceiverSink,
    private readonly limits: TcpLimits,
  ) {}

  get open(): number {
    return this.connections.size;
  }

  bind(addr: ListenAddress): Promise<{ address: ListenAddress; note: string }> {
    const server = net.createServer({ allowHalfOpen: false });
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(bindError('TCP', addr, e));
      server.once('error', onError);
      server.on('connection', (s) => this.onConnection(s));
      server.listen({ port: addr.port, host: addr.host, ipv6Only: false }, () => {
        server.off('error', onError);
        server.on('error', (e) => this.sink.log(`syslog TCP server error: ${e.message}`));
        const a = server.address() as net.AddressInfo;
        const every = Math.max(50, Math.min(1000, Math.floor(this.limits.messageTimeoutMs / 4)));
        this.sweep = setInterval(() => this.closeSlow(), every);
        this.sweep.unref();
        const l = this.limits;
        resolve({
          address: { host: a.address, port: a.port },
          note: `syslog TCP on ${fmtAddr(a.address, a.port)} (max ${l.maxConnections} connections, ${l.maxConnectionsPerSender} per sender; a message must arrive within ${l.messageTimeoutMs / 1000} s)`,
        });
      });
    });
  }

  /**
   * Stops accepting; open connections are ended (what they already sent is framed; a partial
   * message left is counted `shutdown`) and destroyed after closeTimeoutMs.
   */
  close(): Promise<void> {
    this.closing = true;
    if (this.sweep) clearInterval(this.sweep);
    const server = this.server;
    if (!server) return Promise.resolve();
    const wait = new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
    for (const c of this.connections) {
      c.socket.end();
      const t = setTimeout(() => c.socket.destroy(), this.limits.closeTimeoutMs);
      t.unref();
      c.socket.once('close', () => clearTimeout(t));
    }
    return wait;
  }

  private refuse(socket: net.Socket, address: string, reason: DropReason): void {
    this.counters.refused++;
    socket.destroy();
    this.sink.drop(address, reason, { transport: 'tcp', port: socket.remotePort ?? 0 });
  }

  private onConnection(socket: net.Socket): void {
    socket.on('error', () => {}); // resets are routine; 'close' does the bookkeeping
    const address = normalizeAddress(socket.remoteAddress);
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (!this.sink.allowed(address)) return this.refuse(socket, address, 'not allowed');
    const now = Date.now();
    const mine = this.perSender.get(address) ?? 0;
    if (mine >= this.limits.maxConnectionsPerSender && !this.evictIdlest(now, address)) return this.refuse(socket, address, 'too many connections');
    if (this.connections.size >= this.limits.maxConnections && !this.evictIdlest(now)) return this.refuse(socket, address, 'too many connections');
    this.counters.accepted++;
    const drop = (reason: DropReason, bytes?: number) => this.sink.drop(address, reason, { transport: 'tcp', port: conn.sender.port, bytes });
    const conn: TcpConnection = new TcpConnection(
      socket,
      address,
      this.limits.maxMessageBytes,
      this.limits.maxBuffer,
      {
        message: (text) => this.sink.accept(text, conn.sender),
        oversize: (bytes) => drop('oversize', bytes),
        fail: (reason, bytes) => {
          socket.destroy();
          drop(reason, bytes);
        },
      },
      now,
    );
    this.connections.add(conn);
    this.perSender.set(address, mine + 1);
    socket.setTimeout(this.limits.idleTimeoutMs);
    socket.on('timeout', () => {
      if (conn.closed) return;
      this.counters.idleClosed++;
      this.abandon(conn, 'idle timeout');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (conn.closed) return;
      this.counters.bytes += chunk.length;
      conn.receive(chunk, Date.now());
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
      this.unlist(conn);
      if (!conn.closed) this.abandon(conn, this.closing ? 'shutdown' : 'truncated');
    });
  }

  /**
   * Closes the connection (of `address`, when given) that has gone longest without a complete
   * message, if it has been quiet for evictMinIdleMs; false when none qualifies.
   */
  private evictIdlest(now: number, address?: string): boolean {
    let victim: TcpConnection | undefined;
    for (const c of this.connections) {
      if (address !== undefined && c.address !== address) continue;
      if (!victim || c.lastMessageAt < victim.lastMessageAt) victim = c;
    }
    if (!victim || now - victim.lastMessageAt < this.limits.evictMinIdleMs) return false;
    this.counters.evicted++;
    this.abandon(victim, 'evicted');
    this.unlist(victim);
    victim.socket.destroy();
    return true;
  }

  /** Closes connections whose message in progress has been arriving for too long. */
  private closeSlow(): void {
    const now = Date.now();
    for (const c of this.connections) {
      if (c.closed || c.partialSince === 0 || now - c.partialSince <= this.limits.messageTimeoutMs) continue;
      this.counters.slowClosed++;
      this.abandon(c, 'too slow');
      this.unlist(c);
      c.socket.destroy();
    }
  }

  private unlist(conn: TcpConnection): void {
    if (!conn.listed) return;
    conn.listed = false;
    this.connections.delete(conn);
    const n = (this.perSender.get(conn.address) ?? 1) - 1;
    if (n > 0) this.perSender.set(conn.address, n);
    else this.perSender.delete(conn.address);
  }

  /** Counts a partial message left in a connection that is going away. */
  private abandon(conn: TcpConnection, reason: DropReason): void {
    if (conn.closed) return;
    const bytes = conn.pending?.length ?? 0;
    conn.pending = null;
    conn.skip = 0; // an oversize frame being skipped was counted already
    conn.closed = true;
    if (bytes > 0) this.sink.drop(conn.address, reason, { transport: 'tcp', port: conn.sender.port, bytes });
  }
}
