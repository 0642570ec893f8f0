/**
 * What crosses from the UDP receive thread (udp-thread.ts) to the thread that frames and stores
 * (udp-receiver.ts): datagrams exactly as received, many to a message, their bytes in one
 * transferred buffer (never copied again, never a string in the receive thread). Every message
 * is tagged by `kind`, so both ends switch on it and the compiler checks them.
 *
 * The queue between the two is bounded by bytes: a shared counter (`queued`, one Int32) holds the
 * bytes posted and not yet framed; the receive thread adds a batch's bytes when it posts it, the
 * framing side subtracts them once it has handed the batch on. A datagram that would take the
 * counter past the bound is dropped there and counted (`behind`, told with the next batch).
 */

/** Started with: where to bind, the buffer to ask the kernel for, and the queue's bound. */
export interface UdpThreadData {
  host: string;
  port: number;
  type: 'udp4' | 'udp6';
  recvBufferSize: number;
  /** SharedArrayBuffer of one Int32: bytes posted and not yet framed. */
  queued: SharedArrayBuffer;
  maxQueueBytes: number;
  /** Longest a datagram waits in a batch that is not full. */
  maxWaitMs: number;
}

/** Datagrams received, in arrival order. */
export interface UdpBatch {
  kind: 'batch';
  /** Their bytes, end to end (the first `bytes` of the buffer). */
  data: ArrayBuffer;
  bytes: number;
  count: number;
  /** End offset in `data` of each datagram (its start is the previous one's end). */
  ends: Int32Array;
  /** Sender of each datagram: an index into `addrs`, and its port. */
  from: Int32Array;
  ports: Int32Array;
  addrs: string[];
  /** Date.now() when its first datagram arrived (how long batches wait to be framed). */
  firstAt: number;
  /** Datagrams dropped since the last batch because the queue was full. */
  behind: number;
}

export type FromUdpThread =
  | { kind: 'bound'; address: string; port: number; recvBufferSize: number }
  | { kind: 'error'; message: string; code?: string; fatal: boolean }
  | UdpBatch
  | { kind: 'closed' };

export type ToUdpThread = { kind: 'close' };
