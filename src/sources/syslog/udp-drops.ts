/**
 * Datagrams the kernel dropped for one of our UDP sockets because its receive buffer was full:
 * they never reach the process, so the only count of them is the kernel's own, the `drops`
 * column of the socket's line in /proc/net/udp (or udp6). The line is found by local port and
 * socket inode — the inode of one of this process's own file descriptors, so another socket on
 * the same port (SO_REUSEPORT, another process) is never read by mistake. Linux only; elsewhere
 * `find` returns undefined and the count stays unknown.
 */
import fs from 'node:fs';

const TABLES = ['/proc/net/udp', '/proc/net/udp6'];

interface UdpLine {
  port: number;
  inode: number;
  drops: number;
  /** Bytes waiting in the receive queue. */
  rxQueue: number;
}

function parseLine(line: string): UdpLine | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 13 || !f[0].endsWith(':')) return undefined;
  const colon = f[1].lastIndexOf(':');
  const queues = f[4].split(':');
  return { port: parseInt(f[1].slice(colon + 1), 16), inode: Number(f[9]), drops: Number(f[12]), rxQueue: parseInt(queues[1] ?? '0', 16) };
}

function readTable(file: string): UdpLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    return [];
  }
  const out: UdpLine[] = [];
  for (const line of text.split('\n').slice(1)) {
    const l = parseLine(line);
    if (l) out.push(l);
  }
  return out;
}

/** Inodes of the sockets this process holds open. */
function ownSocketInodes(): Set<number> {
  const out = new Set<number>();
  let fds: string[];
  try {
    fds = fs.readdirSync('/proc/self/fd');
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

export class UdpDropCounter {
  private constructor(
    private readonly table: string,
    readonly inode: number,
    /** The kernel counts from the socket's creation; what it had when found is ours too. */
    private last: UdpLine,
  ) {}

  /** The counter of this process's UDP socket bound to `port`, when the system exposes one. */
  static find(port: number): UdpDropCounter | undefined {
    const own = ownSocketInodes();
    for (const table of TABLES) {
      const line = readTable(table).find((l) => l.port === port && own.has(l.inode));
      if (line) return new UdpDropCounter(table, line.inode, line);
    }
    return undefined;
  }

  /** Drops since the socket was created (the latest value read when the line cannot be read now). */
  read(): { drops: number; rxQueue: number } {
    const line = readTable(this.table).find((l) => l.inode === this.inode);
    if (line) this.last = line;
    return { drops: this.last.drops, rxQueue: this.last.rxQueue };
  }
}
