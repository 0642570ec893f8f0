import ipaddr from 'ipaddr.js';
import { classify, type ClassifierSettings } from '../src/classify/classifier';
import { CidrSet, DEFAULT_HOME, canonicalCidr } from '../src/classify/networks';
import type { FirewallEvent } from '../parsers/types';

const settings = (over: Partial<ClassifierSettings> = {}): ClassifierSettings => ({
  home: new CidrSet(DEFAULT_HOME),
  wanIf: new Set(),
  trusted: new CidrSet([]),
  ...over,
});

const ev = (over: Partial<FirewallEvent>): FirewallEvent => ({
  ts: 0, format: 'netfilter', action: 'deny', transport: 'tcp', srcIp: '198.51.100.9', dstIp: '192.168.1.10', srcPort: 40000, dstPort: 23, tcpFlags: 'SYN', ...over,
});

describe('classifier', () => {
  test.each([
    ['SYN', 'scan', 'tcp-syn'],
    ['CWR ECE SYN', 'scan', 'tcp-syn'],
    ['ACK', 'late', 'tcp-ack'],
    ['ACK PSH', 'late', 'tcp-ack'],
    ['ACK FIN', 'late', 'tcp-finack'],
    ['ACK PSH FIN', 'late', 'tcp-finack'],
    ['RST', 'late', 'tcp-rst'],
    ['ACK RST', 'late', 'tcp-rst'],
    ['ACK SYN', 'late', 'tcp-synack'],
    // Neither ACK nor SYN: stealth probes (nmap -sN, -sF, -sX, --scanflags).
    ['', 'scan', 'tcp-null'],
    ['FIN', 'scan', 'tcp-fin'],
    ['CWR ECE FIN', 'scan', 'tcp-fin'],
    ['URG PSH FIN', 'scan', 'tcp-xmas'],
    ['PSH', 'scan', 'tcp-other'],
    ['URG FIN', 'scan', 'tcp-other'],
    ['URG PSH', 'scan', 'tcp-other'],
    ['ECE', 'scan', 'tcp-other'],
    [undefined, 'scan', 'tcp'],
  ])('inbound TCP %p is %s (%s)', (flags, cls, reason) => {
    expect(classify(ev({ tcpFlags: flags }), settings())).toEqual({ direction: 'inbound', class: cls, reason });
  });

  test('a FIN from a format that cannot show ACK (AWS flow logs) stays late', () => {
    expect(classify(ev({ format: 'aws-vpc-flow', tcpFlags: 'FIN' }), settings())).toMatchObject({ class: 'late', reason: 'tcp-finack' });
    expect(classify(ev({ format: 'aws-vpc-flow', tcpFlags: 'RST' }), settings())).toMatchObject({ class: 'late', reason: 'tcp-rst' });
    expect(classify(ev({ format: 'aws-vpc-flow', tcpFlags: 'SYN' }), settings())).toMatchObject({ class: 'scan', reason: 'tcp-syn' });
  });

  test('a trusted source keeps the reason of its probes', () => {
    const trusted = settings({ trusted: new CidrSet(['198.51.100.0/24']) });
    expect(classify(ev({ tcpFlags: 'FIN' }), trusted)).toEqual({ direction: 'inbound', class: 'trusted', reason: 'tcp-fin' });
  });

  test('UDP probes are scans, late DNS/NTP replies are not', () => {
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, dstPort: 5060 }), settings()).class).toBe('scan');
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, srcPort: 53, dstPort: 36427 }), settings())).toMatchObject({ class: 'late', reason: 'udp-reply' });
  });

  test('ICMP echo requests are scans, replies and errors are late; other protocols are scans', () => {
    expect(classify(ev({ transport: 'icmp', icmpType: 8, dstPort: undefined }), settings())).toMatchObject({ class: 'scan', reason: 'icmp-echo' });
    expect(classify(ev({ transport: 'icmp', icmpType: 3 }), settings())).toMatchObject({ class: 'late', reason: 'icmp-reply' });
    expect(classify(ev({ transport: 'ipv6-icmp', icmpType: 128, srcIp: '2001:db8::1', dstIp: 'fd00::2' }), settings())).toMatchObject({ class: 'scan' });
    expect(classify(ev({ transport: 'gre', tcpFlags: undefined }), settings())).toMatchObject({ class: 'scan', reason: 'proto-gre' });
  });

  test('direction from addresses, from the netfilter chain, and from --wan-if', () => {
    expect(classify(ev({ srcIp: '192.168.1.5', dstIp: '198.51.100.9' }), settings())).toMatchObject({ direction: 'outbound', class: 'outbound' });
    expect(classify(ev({ srcIp: '192.168.1.5', dstIp: '10.0.0.9' }), settings())).toMatchObject({ direction: 'internal', class: 'internal' });
    // Both ends public: INPUT chain (IN= only) reaches the router's own WAN address.
    expect(classify(ev({ dstIp: '203.0.113.10', inIf: 'eth0' }), settings())).toMatchObject({ direction: 'inbound', class: 'scan' });
    expect(classify(ev({ srcIp: '203.0.113.10', dstIp: '198.51.100.9', outIf: 'eth0' }), settings())).toMatchObject({ direction: 'outbound' });
    expect(classify(ev({ dstIp: '203.0.113.10', inIf: 'eth0', outIf: 'eth1' }), settings())).toMatchObject({ direction: 'external' });
    const wan = settings({ wanIf: new Set(['ppp0']) });
    expect(classify(ev({ dstIp: '203.0.113.10', inIf: 'ppp0', outIf: 'br0' }), wan)).toMatchObject({ direction: 'inbound', class: 'scan' });
    // --home makes a public prefix home.
    const home = settings({ home: new CidrSet([...DEFAULT_HOME, '203.0.113.0/24']) });
    expect(classify(ev({ dstIp: '203.0.113.10', inIf: 'eth0', outIf: 'eth1' }), home)).toMatchObject({ direction: 'inbound' });
  });

  test('multicast and broadcast stay on the segment; a home source is never inbound, whatever the device says', () => {
    // Windows Firewall RECEIVE of a LAN peer's mDNS and SSDP (the device says inbound).
    expect(classify(ev({ direction: 'inbound', transport: 'udp', tcpFlags: undefined, srcIp: '192.168.1.23', dstIp: '224.0.0.251', dstPort: 5353 }), settings())).toMatchObject({ direction: 'internal', class: 'internal' });
    expect(classify(ev({ direction: 'inbound', transport: 'udp', tcpFlags: undefined, srcIp: 'fe80::1c2b:3aff:fe4d:5e6f', dstIp: 'ff02::fb', dstPort: 5353 }), settings())).toMatchObject({ class: 'internal' });
    expect(classify(ev({ direction: 'inbound', transport: 'udp', tcpFlags: undefined, srcIp: '192.168.1.40', dstIp: '239.255.255.250', dstPort: 1900 }), settings())).toMatchObject({ class: 'internal' });
    expect(classify(ev({ direction: 'inbound', srcIp: '192.168.1.40', dstIp: '192.168.1.10' }), settings())).toMatchObject({ class: 'internal' });
    // From outside to a multicast or broadcast address: not a probe of one of your hosts.
    expect(classify(ev({ direction: 'inbound', transport: 'udp', tcpFlags: undefined, dstIp: '255.255.255.255', dstPort: 67 }), settings())).toMatchObject({ direction: 'external' });
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, dstIp: '224.0.0.1', dstPort: 5353 }), settings())).toMatchObject({ direction: 'external' });
    // The device saying inbound from outside to a host still is.
    expect(classify(ev({ direction: 'inbound', dstIp: '203.0.113.10' }), settings())).toMatchObject({ direction: 'inbound', class: 'scan' });
  });

  test('NTP and DNS answering from their port to the same port are replies', () => {
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, srcPort: 123, dstPort: 123 }), settings())).toMatchObject({ class: 'late', reason: 'udp-reply' });
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, srcPort: 53, dstPort: 53 }), settings())).toMatchObject({ class: 'late', reason: 'udp-reply' });
    expect(classify(ev({ transport: 'udp', tcpFlags: undefined, srcPort: 40000, dstPort: 123 }), settings())).toMatchObject({ class: 'scan' });
  });

  test('the device\'s own direction wins over addresses', () => {
    expect(classify(ev({ direction: 'outbound' }), settings())).toMatchObject({ direction: 'outbound' });
  });

  test('trusted sources, IPv4 and IPv6, keep their packet reason', () => {
    const trusted = settings({ trusted: new CidrSet(['198.51.100.0/24', '2001:db8::/32']) });
    expect(classify(ev({}), trusted)).toEqual({ direction: 'inbound', class: 'trusted', reason: 'tcp-syn' });
    expect(classify(ev({ srcIp: '2001:db8::7', dstIp: 'fd00::1' }), trusted)).toMatchObject({ class: 'trusted' });
    expect(classify(ev({ srcIp: '192.0.2.1' }), trusted)).toMatchObject({ class: 'scan' });
  });

  test('CIDR input is validated and canonical', () => {
    expect(canonicalCidr('192.0.2.77/24')).toBe('192.0.2.0/24');
    expect(canonicalCidr('192.0.2.77')).toBe('192.0.2.77/32');
    expect(canonicalCidr('2001:DB8::1/32')).toBe('2001:db8::/32');
    expect(() => canonicalCidr('300.1.1.1')).toThrow(/not an IP address or CIDR/);
    expect(new CidrSet(['10.0.0.0/8']).has('::ffff:10.1.2.3')).toBe(true);
  });
});

