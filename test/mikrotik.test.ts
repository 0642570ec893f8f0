import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import { mikrotik } from '../parsers/mikrotik';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';
import { expectNeverThrows } from './helpers/parse';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const ISO = '2024-03-03T10:15:42.5+01:00 gw firewall,info ';
const TCP = 'in:ether1 out:(unknown 0), connection-state:new src-mac 00:00:5e:00:53:01, proto TCP (SYN), 203.0.113.7:51234->192.0.2.10:22, len 60';

function outcome(line: string): ParseOutcome {
  const env = peelEnvelope(line, clock());
  expect(mikrotik.sniff(env)).toBe(true);
  return mikrotik.parse(env, clock());
}

function event(line: string): FirewallEvent {
  const o = outcome(line);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

function reason(line: string): string {
  const o = outcome(line);
  if (o.kind === 'event') throw new Error('expected a reason, got an event');
  return o.reason;
}

describe('mikrotik parser object', () => {
  test('its example line is an event', () => {
    const r = parseRecord(mikrotik.example, clock());
    expect(r.parser?.id).toBe('mikrotik');
    expect(r.outcome.kind).toBe('event');
  });
});

describe('fields', () => {
  test('RouterOS 7 line with topics, prefix, connection-state and src-mac', () => {
    const e = event(`${ISO}drop-in input: ${TCP}`);
    expect(e).toMatchObject({
      ts: Date.UTC(2024, 2, 3, 9, 15, 42, 500), action: 'deny', rule: 'drop-in', transport: 'tcp', tcpFlags: 'SYN',
      srcIp: '203.0.113.7', srcPort: 51234, dstIp: '192.0.2.10', dstPort: 22, inIf: 'ether1', srcMac: '00-00-5E-00-53-01',
      length: 60, hostname: 'gw',
    });
    expect(e.outIf).toBeUndefined();
    expect(e.direction).toBeUndefined();
  });

  test('forward chain: both interfaces', () => {
    expect(event(`${ISO}forward: in:WAN out:LAN, proto UDP, 203.0.113.7:5000->192.168.88.10:6000, len 40`)).toMatchObject({
      inIf: 'WAN', outIf: 'LAN', action: 'unknown', rule: undefined,
    });
  });

  test('output chain: `in:(none)` is no interface', () => {
    expect(event(`${ISO}output: in:(none) out:ether1, proto ICMP (type 3, code 3), 192.0.2.10->203.0.113.7, len 576`)).toMatchObject({
      inIf: undefined, outIf: 'ether1', transport: 'icmp', icmpType: 3, icmpCode: 3, srcPort: undefined,
    });
  });

  test('IPv6 in brackets with ports, and ICMPv6 without ports', () => {
    expect(event(`${ISO}input: in:WAN out:(unknown 0), proto TCP (SYN), [2001:db8:bad::7]:40384->[2001:db8:100::2]:20461, len 24`)).toMatchObject({
      srcIp: '2001:db8:bad::7', srcPort: 40384, dstIp: '2001:db8:100::2', dstPort: 20461,
    });
    expect(event(`${ISO}drop input: in:WAN out:(unknown 0), proto ICMPV6 (type 135, code 0), fe80::1->ff02::1:ff00:2, len 32`)).toMatchObject({
      transport: 'ipv6-icmp', icmpType: 135, srcIp: 'fe80::1',
    });
    expect(event(`${ISO}drop input: in:WAN out:(unknown 0), proto ICMP (type 128, code 0), 2001:db8::7->2001:db8::1, len 32`).transport).toBe('ipv6-icmp');
  });

  test('NAT: the logged packet is the one before the NAT note', () => {
    const e = event(
      `${ISO}accept forward: in:LAN out:WAN, proto TCP (ACK,PSH), 192.168.88.20:50123->198.51.100.80:443, NAT (192.168.88.20:50123->192.0.2.10:50123)->198.51.100.80:443, len 1500`,
    );
    expect(e).toMatchObject({ srcIp: '192.168.88.20', srcPort: 50123, dstIp: '198.51.100.80', tcpFlags: 'ACK PSH', action: 'allow' });
  });

  test.each([
    ['(SYN)', 'SYN'],
    ['(ACK,FIN,PSH)', 'ACK PSH FIN'],
    ['(SYN,ECE,CWR)', 'CWR ECE SYN'],
    ['(RST)', 'RST'],
    ['(URG,ACK)', 'URG ACK'],
  ])('TCP flags %s → %s', (f, words) => {
    expect(event(`${ISO}input: in:WAN out:(none), proto TCP ${f}, 203.0.113.7:1->192.0.2.10:2, len 40`).tcpFlags).toBe(words);
  });

  test('numeric protocol', () => {
    expect(event(`${ISO}drop input: in:WAN out:(none), proto 47, 203.0.113.7->192.0.2.10, len 92`).transport).toBe('gre');
  });
});

describe('prefix, chain and action', () => {
  test.each([
    ['drop-in input:', 'drop-in', 'deny'],
    ['[drop-input] input:', '[drop-input]', 'deny'],
    ['drop !LAN input:', 'drop !LAN', 'deny'],
    ['LOGDROP LogDrop:', 'LOGDROP', 'deny'],
    ['accept-est forward:', 'accept-est', 'allow'],
    ['reject input:', 'reject', 'deny'],
    ['input:', undefined, 'unknown'],
    ['scanners input:', 'scanners', 'unknown'],
  ])('%s → rule %s, %s', (head, rule, action) => {
    expect(event(`${ISO}${head} ${TCP}`)).toMatchObject({ rule, action });
  });

  test('RFC 3164 without topics: the envelope takes a lone chain for the tag', () => {
    const e = event(`<30>Mar  3 10:15:48 MikroTik input: ${TCP}`);
    expect(e).toMatchObject({ hostname: 'MikroTik', rule: undefined, inIf: 'ether1', dstPort: 22 });
  });
});

describe('time', () => {
  test('/log print `mar/03` stamps take the clock year', () => {
    expect(event(`mar/03 10:15:42 firewall,info drop-in input: ${TCP}`).ts).toBe(Date.UTC(2024, 2, 3, 10, 15, 42));
  });

  test('RouterOS 7 /log print: the envelope read the topics as a host', () => {
    const e = event(`2024-03-03 10:15:43 firewall,info drop-in input: ${TCP}`);
    expect(e.hostname).toBeUndefined();
    expect(e.ts).toBe(Date.UTC(2024, 2, 3, 10, 15, 43));
  });

  test('a time without a date, or no time at all, is no timestamp', () => {
    expect(reason(`10:15:45 firewall,info drop-in input: ${TCP}`)).toBe('no-timestamp');
    expect(reason(`drop-in input: ${TCP}`)).toBe('no-timestamp');
  });
});

describe('skips and rejects', () => {
  test.each([
    ['2024-03-03T11:00:00+01:00 gw system,error,critical login failure for user admin from 192.168.88.99 via winbox', 'system-message', 'system'],
    ['2024-03-03T11:00:00+01:00 gw dhcp,info defconf assigned 192.168.88.250 to 00:00:5E:00:53:33', 'dhcp-message', 'dhcp'],
    ['2024-03-03 11:00:00 system,info,account user admin logged in from 192.168.88.2 via winbox', 'system-message', 'system'],
    ['2024-03-03 11:00:00 ipsec,error phase1 negotiation failed due to time up 203.0.113.7[500]<=>192.0.2.1[500]', 'vpn-message', 'ipsec'],
    [`${ISO}address list entry added by drop-scanners`, 'system-message', 'firewall'],
  ])('%s → skip %s (%s)', (line, why, topic) => {
    expect(outcome(line)).toEqual({ kind: 'skip', reason: why, detail: topic });
  });

  test.each([
    [`${ISO}drop input: in:ether1 out:(none), proto TCP (SYN), 203.0.113.7:51234`, 'no-addresses'],
    [`${ISO}drop input: in:ether1 out:(none), 203.0.113.7:1->192.0.2.10:22, len 60`, 'no-protocol'],
    [`${ISO}drop input: in:ether1 out:(none), proto TCP (SYN), 203.0.113.x:1->192.0.2.10:22, len 60`, 'bad-address'],
    [`${ISO}drop input: in:ether1 out:(none), proto TCP (SYN), 203.0.113.7->192.0.2.10, len 60`, 'no-ports'],
    [`${ISO}drop input: in:ether1 out:(none), proto TCP (SYN), 203.0.113.7:99999->192.0.2.10:22, len 60`, 'bad-port'],
    [`${ISO}drop input: in:ether1 out:(none), proto 300, 203.0.113.7->192.0.2.10, len 60`, 'bad-protocol'],
    [`${ISO}drop input: in:ether1`, 'truncated'],
  ])('%s → reject %s', (line, why) => {
    expect(reason(line)).toBe(why);
  });
});

describe('sniff', () => {
  const env = (line: string) => peelEnvelope(line, clock());
  test('leaves other formats alone', () => {
    const others = [
      'Mar  3 10:15:42 gw sshd[1]: error: kex_exchange_identification: read: Connection reset by peer, in: 1',
    ];
    for (const l of others) expect(mikrotik.sniff(env(l))).toBe(false);
  });
});

test('never throws on cut or damaged lines', () => {
  expectNeverThrows(mikrotik, 2, (line, i) => [line.slice(0, i), line.slice(0, i) + ', ' + line.slice(i), line.slice(0, i) + '[' + line.slice(i + 1)]);
});
