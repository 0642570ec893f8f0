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

export type SyslogTransport = 'udp' | 'tcp';

export interface SyslogSender {
  /** Remote address; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is given as plain IPv4. */
  address: string;
  port: number;
  transport: SyslogTransport;
}

export interface ListenAddress {
  host: string;
  port: number;
}

export type DropReason =
  | 'not allowed'
  | 'oversize'
  | 'framing error'
  | 'too many connections'
  | 'buffer overflow'
  | 'truncated'
  | 'idle timeout'
  | 'shutdown';

export interface DropDetail {
  transport: SyslogTransport;
  port: number;
  /** Bytes of the dropped message when known. */
  bytes?: number;
}

export interface SyslogServerOptions {
  udp?: ListenAddress;
  tcp?: ListenAddress;
  /** Called for every accepted message, synchronously, in arrival order per connection. */
  onMessage: (text: string, sender: SyslogSender) => void;
  /** Called for every refused message, datagram line or connection. `sender` is the address. */
  onDrop?: (sender: string, reason: DropReason, detail?: DropDetail) => void;
  /** Sender CIDRs allowed (default: DEFAULT_ALLOW, loopback and private ranges). */
  allow?: string[];
  /** Default 8192. */
  maxMessageBytes?: number;
  /** Open TCP connections at once; default 64. */
  maxConnections?: number;
  /** Unparsed bytes kept per TCP connection; default 64 KiB. */
  maxBufferPerConnection?: number;
  /** A TCP connection silent this long is closed; default 5 minutes. */
  idleTimeoutMs?: number;
  /** UDP SO_RCVBUF requested; default 8 MiB (the kernel caps it at net.core.rmem_max). */
  recvBufferSize?: number;
  /** How long close() lets open TCP connections finish before destroying them; default 2000. */
  closeTimeoutMs?: number;
  /** Operational messages (bound addresses, effective receive buffer, socket errors). */
  log?: (line: string) => void;
}

export interface SenderStats {
  received: number;
  accepted: number;
  dropped: number;
  droppedByReason: Partial<Record<DropReason, number>>;
}

export interface SyslogServerStats extends SenderStats {
  /** Per sender address. After MAX_TRACKED_SENDERS distinct senders the rest share `OTHER_SENDERS`. */
  bySender: Record<string, SenderStats>;
  udp?: { datagrams: number; bytes: number; recvBufferSize: number };
  tcp?: { bytes: number; open: number; accepted: number; refused: number; idleClosed: number };
}

export interface ListeningInfo {
  udp?: ListenAddress & { recvBufferSize: number };
  tcp?: ListenAddress;
}

export const DEFAULT_LISTEN: ListenAddress = { host: '127.0.0.1', port: 5514 };
export const DEFAULT_ALLOW = ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10'];
export const DEFAULT_MAX_MESSAGE_BYTES = 8192;
export const DEFAULT_MAX_CONNECTIONS = 64;
export const DEFAULT_MAX_BUFFER_PER_CONNECTION = 64 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_RECV_BUFFER_SIZE = 8 * 1024 * 1024;
export const MAX_TRACKED_SENDERS = 10_000;
export const OTHER_SENDERS = '(other senders)';

/** Longest RFC 6587 MSG-LEN we read (9 digits, < 1 GB); a longer digit run is a framing error. */
const MAX_LEN_DIGITS = 9;

/**
 * `PORT`, `HOST:PORT`, `[IPV6]:PORT` → { host, port }. HOST is an IPv4 or bracketed IPv6
 * literal or `localhost` (→ 127.0.0.1); without one, `defaultHost`. Port 0 means any free port.
 */
