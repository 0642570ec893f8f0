/**
 * A syslog receiver on 127.0.0.1 (ephemeral ports) with every message and drop recorded, and
 * clients that are closed after each test. Every wait is bounded in time.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { startSyslogServer, SyslogServer, type DropReason, type SyslogSender, type SyslogServerOptions } from '../../src/sources/syslog-server';

export const HOST = '127.0.0.1';

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

export const servers: SyslogServer[] = [];
const tcpClients: net.Socket[] = [];
const udpClients: dgram.Socket[] = [];

afterEach(async () => {
  for (const c of tcpClients.splice(0)) c.destroy();
  for (const u of udpClients.splice(0)) {
    try {
      u.close();
    } catch {
      /* already closed */
    }
  }
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export interface Harness {
  server: SyslogServer;
  udpPort: number;
  tcpPort: number;
  messages: { text: string; sender: SyslogSender }[];
  drops: { sender: string; reason: DropReason }[];
  texts(): string[];
}

export async function harness(extra: Partial<SyslogServerOptions> = {}): Promise<Harness> {
  const messages: Harness['messages'] = [];
  const drops: Harness['drops'] = [];
  const server = await startSyslogServer({
    udp: { host: HOST, port: 0 },
    tcp: { host: HOST, port: 0 },
    onMessage: (text, sender) => messages.push({ text, sender }),
    onDrop: (sender, reason) => drops.push({ sender, reason }),
    closeTimeoutMs: 200,
    ...extra,
  });
  servers.push(server);
  const a = server.addresses();
  return { server, udpPort: a.udp?.port ?? -1, tcpPort: a.tcp?.port ?? -1, messages, drops, texts: () => messages.map((m) => m.text) };
}

export async function sendUdp(port: number, ...datagrams: (string | Buffer)[]): Promise<void> {
  const u = dgram.createSocket('udp4');
  udpClients.push(u);
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) => u.send(d, port, HOST, (e) => (e ? reject(e) : resolve())));
  }
}

export async function connect(port: number, localAddress?: string): Promise<net.Socket> {
  const s = net.connect({ host: HOST, port, localAddress });
  tcpClients.push(s);
  s.on('error', () => {});
  s.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  return s;
}

export function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed && s.readyState === 'closed' ? resolve() : s.once('close', () => resolve())));
}

/** Writes and waits until the server has received the bytes, so the next write is another segment. */
export async function writeSegment(h: Harness, s: net.Socket, data: string | Buffer): Promise<void> {
  const before = h.server.stats().tcp!.bytes;
  const len = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  s.write(data);
  await waitFor(() => h.server.stats().tcp!.bytes >= before + len, 'the segment to arrive');
}

