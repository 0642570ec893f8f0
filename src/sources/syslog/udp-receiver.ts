/**
 * The UDP half of the syslog receiver (RFC 5426): one datagram is one message, a trailing LF
 * (and CR / NUL) is stripped, a datagram of several LF-separated lines (some relays batch) is
 * one message per line. The socket's kernel drop counter is read every `dropPollMs`: datagrams
 * the kernel threw away because the receive buffer was full are counted too, not only those
 * that reached us.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
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
}

export class UdpReceiver {
  private sock: dgram.Socket | null = null;
  private drops?: UdpDropCounter;
  private dropTimer?: NodeJS.Timeout;
  readonly counters: UdpCounters = { datagrams: 0, bytes: 0, recvBufferSize: 0, kernelDrops: null, rxQueue: null };

  constructor(
    private readonly sink: ReceiverSink,
    private readonly maxMessageBytes: number,
    private readonly recvBufferSize: number,
    private readonly dropPollMs: number,
  ) {}

  /** Binds; resolves with the bound address and a line describing it for the log. */
  bind(addr: ListenAddress): Promise<{ address: ListenAddress & { recvBufferSize: number }; note: string }> {
    const type = net.isIPv6(addr.host) ? 'udp6' : 'udp4';
    const sock = dgram.createSocket({ type, recvBufferSize: this.recvBufferSize });
    this.sock = sock;
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => reject(bindError('UDP', addr, e));
      sock.once('error', onError);
      sock.bind(addr.port, addr.host, () => {
        sock.off('error', onError);
        sock.on('error', (e) => this.sink.log(`syslog UDP socket error: ${e.message}`));
        sock.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
        let effective = 0;
        try {
          effective = sock.getRecvBufferSize();
        } catch {
          /* not available on this platform */
        }
        this.counters.recvBufferSize = effective;
        const a = sock.address();
        this.drops = UdpDropCounter.find(a.port);
        if (this.drops) {
          this.pollDrops();
          this.dropTimer = setInterval(() => this.pollDrops(), this.dropPollMs);
          this.dropTimer.unref();
        }
        const cap = rmemMax();
        const note =
          `syslog UDP on ${fmtAddr(a.address, a.port)}: receive buffer ${effective} bytes (asked ${this.recvBufferSize}` +
          (cap !== undefined ? `; net.core.rmem_max=${cap}, Linux reports twice the granted size` : '') +
          ')' +
          (cap !== undefined && cap < this.recvBufferSize ? `; raise it with: sysctl -w net.core.rmem_max=${this.recvBufferSize}` : '') +
          (this.drops ? '' : '; kernel drops cannot be counted on this system');
        resolve({ address: { host: a.address, port: a.port, recvBufferSize: effective }, note });
      });
    });
  }

  /** Reads the kernel's drop counter now (also done every `dropPollMs`). */
  pollDrops(): void {
    if (!this.drops) return;
    const r = this.drops.read();
    this.counters.kernelDrops = r.drops;
    this.counters.rxQueue = r.rxQueue;
  }

  close(): Promise<void> {
    if (this.dropTimer) clearInterval(this.dropTimer);
    const sock = this.sock;
    if (!sock) return Promise.resolve();
    this.pollDrops();
    return new Promise<void>((resolve) => {
      try {
        sock.close(() => resolve());
      } catch {
        resolve(); // never bound, or already closed
      }
    });
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.counters.datagrams++;
    this.counters.bytes += msg.length;
    const address = normalizeAddress(rinfo.address);
    if (!this.sink.allowed(address)) {
      this.sink.drop(address, 'not allowed', { transport: 'udp', port: rinfo.port, bytes: msg.length });
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
          this.sink.drop(address, 'oversize', { transport: 'udp', port: rinfo.port, bytes: lineEnd - start });
        } else {
          sender ??= { address, port: rinfo.port, transport: 'udp' };
          this.sink.accept(msg.toString('utf8', start, lineEnd), sender);
        }
      }
      start = stop + 1;
    }
  }
}
