/**
 * The syslog receiver with real sockets, on 127.0.0.1 and ephemeral ports only. Every wait is
 * bounded in time; every socket and server is closed after each test.
 */
import { CidrSet } from '../src/classify/networks';
import { DEFAULT_ALLOW, normalizeAddress, parseListenAddress, startSyslogServer, SyslogServer } from '../src/sources/syslog-server';
import { closed, connect, harness, HOST, sendUdp, servers, waitFor, writeSegment } from './helpers/syslog';

const octet = (msg: string) => `${Buffer.byteLength(msg)} ${msg}`;

const RFC3164 = '<4>Jun 14 00:15:11 RT-AX86U kernel: DROP IN=eth0 OUT= MAC=10:7b:44:aa:bb:01:00:11:22:33:44:55:08:00 SRC=192.0.2.39 DST=203.0.113.10 LEN=44 TOS=0x00 PREC=0x00 TTL=113 ID=1 PROTO=TCP SPT=24678 DPT=445 WINDOW=1024 RES=0x00 SYN URGP=0 ';
const RFC5424 = '<134>1 2024-06-14T00:15:11.123456+02:00 fw.example.net filterlog 12345 - [meta sequenceId="7" note="a \\"q\\" ]x"] \uFEFF5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,198.51.100.7,203.0.113.10,51234,22,0,S,1,,64240,,mss;sackOK';
const RFC5424_NIL = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] héllo wörld';

describe('parseListenAddress', () => {
  it('reads PORT, HOST:PORT and [IPv6]:PORT', () => {
    expect(parseListenAddress('5514')).toEqual({ host: '127.0.0.1', port: 5514 });
    expect(parseListenAddress('0.0.0.0:514')).toEqual({ host: '0.0.0.0', port: 514 });
    expect(parseListenAddress('[::1]:5514')).toEqual({ host: '::1', port: 5514 });
    expect(parseListenAddress('[::]:514')).toEqual({ host: '::', port: 514 });
    expect(parseListenAddress('localhost:6000')).toEqual({ host: '127.0.0.1', port: 6000 });
    expect(parseListenAddress(':6000')).toEqual({ host: '127.0.0.1', port: 6000 });
    expect(parseListenAddress('6000', '0.0.0.0')).toEqual({ host: '0.0.0.0', port: 6000 });
  });

  it('explains what is wrong', () => {
    expect(() => parseListenAddress('')).toThrow(/empty/);
    expect(() => parseListenAddress('::1:5514')).toThrow(/needs brackets/);
    expect(() => parseListenAddress('[::1]')).toThrow(/missing ":PORT"/);
    expect(() => parseListenAddress('[::1:5514')).toThrow(/missing "\]"/);
    expect(() => parseListenAddress('[1.2.3.4]:5514')).toThrow(/not an IPv6 address/);
    expect(() => parseListenAddress('0.0.0.0:70000')).toThrow(/0 to 65535/);
    expect(() => parseListenAddress('0.0.0.0:http')).toThrow(/not a number/);
    expect(() => parseListenAddress('router.lan:514')).toThrow(/not an IP address/);
    expect(() => parseListenAddress('999.1.1.1:514')).toThrow(/not an IP address/);
    expect(() => parseListenAddress('abc')).toThrow(/no port/);
  });
});

describe('sender addresses', () => {
  it('matches IPv4-mapped IPv6 senders against IPv4 entries', () => {
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
    const allow = new CidrSet(DEFAULT_ALLOW);
    expect(allow.has(normalizeAddress('::ffff:192.168.1.1'))).toBe(true);
    expect(allow.has('::ffff:192.168.1.1')).toBe(true);
    expect(allow.has(normalizeAddress('::ffff:192.0.2.1'))).toBe(false);
    expect(allow.has('fe80::1%eth0')).toBe(true);
    expect(allow.has('2001:db8::1')).toBe(false);
  });

  it('refuses invalid options', () => {
    const onMessage = () => {};
    expect(() => new SyslogServer({ onMessage })).toThrow(/nothing to listen on/);
    expect(() => new SyslogServer({ onMessage, udp: { host: HOST, port: 0 }, maxMessageBytes: 0 })).toThrow(/maxMessageBytes/);
    expect(() => new SyslogServer({ onMessage, udp: { host: HOST, port: 0 }, allow: ['nonsense'] })).toThrow(/not an IP address or CIDR/);
  });
});

