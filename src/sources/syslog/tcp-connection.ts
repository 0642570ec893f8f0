import type net from 'node:net';
import { TcpFramer, type FrameSink } from './tcp-framer';
import type { SyslogSender } from './types';

/** One accepted TCP connection: its peer and socket, and the framing of its stream. */
export class TcpConnection extends TcpFramer {
  readonly sender: SyslogSender;

  constructor(
    readonly socket: net.Socket,
    readonly address: string,
    maxMessageBytes: number,
    maxBuffer: number,
    sink: FrameSink,
  ) {
    super(maxMessageBytes, maxBuffer, sink);
    this.sender = Object.freeze({ address, port: socket.remotePort ?? 0, transport: 'tcp' as const });
  }
}