export function parseListenAddress(text: string, defaultHost = DEFAULT_LISTEN.host): ListenAddress {
  const t = text.trim();
  const usage = 'expected [HOST:]PORT, e.g. 5514, 0.0.0.0:514, [::]:514 or [::1]:5514';
  if (!t) throw new Error(`empty listen address; ${usage}`);
  let host: string;
  let portText: string;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) throw new Error(`"${text}": missing "]" after the IPv6 address; ${usage}`);
    host = t.slice(1, close);
    if (t.charAt(close + 1) !== ':' || close + 2 >= t.length) throw new Error(`"${text}": missing ":PORT" after "[${host}]"; ${usage}`);
    portText = t.slice(close + 2);
    if (!net.isIPv6(host)) throw new Error(`"${text}": "${host}" is not an IPv6 address; ${usage}`);
  } else {
    const colons = t.split(':').length - 1;
    if (colons > 1) throw new Error(`"${text}": an IPv6 address needs brackets, e.g. [${t.replace(/:\d+$/, '')}]:5514; ${usage}`);
    if (colons === 1) {
      const i = t.indexOf(':');
      host = t.slice(0, i) || defaultHost;
      portText = t.slice(i + 1);
    } else if (/^\d+$/.test(t)) {
      host = defaultHost;
      portText = t;
    } else throw new Error(`"${text}": no port; ${usage}`);
    if (host.toLowerCase() === 'localhost') host = '127.0.0.1';
    if (!net.isIP(host)) throw new Error(`"${text}": "${host}" is not an IP address (give 127.0.0.1, 0.0.0.0, [::] or another address of this host); ${usage}`);
  }
  if (!/^\d{1,5}$/.test(portText) || +portText > 65535) throw new Error(`"${text}": port "${portText}" is not a number from 0 to 65535; ${usage}`);
  return { host, port: +portText };
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; anything else unchanged. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.length > 7 && (address.charCodeAt(0) === 58 /* : */) && /^::ffff:/i.test(address)) {
    const v4 = address.slice(7);
    if (net.isIPv4(v4)) return v4;
  }
  return address;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return Math.floor(v);
}

function newSenderStats(): SenderStats {
  return { received: 0, accepted: 0, dropped: 0, droppedByReason: {} };
}

