import type net from 'node:net';
import { TcpFramer, type FrameSink } from './tcp-framer';
import type { SyslogSender } from './types';

/** One accepted TCP connection: its peer and socket, the framing of its stream, and its pace. */
export class TcpConnection extends TcpFramer {
  readonly sender: SyslogSender;
  /** Complete messages framed so far. */
  messages = 0;
  /** When the last complete message arrived (the connection's start before the first one). */
  lastMessageAt: number;
  /** When the message now in progress began arriving; 0 when no message is in progress. */
  partialSince = 0;
  /** Still in the receiver's connection table. */
  listed = true;

  constructor(
    readonly socket: net.Socket,
    readonly address: string,
    maxMessageBytes: number,
    maxBuffer: number,
    sink: FrameSink,
    now: number,
  ) {
    super(maxMessageBytes, maxBuffer, {
      message: (text) => {
        this.messages++;
        sink.message(text);
      },
      oversize: (bytes) => sink.oversize(bytes),
      fail: (reason, bytes) => sink.fail(reason, bytes),
    });
    this.sender = Object.freeze({ address, port: socket.remotePort ?? 0, transport: 'tcp' as const });
    this.lastMessageAt = now;
  }

  /** Frames a chunk and keeps track of how long the message in progress has been arriving. */
  receive(chunk: Buffer, now: number): void {
    const before = this.messages;
    this.push(chunk);
    const done = this.messages !== before;
    if (done) this.lastMessageAt = now;
    if (this.pending === null && this.skip === 0 && !this.discarding) this.partialSince = 0;
    else if (done || this.partialSince === 0) this.partialSince = now;
  }
}