describe('UDP', () => {
  it('takes one datagram as one message, stripping the trailing newline', async () => {
    const logged: string[] = [];
    const h = await harness({ log: (l) => logged.push(l) });
    expect(logged.some((l) => /^syslog UDP on 127\.0\.0\.1:\d+: receive buffer \d+ bytes/.test(l))).toBe(true);
    await sendUdp(h.udpPort, RFC3164 + '\n', RFC5424, RFC5424_NIL + '\r\n\0');
    await waitFor(() => h.messages.length === 3, '3 messages');
    expect(h.texts().sort()).toEqual([RFC3164, RFC5424, RFC5424_NIL].sort());
    expect(h.messages[0].sender).toMatchObject({ address: '127.0.0.1', transport: 'udp' });
    expect(h.messages[0].sender.port).toBeGreaterThan(0);
    const st = h.server.stats();
    expect(st).toMatchObject({ received: 3, accepted: 3, dropped: 0 });
    expect(st.bySender['127.0.0.1']).toMatchObject({ received: 3, accepted: 3 });
    expect(st.udp!.datagrams).toBe(3);
    expect(st.udp!.recvBufferSize).toBeGreaterThan(0);
    expect(h.server.addresses().udp!.recvBufferSize).toBe(st.udp!.recvBufferSize);
  });

  it('splits a batched datagram into its lines', async () => {
    const h = await harness();
    await sendUdp(h.udpPort, `<4>one\n<4>two\r\n\n<4>three\n`);
    await waitFor(() => h.messages.length === 3, '3 messages');
    expect(h.texts()).toEqual(['<4>one', '<4>two', '<4>three']);
  });

  it('drops an oversize message and counts it', async () => {
    const h = await harness({ maxMessageBytes: 100 });
    await sendUdp(h.udpPort, '<4>' + 'x'.repeat(200), `<4>${'y'.repeat(150)}\n<4>fits`, '<4>ok');
    await waitFor(() => h.messages.length === 2 && h.drops.length === 2, '2 messages and 2 drops');
    expect(h.texts().sort()).toEqual(['<4>fits', '<4>ok']);
    expect(h.drops).toEqual([
      { sender: '127.0.0.1', reason: 'oversize' },
      { sender: '127.0.0.1', reason: 'oversize' },
    ]);
    expect(h.server.stats()).toMatchObject({ received: 4, accepted: 2, dropped: 2, droppedByReason: { oversize: 2 } });
  });
});