function rmemMax(): number | undefined {
  try {
    return Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

const LF = 10;
const CR = 13;
const NUL = 0;
const SP = 32;

/** End of `buf[start, end)` without trailing LF / CR / NUL. */
function trimEnd(buf: Buffer, start: number, end: number): number {
  while (end > start) {
    const c = buf[end - 1];
    if (c === LF || c === CR || c === NUL) end--;
    else break;
  }
  return end;
}

/** Framing state of one TCP connection. */
class TcpConnection {
  mode: 'unknown' | 'octet' | 'lf' = 'unknown';
  /** Unparsed bytes (a partial message or length). */
  pending: Buffer | null = null;
  /** Octet counting: bytes of an oversize frame still to skip. */
  skip = 0;
  /** LF framing: discarding the rest of an oversize line. */
  discarding = false;
  /** Octet counting: a valid count has been read on this connection. */
  framed = false;
  closed = false;
  readonly sender: SyslogSender;

  constructor(
    readonly socket: net.Socket,
    readonly address: string,
  ) {
    this.sender = Object.freeze({ address, port: socket.remotePort ?? 0, transport: 'tcp' as const });
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
    const conn = new TcpConnection(socket, address);
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
      this.onTcpData(conn, chunk);
    });
    socket.on('end', () => {
      if (conn.closed) return;
      // The peer finished: a last LF-framed line without terminator is still a message (but
      // not when the peer only answers the FIN of close(): then it was cut short).
      if (conn.mode === 'lf' && conn.pending && !conn.discarding && !this.closing) {
        const p = conn.pending;
        conn.pending = null;
        this.lfMessage(conn, p, 0, p.length);
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

  private kill(conn: TcpConnection, reason: DropReason, bytes?: number): void {
    conn.pending = null;
    conn.skip = 0;
    conn.closed = true;
    conn.socket.destroy();
    this.drop(conn.address, reason, { transport: 'tcp', port: conn.sender.port, bytes });
  }

  private onTcpData(conn: TcpConnection, chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (conn.skip > 0) {
      const n = Math.min(conn.skip, buf.length);
      conn.skip -= n;
      pos = n;
      if (pos === buf.length) return;
    }
    if (conn.pending) {
      buf = Buffer.concat([conn.pending, buf.subarray(pos)]);
      pos = 0;
      conn.pending = null;
    }
    if (conn.mode === 'unknown') {
      const c = buf[pos];
      conn.mode = c >= 48 && c <= 57 ? 'octet' : 'lf';
    }
    const rest = conn.mode === 'octet' ? this.octetFrames(conn, buf, pos) : this.lfFrames(conn, buf, pos);
    if (conn.closed || rest >= buf.length) return;
    const left = buf.length - rest;
    if (left > this.maxBuffer) {
      this.kill(conn, 'buffer overflow', left);
      return;
    }
    conn.pending = Buffer.from(buf.subarray(rest)); // copy: do not pin the whole chunk
  }

  /** Octet counting: frames from `pos`; returns where the unparsed rest starts. */
  private octetFrames(conn: TcpConnection, buf: Buffer, pos: number): number {
    const n = buf.length;
    while (pos < n) {
      const c = buf[pos];
      if (c === LF || c === CR || c === NUL || c === SP) {
        pos++; // whitespace between frames (a newline after each frame is common)
        continue;
      }
      let i = pos;
      let len = 0;
      while (i < n && i - pos < MAX_LEN_DIGITS) {
        const d = buf[i];
        if (d < 48 || d > 57) break;
        len = len * 10 + (d - 48);
        i++;
      }
      if (i === n) return pos; // the count continues in the next segment
      if (i === pos || buf[i] !== SP || len === 0) {
        if (!conn.framed) {
          // The very first "count" is not one (`2024-06-14T…`, a relay without <PRI>): the
          // connection is newline-framed after all.
          conn.mode = 'lf';
          return this.lfFrames(conn, buf, pos);
        }
        this.kill(conn, 'framing error', n - pos);
        return n;
      }
      const start = i + 1;
      conn.framed = true;
      if (len > this.maxMessageBytes) {
        this.drop(conn.address, 'oversize', { transport: 'tcp', port: conn.sender.port, bytes: len });
        const have = n - start;
        if (have >= len) {
          pos = start + len;
          continue;
        }
        conn.skip = len - have;
        return n;
      }
      if (n - start < len) return pos; // wait for the rest of the frame
      const end = trimEnd(buf, start, start + len);
      if (end > start) this.accept(buf.toString('utf8', start, end), conn.sender);
      pos = start + len;
    }
    return pos;
  }

  /** LF / NUL framing: messages from `pos`; returns where the unparsed rest starts. */
  private lfFrames(conn: TcpConnection, buf: Buffer, pos: number): number {
    const n = buf.length;
    let nextLf = buf.indexOf(LF, pos);
    let nextNul = buf.indexOf(NUL, pos);
    while (pos < n) {
      if (nextLf >= 0 && nextLf < pos) nextLf = buf.indexOf(LF, pos);
      if (nextNul >= 0 && nextNul < pos) nextNul = buf.indexOf(NUL, pos);
      const stop = nextLf < 0 ? nextNul : nextNul < 0 ? nextLf : Math.min(nextLf, nextNul);
      if (stop < 0) {
        if (conn.discarding) return n;
        if (n - pos > this.maxMessageBytes) {
          // Too long already: count it once and discard up to the next terminator.
          conn.discarding = true;
          this.drop(conn.address, 'oversize', { transport: 'tcp', port: conn.sender.port, bytes: n - pos });
          return n;
        }
        return pos;
      }
      if (conn.discarding) conn.discarding = false;
      else this.lfMessage(conn, buf, pos, stop);
      pos = stop + 1;
    }
    return pos;
  }

  private lfMessage(conn: TcpConnection, buf: Buffer, start: number, stop: number): void {
    const end = trimEnd(buf, start, stop);
    if (end <= start) return;
    if (end - start > this.maxMessageBytes) this.drop(conn.address, 'oversize', { transport: 'tcp', port: conn.sender.port, bytes: end - start });
    else this.accept(buf.toString('utf8', start, end), conn.sender);
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

function fmtAddr(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function bindError(what: string, addr: ListenAddress, e: NodeJS.ErrnoException): Error {
  const where = fmtAddr(addr.host, addr.port);
  if (e.code === 'EACCES' && addr.port < 1024) {
    return new Error(
      `cannot listen on ${what} ${where}: ports below 1024 need CAP_NET_BIND_SERVICE. Use the default port 5514 ` +
        `(with a redirect from 514), or run as a systemd service with AmbientCapabilities=CAP_NET_BIND_SERVICE; see docs/listen.md`,
    );
  }
  if (e.code === 'EADDRINUSE') return new Error(`cannot listen on ${what} ${where}: the port is in use (is rsyslog or another portledger listening?)`);
  if (e.code === 'EADDRNOTAVAIL') return new Error(`cannot listen on ${what} ${where}: ${addr.host} is not an address of this host`);
  return new Error(`cannot listen on ${what} ${where}: ${e.message}`);
}
