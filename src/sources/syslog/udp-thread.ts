/**
 * The thread that owns the syslog UDP socket and does nothing else: each datagram's bytes are
 * copied into the batch being filled, with its sender and port; a batch is posted (its buffers
 * transferred) when it is full or `maxWaitMs` after its first datagram. Nothing here parses,
 * decodes or stores, so this thread is back at the socket within microseconds whatever the
 * store, the parser or a dashboard in the main thread is doing — what used to fill the kernel
 * buffer while a batch was committed (see udp-batch.ts for the bounded queue).
 */
import dgram from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromUdpThread, ToUdpThread, UdpBatch, UdpThreadData } from './udp-batch';

/** A batch holds up to this many datagrams or bytes (a UDP datagram is at most 65,507 bytes). */
const BATCH_DATAGRAMS = 2048;
const BATCH_BYTES = 512 * 1024;

const data = workerData as UdpThreadData;
const port = parentPort!;
const queued = new Int32Array(data.queued);
const send = (m: FromUdpThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

class Filling {
  readonly buf = Buffer.allocUnsafeSlow(BATCH_BYTES);
  readonly ends = new Int32Array(BATCH_DATAGRAMS);
  readonly from = new Int32Array(BATCH_DATAGRAMS);
  readonly ports = new Int32Array(BATCH_DATAGRAMS);
  addrs: string[] = [];
  readonly index = new Map<string, number>();
  bytes = 0;
  count = 0;
  firstAt = 0;

  reset(): this {
    this.addrs = [];
    this.index.clear();
    this.bytes = 0;
    this.count = 0;
    return this;
  }

  fits(len: number): boolean {
    return this.count < BATCH_DATAGRAMS && this.bytes + len <= BATCH_BYTES;
  }

  add(msg: Buffer, address: string, p: number): void {
    if (this.count === 0) this.firstAt = Date.now();
    let a = this.index.get(address);
    if (a === undefined) {
      a = this.addrs.length;
      this.addrs.push(address);
      this.index.set(address, a);
    }
    msg.copy(this.buf, this.bytes);
    this.bytes += msg.length;
    this.ends[this.count] = this.bytes;
    this.from[this.count] = a;
    this.ports[this.count] = p;
    this.count++;
  }
}

let batch = new Filling();
let behind = 0;
let timer: NodeJS.Timeout | undefined;

function post(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (batch.count === 0 && behind === 0) return;
  const b = batch;
  // A batch posted part-full (a quiet sender, the timer) goes as a copy of what it holds, and
  // its buffers are filled again: a datagram every few ms must not cost 0.5 MB each.
  const copy = b.bytes < BATCH_BYTES / 4;
  const m: UdpBatch = {
    kind: 'batch',
    data: copy ? b.buf.buffer.slice(0, b.bytes) as ArrayBuffer : b.buf.buffer as ArrayBuffer,
    bytes: b.bytes,
    count: b.count,
    ends: copy ? b.ends.slice(0, b.count) : b.ends,
    from: copy ? b.from.slice(0, b.count) : b.from,
    ports: copy ? b.ports.slice(0, b.count) : b.ports,
    addrs: b.addrs,
    firstAt: b.firstAt,
    behind,
  };
  batch = copy ? b.reset() : new Filling();
  behind = 0;
  Atomics.add(queued, 0, m.bytes);
  send(m, [m.data, m.ends.buffer as ArrayBuffer, m.from.buffer as ArrayBuffer, m.ports.buffer as ArrayBuffer]);
}

function onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
  const len = msg.length;
  if (!batch.fits(len)) post();
  // The bytes of this batch count as queued too: the bound holds before it is posted.
  if (Atomics.load(queued, 0) + batch.bytes + len > data.maxQueueBytes) {
    behind++;
    timer ??= setTimeout(post, data.maxWaitMs);
    return;
  }
  batch.add(msg, rinfo.address, rinfo.port);
  timer ??= setTimeout(post, data.maxWaitMs);
}

const sock = dgram.createSocket({ type: data.type, recvBufferSize: data.recvBufferSize });
sock.once('error', (e: NodeJS.ErrnoException) => {
  send({ kind: 'error', message: e.message, code: e.code, fatal: true });
  port.close();
});
sock.bind(data.port, data.host, () => {
  sock.removeAllListeners('error');
  sock.on('error', (e) => send({ kind: 'error', message: e.message, fatal: false }));
  sock.on('message', onDatagram);
  let recvBufferSize = 0;
  try {
    recvBufferSize = sock.getRecvBufferSize();
  } catch {
    /* not available on this platform */
  }
  const a = sock.address();
  send({ kind: 'bound', address: a.address, port: a.port, recvBufferSize });
});

port.on('message', (m: ToUdpThread) => {
  if (m.kind !== 'close') return;
  const done = () => {
    post();
    send({ kind: 'closed' });
    port.close();
  };
  try {
    sock.close(done);
  } catch {
    done(); // never bound
  }
});