describe('TCP framing', () => {
  it('reads LF-terminated messages, a CR before the LF stripped, the last one ended by FIN', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    const localPort = s.localPort;
    s.write(`${RFC3164}\n${RFC5424}\r\n\n`);
    await writeSegment(h, s, '<4>split ');
    await writeSegment(h, s, 'across segments\n<4>unterminated last');
    s.end();
    await waitFor(() => h.messages.length === 4, '4 messages');
    expect(h.texts()).toEqual([RFC3164, RFC5424, '<4>split across segments', '<4>unterminated last']);
    expect(h.messages[0].sender).toMatchObject({ address: '127.0.0.1', transport: 'tcp', port: localPort });
    expect(h.server.stats()).toMatchObject({ received: 4, accepted: 4, dropped: 0 });
  });

  it('accepts NUL as a terminator', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    s.write(`<4>first\0<4>second\0`);
    await waitFor(() => h.messages.length === 2, '2 messages');
    s.write(`<4>third\n<4>fourth\0`);
    await waitFor(() => h.messages.length === 4, '4 messages');
    expect(h.texts()).toEqual(['<4>first', '<4>second', '<4>third', '<4>fourth']);
  });

  it('reads octet-counted frames: two in one segment, and a count split across segments', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    await writeSegment(h, s, octet(RFC5424) + octet(RFC3164));
    await waitFor(() => h.messages.length === 2, '2 messages');
    const third = octet(RFC5424_NIL);
    const sp = third.indexOf(' ');
    await writeSegment(h, s, third.slice(0, 1)); // first digit of the count
    await writeSegment(h, s, third.slice(1, sp)); // the rest of the count
    await writeSegment(h, s, third.slice(sp, sp + 10)); // the space and the start of MSG
    expect(h.messages.length).toBe(2);
    await writeSegment(h, s, third.slice(sp + 10) + '\n'); // rest, and a newline some senders add
    await writeSegment(h, s, octet('<4>after the newline'));
    await waitFor(() => h.messages.length === 4, '4 messages');
    expect(h.texts()).toEqual([RFC5424, RFC3164, RFC5424_NIL, '<4>after the newline']);
    expect(h.server.stats()).toMatchObject({ received: 4, accepted: 4, dropped: 0 });
  });

  it('takes a connection whose first line starts with digits but no count as newline-framed', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    s.write('2024-06-14T00:15:11+02:00 fw kernel: DROP IN=eth0\n2024-06-14T00:15:12+02:00 fw kernel: x\n');
    await waitFor(() => h.messages.length === 2, '2 messages');
    expect(h.texts()).toEqual(['2024-06-14T00:15:11+02:00 fw kernel: DROP IN=eth0', '2024-06-14T00:15:12+02:00 fw kernel: x']);
  });

  it('passes mixed RFC 3164 and 5424 text through unchanged on every transport', async () => {
    const h = await harness();
    const mixed = [RFC3164, RFC5424, RFC5424_NIL, '<13>Jun 14 00:15:11 host app[1]: 3 spaces   and\ttab'];
    const lf = await connect(h.tcpPort);
    lf.write(mixed.join('\n') + '\n');
    const oc = await connect(h.tcpPort);
    oc.write(mixed.map(octet).join(''));
    await sendUdp(h.udpPort, ...mixed);
    await waitFor(() => h.messages.length === 12, '12 messages');
    for (const transport of ['tcp', 'udp'] as const) {
      const got = h.messages.filter((m) => m.sender.transport === transport).map((m) => m.text);
      expect(got.sort()).toEqual((transport === 'tcp' ? [...mixed, ...mixed] : [...mixed]).sort());
    }
  });

  it('drops an oversize LF-framed message up to the next LF, complete or arriving in pieces', async () => {
    const h = await harness({ maxMessageBytes: 100 });
    const s = await connect(h.tcpPort);
    s.write(`<4>${'a'.repeat(150)}\n<4>ok1\n`);
    await waitFor(() => h.messages.length === 1, 'ok1');
    await writeSegment(h, s, '<4>' + 'b'.repeat(120)); // over the limit, no LF yet: discarding
    await writeSegment(h, s, 'b'.repeat(500));
    await writeSegment(h, s, `bbb\n<4>ok2\n`);
    await waitFor(() => h.messages.length === 2, 'ok2');
    expect(h.texts()).toEqual(['<4>ok1', '<4>ok2']);
    expect(h.drops).toEqual([
      { sender: '127.0.0.1', reason: 'oversize' },
      { sender: '127.0.0.1', reason: 'oversize' },
    ]);
    expect(h.server.stats()).toMatchObject({ accepted: 2, dropped: 2, droppedByReason: { oversize: 2 } });
    expect(s.destroyed).toBe(false);
  });

  it('skips an oversize octet-counted frame by its count, across segments', async () => {
    const h = await harness({ maxMessageBytes: 100 });
    const s = await connect(h.tcpPort);
    const big = '<4>' + 'z'.repeat(297);
    s.write(octet(big) + octet('<4>ok1'));
    await waitFor(() => h.messages.length === 1, 'ok1');
    const big2 = '<4>' + 'w'.repeat(1000);
    const frame = octet(big2);
    await writeSegment(h, s, frame.slice(0, 200));
    await writeSegment(h, s, frame.slice(200, 700));
    await writeSegment(h, s, frame.slice(700) + octet('<4>ok2'));
    await waitFor(() => h.messages.length === 2, 'ok2');
    expect(h.texts()).toEqual(['<4>ok1', '<4>ok2']);
    expect(h.server.stats()).toMatchObject({ accepted: 2, dropped: 2, droppedByReason: { oversize: 2 } });
  });

  it('closes a connection whose frames cannot be resynchronized', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    const done = closed(s);
    s.write(octet('<4>good') + 'garbage that is not a count\n');
    await done;
    await waitFor(() => h.drops.length === 1, 'the drop');
    expect(h.texts()).toEqual(['<4>good']);
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'framing error' }]);
    await waitFor(() => h.server.stats().tcp!.open === 0, 'the connection to be gone');
  });

  it('counts a frame cut short by the end of the connection', async () => {
    const h = await harness();
    const s = await connect(h.tcpPort);
    s.end('50 <4>only part of it');
    await waitFor(() => h.drops.length === 1, 'the drop');
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'truncated' }]);
    expect(h.messages).toEqual([]);
  });

  it('closes a connection whose unparsed buffer exceeds maxBufferPerConnection', async () => {
    const h = await harness({ maxMessageBytes: 1000, maxBufferPerConnection: 64 });
    const s = await connect(h.tcpPort);
    const done = closed(s);
    s.write('<4>' + 'q'.repeat(100)); // no terminator: 103 bytes pending
    await done;
    await waitFor(() => h.drops.length === 1, 'the drop');
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'buffer overflow' }]);
  });

  it('closes an idle connection and counts the partial message it left', async () => {
    const h = await harness({ idleTimeoutMs: 150 });
    const quiet = await connect(h.tcpPort);
    const partial = await connect(h.tcpPort);
    const bothClosed = Promise.all([closed(quiet), closed(partial)]);
    partial.write('<4>complete\n<4>never finish');
    await bothClosed;
    await waitFor(() => h.drops.length === 1, 'the drop');
    expect(h.texts()).toEqual(['<4>complete']);
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'idle timeout' }]);
    await waitFor(() => h.server.stats().tcp!.open === 0, 'both connections to be gone');
    expect(h.server.stats().tcp).toMatchObject({ idleClosed: 2, open: 0 });
  });
});