describe('CidrSet with IPv6', () => {
  test('membership read by the character loop agrees with ipaddr.js matching, for every prefix length', () => {
    const nets = ['2001:db8:aa::/48', '2001:db8:ab:100::/56', 'fe80::/10', 'fc00::/7', '::1/128', '2001:db8:0:1::5/127', '2001:db8::/33', '3fff::/20'];
    const set = new CidrSet(nets);
    const parsed = nets.map((n) => ipaddr.parseCIDR(n));
    const viaIpaddr = (ip: string) => {
      const a = ipaddr.parse(ip);
      if (a.kind() === 'ipv4') return false;
      const v6 = a as ipaddr.IPv6;
      return parsed.some(([net, bits]) => v6.match(net, bits));
    };
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const bases = [[0x2001, 0xdb8, 0xaa, 0], [0x2001, 0xdb8, 0xab, 0x1ff], [0xfe80, 0, 0, 0], [0xfebf, 1, 2, 3], [0xfdff, 0, 0, 0], [0, 0, 0, 0], [0x2001, 0xdb8, 0x8000, 0], [0x3fff, 0x0fff, 0, 0], [0x3fff, 0x1000, 0, 0]];
    let checked = 0;
    for (let t = 0; t < 5000; t++) {
      const b = bases[t % bases.length];
      const g = [...b.map((x) => (rand() < 0.8 ? x : Math.floor(rand() * 65536))), ...Array.from({ length: 4 }, () => (rand() < 0.5 ? 0 : Math.floor(rand() * 65536)))];
      if (rand() < 0.1) g.splice(4, 4, 0, 0, 0, 1);
      const ip = ipaddr.IPv6.parse(g.map((x) => x.toString(16)).join(':')).toRFC5952String();
      expect([ip, set.has(ip)]).toEqual([ip, viaIpaddr(ip)]);
      checked++;
    }
    expect(checked).toBe(5000);
    // IPv4-mapped text is the IPv4 address; spellings the loop does not read still go through ipaddr.js.
    const v4home = new CidrSet(['192.0.2.0/24']);
    expect(['::ffff:c000:201', '::ffff:192.0.2.1', '::FFFF:C000:0201', '0:0:0:0:0:ffff:c000:201'].map((ip) => v4home.has(ip))).toEqual([true, true, true, true]);
    expect(['::ffff:c000:301', '1:::2', 'fe80::1%eth0'].map((ip) => v4home.has(ip))).toEqual([false, false, false]);
    expect(new CidrSet(['fe80::/10']).has('fe80::1%eth0')).toBe(true);
  });
});
