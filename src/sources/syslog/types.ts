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
  | 'too slow'
  | 'evicted'
  | 'shutdown'
  /** Received, but the queue to the store was full (the UDP receive thread's bound). */
  | 'store behind';

export interface DropDetail {
  transport: SyslogTransport;
  port: number;
  /** Bytes of the dropped message when known. */
  bytes?: number;
  /** Messages this drop stands for (default 1): `store behind` is told per batch. */
  count?: number;
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
  /** Open TCP connections from one address; default 8. */
  maxConnectionsPerSender?: number;
  /** A TCP message must arrive whole within this many ms of its first byte; default 10,000. */
  messageTimeoutMs?: number;
  /**
   * When the connection table is full, the connection longest without a complete message is
   * closed for a new one if it has been quiet this long; default 1000 ms.
   */
  evictMinIdleMs?: number;
  /** Unparsed bytes kept per TCP connection; default 64 KiB. */
  maxBufferPerConnection?: number;
  /** A TCP connection silent this long is closed; default 5 minutes. */
  idleTimeoutMs?: number;
  /** UDP SO_RCVBUF requested; default 8 MiB (the kernel caps it at net.core.rmem_max). */
  recvBufferSize?: number;
  /**
   * Read the UDP socket in a thread of its own that only receives (default true, when the
   * compiled script is there); datagrams wait for this thread in a queue of `maxQueueBytes`.
   */
  udpThread?: boolean;
  /** Bytes of datagrams received and not yet handed to `onMessage`; default 128 MiB. */
  maxQueueBytes?: number;
  /** How often the kernel's UDP drop counter is read; default 1000 ms. */
  dropPollMs?: number;
  /** Refused senders remembered (the heaviest, Space-Saving); default 64. */
  refusedTop?: number;
  /** How long close() lets open TCP connections finish before destroying them; default 2000. */
  closeTimeoutMs?: number;
  /** Operational messages (bound addresses, effective receive buffer, socket errors). */
  log?: (line: string) => void;
}

export interface ListeningInfo {
  udp?: ListenAddress & { recvBufferSize: number };
  tcp?: ListenAddress;
}