describe('limits', () => {
  it('drops datagrams and closes connections from senders outside the allowlist', async () => {
    const h = await harness({ allow: ['10.0.0.0/8'] });
    await sendUdp(h.udpPort, '<4>from loopback 1', '<4>from loopback 2');
    const s = await connect(h.tcpPort);
    s.write('<4>refused\n');
    await closed(s);
    await waitFor(() => h.drops.length === 3, '3 drops');
    expect(h.messages).toEqual([]);
    expect(h.drops.every((d) => d.sender === '127.0.0.1' && d.reason === 'not allowed')).toBe(true);
    const st = h.server.stats();
    expect(st).toMatchObject({ received: 3, accepted: 0, dropped: 3, droppedByReason: { 'not allowed': 3 } });
    // Refused senders are counted in fixed memory, not per sender.
    expect(st.bySender['127.0.0.1']).toBeUndefined();
    expect(st.refused).toEqual({ total: 3, top: [{ key: '127.0.0.1', count: 3, error: 0 }] });
    expect(st.tcp).toMatchObject({ refused: 1, accepted: 0, open: 0 });
  });

  it('refuses connections over maxConnections and keeps serving the others', async () => {
    const h = await harness({ maxConnections: 2, evictMinIdleMs: 60_000 });
    const a = await connect(h.tcpPort);
    const b = await connect(h.tcpPort);
    await waitFor(() => h.server.stats().tcp!.open === 2, '2 open connections');
    const c = await connect(h.tcpPort);
    await closed(c);
    await waitFor(() => h.drops.length === 1, 'the drop');
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'too many connections' }]);
    a.write('<4>from a\n');
    b.write('<4>from b\n');
    await waitFor(() => h.messages.length === 2, '2 messages');
    expect(h.texts().sort()).toEqual(['<4>from a', '<4>from b']);
    a.destroy();
    await waitFor(() => h.server.stats().tcp!.open === 1, 'a slot to free up');
    const d = await connect(h.tcpPort);
    d.write('<4>from d\n');
    await waitFor(() => h.messages.length === 3, 'the third message');
    expect(h.server.stats().tcp).toMatchObject({ accepted: 3, refused: 1 });
  });
});

describe('close()', () => {
  it('resolves with connections open, frees the ports, and is idempotent', async () => {
    const h = await harness({ closeTimeoutMs: 300 });
    const s = await connect(h.tcpPort);
    s.write('<4>delivered\n<4>partial');
    await waitFor(() => h.messages.length === 1, 'the message');
    const clientClosed = closed(s);
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('close() did not resolve')), 3000)));
    await Promise.race([h.server.close(), limit]).finally(() => clearTimeout(timer));
    expect(Date.now() - t0).toBeLessThan(3000);
    await clientClosed;
    await h.server.close();
    expect(h.drops).toEqual([{ sender: '127.0.0.1', reason: 'shutdown' }]);
    // Both ports are free again: bind them once more.
    const again = await startSyslogServer({ udp: { host: HOST, port: h.udpPort }, tcp: { host: HOST, port: h.tcpPort }, onMessage: () => {} });
    servers.push(again);
    expect(again.addresses()).toMatchObject({ udp: { port: h.udpPort }, tcp: { port: h.tcpPort } });
  });

  it('reports a port in use clearly and releases what it bound', async () => {
    const h = await harness();
    await expect(
      startSyslogServer({ udp: { host: HOST, port: 0 }, tcp: { host: HOST, port: h.tcpPort }, onMessage: () => {} }),
    ).rejects.toThrow(/in use/);
  });
});
