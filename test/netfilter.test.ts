import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { actionFromPrefix } from '../parsers/lib/actions';
import { netfilter } from '../parsers/netfilter';
import { nftTrace } from '../parsers/nft-trace';
import type { Envelope, FirewallEvent, ParseOutcome } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const TS = Date.UTC(2024, 0, 3, 8, 0, 0);
const MAC = 'MAC=00:00:5e:00:53:01:00:00:5e:00:53:a0:08:00';
const IP4 = 'SRC=203.0.113.45 DST=192.0.2.10 LEN=44 TOS=0x00 PREC=0x00 TTL=243 ID=54321';

/** An envelope as peel.ts would give it for `… host kernel: <message>`. */
function env(message: string, extra: Partial<Envelope> = {}): Envelope {
  return { raw: message, message, ts: TS, hostname: 'gw', tag: 'kernel', kind: 'rfc3164', ...extra };
}

function outcome(message: string, extra: Partial<Envelope> = {}): ParseOutcome {
  const e = env(message, extra);
  expect(netfilter.sniff(e)).toBe(true);
  return netfilter.parse(e, clock());
}

function event(message: string, extra: Partial<Envelope> = {}): FirewallEvent {
  const o = outcome(message, extra);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

function reason(message: string, extra: Partial<Envelope> = {}): string {
  const o = outcome(message, extra);
  if (o.kind !== 'reject') throw new Error(`expected a reject, got ${JSON.stringify(o)}`);
  return o.reason;
}

const tcp = (flags: string, prefix = 'DROP ') =>
  `${prefix}IN=eth0 OUT= ${MAC} ${IP4} PROTO=TCP SPT=41234 DPT=23 WINDOW=1024 RES=0x00 ${flags} URGP=0 `;

describe('netfilter parser object', () => {
  test('its example line is an event', () => {
    const e = peelEnvelope(netfilter.example, clock());
    expect(netfilter.sniff(e)).toBe(true);
    const o = netfilter.parse(e, clock());
    expect(o.kind).toBe('event');
  });
});

describe('TCP flags', () => {
  test.each([
    ['SYN', 'SYN'],
    ['ACK PSH FIN', 'ACK PSH FIN'],
    ['FIN ACK', 'ACK FIN'],
    ['SYN ECE CWR', 'CWR ECE SYN'],
    ['RST URG PSH', 'URG PSH RST'],
    ['CWR ECE URG ACK PSH RST SYN FIN', 'CWR ECE URG ACK PSH RST SYN FIN'],
  ])('%s → %s', (words, canonical) => {
    expect(event(tcp(words)).tcpFlags).toBe(canonical);
  });

  test('DF, MF and CE are IP flags, not TCP flags', () => {
    expect(event(tcp('SYN').replace('ID=54321', 'ID=54321 CE DF MF')).tcpFlags).toBe('SYN');
  });

  test('a logged TCP header with no flag words is a packet with no flags (NULL scan); no header says nothing', () => {
    expect(event(tcp('')).tcpFlags).toBe('');
    // The header cut before URGP=: the flags were not (all) logged.
    expect(event(tcp('').replace(/ URGP=0 $/, ' ')).tcpFlags).toBeUndefined();
    expect(event(tcp('FIN')).tcpFlags).toBe('FIN');
  });

  test('flag words inside an embedded header are not the logged packet\'s', () => {
    const line = `DROP IN=eth0 OUT= ${IP4} PROTO=ICMP TYPE=3 CODE=1 [SRC=192.0.2.10 DST=203.0.113.45 LEN=40 PROTO=TCP SPT=1 DPT=2 SYN ] `;
    expect(event(line).tcpFlags).toBeUndefined();
  });
});

describe('IPv6 normalization', () => {
  test.each([
    ['fe80:0000:0000:0000:3640:b5ff:feab:f2b8', 'fe80::3640:b5ff:feab:f2b8'],
    ['ff02:0000:0000:0000:0000:0000:0000:0002', 'ff02::2'],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['0000:0000:0000:0000:0000:ffff:c000:0201', '192.0.2.1'],
    ['2001:db8:10::a', '2001:db8:10::a'],
    ['2001:DB8::A', '2001:db8::a'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('SRC=%s → %s', (raw, canonical) => {
    expect(event(`DROP IN=eth0 OUT= SRC=${raw} DST=ff02::1 LEN=80 HOPLIMIT=1 PROTO=UDP SPT=1 DPT=2 LEN=8`).srcIp).toBe(canonical);
  });

  test.each([
    ['203.0.113.300', 'bad-address'],
    ['1.2.3', 'bad-address'],
    ['1.2.3.4.5', 'bad-address'],
    ['2001:db8::g', 'bad-address'],
    ['X.X.X.X', 'placeholder-address'],
    ['CLIENT', 'placeholder-address'],
  ])('SRC=%s is the reject %s', (raw, why) => {
    expect(reason(`DROP IN=eth0 OUT= SRC=${raw} DST=192.0.2.10 LEN=40 TTL=1 PROTO=UDP SPT=1 DPT=2 LEN=8`)).toBe(why);
  });

  test('an ip6tables line gets compressed addresses', () => {
    const e = event(
      'ip6-drop: IN=eth0 OUT= SRC=2001:0db8:0bad:0000:0000:0000:0000:0042 DST=2001:0db8:0001:0000:0000:0000:0000:0010 ' +
        'LEN=80 TC=0 HOPLIMIT=57 FLOWLBL=1 PROTO=TCP SPT=40022 DPT=22 WINDOW=64800 RES=0x00 SYN URGP=0',
    );
    expect([e.srcIp, e.dstIp, e.ttl]).toEqual(['2001:db8:bad::42', '2001:db8:1::10', 57]);
  });
});

describe('protocols', () => {
  const withProto = (p: string) => `DROP IN=eth0 OUT= ${IP4} PROTO=${p} `;
  test.each([
    ['2', 'igmp'],
    ['47', 'gre'],
    ['50', 'esp'],
    ['51', 'ah'],
    ['89', 'ospfigp'],
    ['103', 'pim'],
    ['112', 'vrrp'],
    ['132', 'sctp'],
    ['253', '253'],
    ['ESP SPI=0x1a2b', 'esp'],
    ['AH SPI=0x1', 'ah'],
  ])('PROTO=%s → %s', (p, t) => {
    expect(event(withProto(p)).transport).toBe(t);
  });

  test.each([
    ['TCP SPT=1 DPT=2', 'tcp'],
    ['UDP SPT=1 DPT=2 LEN=8', 'udp'],
    ['UDPLITE SPT=1 DPT=2 LEN=8', 'udplite'],
    ['ICMP TYPE=8 CODE=0', 'icmp'],
    ['ICMPv6 TYPE=128 CODE=0', 'ipv6-icmp'],
    ['SCTP SPT=1 DPT=2', 'sctp'],
  ])('PROTO=%s → %s', (p, t) => {
    expect(event(withProto(p)).transport).toBe(t);
  });

  test.each(['999', 'FOO'])('PROTO=%s is a bad protocol', (p) => {
    expect(reason(withProto(p))).toBe('bad-protocol');
  });

  test('LEN is the IP length, not the UDP header length that follows', () => {
    expect(event(withProto('UDP SPT=1 DPT=2 LEN=24')).length).toBe(44);
  });
});

describe('MAC splitting', () => {
  const macs = (mac: string) => {
    const e = event(`DROP IN=eth0 OUT= MAC=${mac} ${IP4} PROTO=UDP SPT=137 DPT=137 LEN=58`);
    return [e.dstMac, e.srcMac];
  };
  test('14 bytes: dst, src, ethertype', () => {
    expect(macs('00:00:5e:00:53:01:00:00:5e:00:53:a0:08:00')).toEqual(['00-00-5E-00-53-01', '00-00-5E-00-53-A0']);
  });
  test('overlong (VLAN tag, IP header bytes): the first 12 bytes are still dst and src', () => {
    expect(macs('90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc:02:1c')).toEqual(['90-10-92-6E-EA-A7', '90-10-73-BA-D6-77']);
  });
  test.each(['45:00:00:4e', 'mac_address', 'xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx', '00:00:5e:00:53:01:00:00:5e:00:53:a0x08:00'])(
    '%s gives nothing',
    (v) => {
      expect(macs(v)).toEqual([undefined, undefined]);
    },
  );
  test('an odd MAC does not stop the line from parsing', () => {
    const e = event(`DROP IN=eth0 OUT= MAC=45:00:00:4e ${IP4} PROTO=UDP SPT=137 DPT=137 LEN=58`);
    expect([e.srcMac, e.dstMac, e.srcIp]).toEqual([undefined, undefined, '203.0.113.45']);
  });
  test('MACSRC= / MACDST= (log flags ether)', () => {
    const e = event(`x: IN=eth0 OUT= MACSRC=00:00:5e:00:53:a0 MACDST=00:00:5e:00:53:01 MACPROTO=0800 ${IP4} PROTO=ICMP TYPE=8 CODE=0`);
    expect([e.srcMac, e.dstMac]).toEqual(['00-00-5E-00-53-A0', '00-00-5E-00-53-01']);
  });
});

describe('prefix → action', () => {
  test.each([
    ['DROP', 'deny'],
    ['[UFW BLOCK]', 'deny'],
    ['[UFW LIMIT BLOCK]', 'deny'],
    ['[UFW ALLOW]', 'allow'],
    ['[UFW AUDIT]', 'unknown'],
    ['[WAN_LOCAL-D-2147483647]', 'deny'],
    ['[WAN_LOCAL-A-2147483647]', 'allow'],
    ['[WAN_IN-R-3001]', 'deny'],
    ['[source-dest-default-D]', 'deny'],
    ['[LAN_LOCAL-default-A]', 'allow'],
    ['[ALLOW_DNS-D-10]', 'deny'],
    ['DROP(src wan)', 'deny'],
    ['ACCEPT(dest lan)', 'allow'],
    ['drop wan in:', 'deny'],
    ['reject lan out:', 'deny'],
    ['FORWARD DROP:', 'deny'],
    ['rpfilter_DROP:', 'deny'],
    ['iptables DROP_INPUT:', 'deny'],
    ['IPTABLES-DROP:', 'deny'],
    ['SFW2-INext-DROP-DEFLT', 'deny'],
    ['policy DROP:', 'deny'],
    ['policy REJECT:', 'deny'],
    ['ACCEPT:', 'allow'],
    ['PVEFW-reject:', 'deny'],
    ['[nftables] input reject', 'deny'],
    ['[nftables] Inbound Denied:', 'deny'],
    ['[BLOCKED - INBOUND]', 'deny'],
    ['LOGDROP', 'deny'],
    ['ACCEPT6-OUT', 'allow'],
    ['ssh-accepted:', 'allow'],
    ['Refused', 'deny'],
    ['PASS', 'allow'],
    ['FIREWALL_OUT', 'unknown'],
    ['IN-work', 'unknown'],
    ['IPTABLE', 'unknown'],
    ['DROP-then-ACCEPT', 'unknown'],
    ['', 'unknown'],
  ])('%j → %s', (prefix, action) => {
    expect(actionFromPrefix(prefix)).toBe(action);
  });

  test('UniFi DESCR is kept in the rule, but the bracket code decides', () => {
    const e = event(`[WAN_LOCAL-A-2147483647] DESCR="[WAN_LOCAL]Block All Traffic" IN=eth8 OUT= ${IP4} PROTO=UDP SPT=1 DPT=2 LEN=8`, {
      tag: undefined,
    });
    expect([e.rule, e.action]).toEqual(['[WAN_LOCAL-A-2147483647] [WAN_LOCAL]Block All Traffic', 'allow']);
  });

  test('a prefix in the syslog tag position is the rule; `kernel` is not', () => {
    const msg = `IN=realize OUT= ${IP4} PROTO=UDP SPT=137 DPT=137 LEN=58`;
    expect(event(msg, { tag: 'IN-work' }).rule).toBe('IN-work:');
    expect(event(msg).rule).toBeUndefined();
    expect(event(msg).action).toBe('unknown');
  });

  test('glued prefixes', () => {
    expect(event(tcp('SYN', 'DROP(src wan)')).rule).toBe('DROP(src wan)');
    expect(event(tcp('SYN', '[LAN_LOCAL-default-A]')).action).toBe('allow');
    expect(event(tcp('SYN', 'BLOCKED')).rule).toBe('BLOCKED');
  });

  test('OpenWrt zones', () => {
    expect(event(tcp('SYN', 'DROP(src wan)')).inZone).toBe('wan');
    expect(event(tcp('SYN', 'REJECT(dest wan)')).outZone).toBe('wan');
    expect(event(tcp('SYN', 'drop wan in: ')).inZone).toBe('wan');
    expect(event(tcp('SYN', 'reject lan out: ')).outZone).toBe('lan');
  });
});

describe('ICMP', () => {
  test('an ICMP error keeps the outer packet and ignores the quoted one', () => {
    const e = event(
      'OUT-ICMP IN= OUT=eth0 SRC=192.0.2.10 DST=198.51.100.20 LEN=88 TOS=0x00 PREC=0xC0 TTL=64 ID=5123 PROTO=ICMP TYPE=3 CODE=3 ' +
        '[SRC=198.51.100.20 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=3344 PROTO=UDP SPT=33434 DPT=33435 LEN=40 ] MTU=1400 ',
    );
    expect(e).toMatchObject({ srcIp: '192.0.2.10', dstIp: '198.51.100.20', transport: 'icmp', icmpType: 3, icmpCode: 3, length: 88, ttl: 64 });
    expect(e.srcPort).toBeUndefined();
    expect(e.dstPort).toBeUndefined();
  });

  test('ICMP echo: the echo ID does not disturb anything', () => {
    const e = event(`DROP IN=eth0 OUT= ${IP4} PROTO=ICMP TYPE=8 CODE=0 ID=4711 SEQ=1`);
    expect([e.icmpType, e.icmpCode, e.transport]).toEqual([8, 0, 'icmp']);
  });
});

describe('interfaces', () => {
  test('empty IN=/OUT= are absent; odd names are kept; PHYSIN/PHYSOUT', () => {
    const e = event(`x IN= OUT=eth0 PHYSIN=veth1 PHYSOUT=enp.1s0 ${IP4} PROTO=UDP SPT=1 DPT=2 LEN=8`);
    expect([e.inIf, e.outIf, e.physIn, e.physOut]).toEqual([undefined, 'eth0', 'veth1', 'enp.1s0']);
    expect(event(tcp('SYN').replace('IN=eth0', 'IN=enp.1s0')).inIf).toBe('enp.1s0');
  });
});

describe('rejects', () => {
  test.each([
    ['SRC=X.X.X.X DST=Y.Y.Y.Y', 'placeholder-address'],
    ['SRC=CLIENT DST=SERVER', 'placeholder-address'],
    ['SRC=source_ip DST=server_ip', 'placeholder-address'],
    ['SRC=203.0.113.45 DST=xxx.xxx.xxx.xxx', 'placeholder-address'],
    ['SRC=203.0.113.300 DST=192.0.2.10', 'bad-address'],
  ])('%s → %s', (addrs, why) => {
    expect(reason(`DROP IN=eth0 OUT= ${addrs} LEN=40 TTL=50 PROTO=TCP SPT=1 DPT=2 SYN`)).toBe(why);
  });

  test('missing or empty SRC/DST', () => {
    expect(reason(`DROP IN=eth0 OUT= ${MAC} SRC=203.0.113.5 DST=`)).toBe('no-addresses');
    expect(reason('DROP IN=eth0 OUT= SRC=203.0.113.5')).toBe('no-addresses');
  });

  test('cut-off UBNT lines are claimed and rejected', () => {
    expect(reason('TTL=126 ID=15317 DF PROTO=TCP SPT=59344 DPT=443 WINDOW=8212 RES=0x00 ACK PSH URGP=0')).toBe('no-addresses');
    expect(reason('L=126 ID=8698 DF PROTO=TCP SPT=88 DPT=51179 WINDOW=2053 RES=0x00 ACK URGP=0')).toBe('no-addresses');
  });

  test('ports', () => {
    expect(reason(tcp('SYN').replace('DPT=23', 'DPT=70000'))).toBe('bad-port');
    expect(reason(tcp('SYN').replace('SPT=41234', 'SPT=4x'))).toBe('bad-port');
    expect(reason(`DROP IN=eth0 OUT= ${IP4} PROTO=TCP `)).toBe('no-ports');
    expect(reason(`DROP IN=eth0 OUT= ${IP4} PROTO=UDP INCOMPLETE [65535 bytes] `)).toBe('no-ports');
  });

  test('a non-first fragment is an event without ports', () => {
    const e = event(`DROP IN=eth0 OUT= ${IP4} MF FRAG:185 PROTO=UDP `);
    expect([e.transport, e.srcPort, e.dstPort]).toEqual(['udp', undefined, undefined]);
  });

  test('no PROTO', () => {
    expect(reason(`DROP IN=eth0 OUT= ${IP4}`)).toBe('no-protocol');
  });

  test('a damaged line without IN= (not from Proxmox)', () => {
    expect(reason(`XX=enp1s0 OUT= ${MAC} ${IP4} PROTO=TCP SPT=8080 DPT=8123 SYN`)).toBe('truncated');
  });

  test('Proxmox leaves out an empty IN=', () => {
    const e = event(`policy REJECT: OUT=vmbr0 ${IP4} PROTO=TCP SPT=1 DPT=25 SYN`, { kind: 'pvefw', tag: 'PVEFW-HOST-OUT', hostname: undefined });
    expect([e.inIf, e.outIf, e.action, e.rule]).toEqual([undefined, 'vmbr0', 'deny', 'policy REJECT:']);
  });

  test('no-timestamp', () => {
    expect(reason(tcp('SYN'), { ts: undefined, kind: 'none', tag: undefined, hostname: undefined })).toBe('no-timestamp');
  });

  test('a corrupted token does not reject a complete line', () => {
    expect(event(tcp('ACK RST').replace('URGP=0', 'URGn=0')).tcpFlags).toBe('ACK RST');
  });

  test('reasons carry no per-line values', () => {
    const lines = [
      `DROP IN=eth0 OUT= SRC=CLIENT DST=SERVER PROTO=TCP SPT=1 DPT=2`,
      tcp('SYN').replace('DPT=23', 'DPT=99999'),
      `DROP IN=eth0 OUT= ${IP4} PROTO=77777`,
    ];
    for (const l of lines) expect(reason(l)).not.toMatch(/\d{3,}|CLIENT|SERVER/);
  });
});

describe('sniff', () => {
  const sniff = (message: string) => netfilter.sniff(env(message));
  test.each([
    'Failed password for invalid user admin from 203.0.113.5 port 51122 ssh2',
    'user LOGIN=bob SRC=web accepted',
    'DHCPACK(br-lan) 192.168.1.20 00:00:5e:00:53:b1 laptop',
    'date=2024-01-01 time=10:00:00 type=traffic srcip=192.0.2.1 dstip=192.0.2.2 proto=6 srcport=1 dstport=2',
    '{"MESSAGE":"IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2"}',
    '',
  ])('does not claim %j', (m) => {
    expect(sniff(m)).toBe(false);
  });
});

describe('nft-trace', () => {
  const head = 'trace id 1a2b3c4d inet fw4 input';
  const pkt = (tail: string) => `${head} packet: iif "eth1" ip saddr 203.0.113.7 ip daddr 192.0.2.10 ip ttl 51 ip protocol tcp ip length 60 tcp sport 1 tcp dport 22 ${tail}`;
  const parseTrace = (m: string) => {
    const e = env(m, { tag: 'nft-trace' });
    expect(nftTrace.sniff(e)).toBe(true);
    expect(netfilter.sniff(e)).toBe(false);
    return nftTrace.parse(e, clock());
  };

  test.each([
    ['tcp flags == syn', 'SYN'],
    ['tcp flags == (syn | ack)', 'ACK SYN'],
    ['tcp flags syn,ack', 'ACK SYN'],
    ['tcp flags == 0x12', 'ACK SYN'],
  ])('%s → %s', (flags, canonical) => {
    const o = parseTrace(pkt(`${flags} tcp window 64240`));
    expect(o.kind === 'event' && o.event.tcpFlags).toBe(canonical);
  });

  test('verdict lines are skips, unstamped packets rejects', () => {
    expect(parseTrace(`${head} rule tcp dport 22 drop (verdict drop)`)).toEqual({ kind: 'skip', reason: 'trace-verdict' });
    expect(parseTrace(`${head} policy drop`)).toEqual({ kind: 'skip', reason: 'trace-verdict' });
    const e = env(pkt(''), { ts: undefined, kind: 'none', tag: undefined });
    expect(nftTrace.parse(e, clock())).toEqual({ kind: 'reject', reason: 'no-timestamp' });
  });

  test('its example line is an event', () => {
    const e = peelEnvelope(nftTrace.example, clock());
    expect(nftTrace.sniff(e)).toBe(true);
    expect(nftTrace.parse(e, clock()).kind).toBe('event');
  });
});
