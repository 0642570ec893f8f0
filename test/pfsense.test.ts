import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import { pfsense } from '../parsers/pfsense';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';
import { expectNeverThrows } from './helpers/parse';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const WRAP = 'Mar  3 10:15:42 fw filterlog[4242]: ';
const HDR4 = '5,,,1000000103,igb0,match,block,in,4,0x0,,51,4242,0,DF';
const HDR6 = '11,,,1000000104,igb0,match,block,in,6,0x00,0x00000,57';

function outcome(csv: string, wrap = WRAP): ParseOutcome {
  const env = peelEnvelope(wrap + csv, clock());
  expect(pfsense.sniff(env)).toBe(true);
  return pfsense.parse(env, clock());
}

function event(csv: string): FirewallEvent {
  const o = outcome(csv);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

function reason(csv: string, wrap = WRAP): string {
  const o = outcome(csv, wrap);
  if (o.kind === 'event') throw new Error('expected a reason, got an event');
  return o.reason;
}

describe('pfsense parser object', () => {
  test('its example line is an event', () => {
    const r = parseRecord(pfsense.example, clock());
    expect(r.parser?.id).toBe('pfsense');
    expect(r.outcome.kind).toBe('event');
  });
});

describe('column layout', () => {
  test('IPv4 TCP: addresses 18/19, ports 20/21, flags 23', () => {
    const e = event(`${HDR4},6,tcp,60,203.0.113.7,192.0.2.10,51234,22,0,S,1,,64240,,mss`);
    expect(e).toMatchObject({
      srcIp: '203.0.113.7', dstIp: '192.0.2.10', srcPort: 51234, dstPort: 22, transport: 'tcp',
      tcpFlags: 'SYN', length: 60, ttl: 51, inIf: 'igb0', action: 'deny', rule: '5/1000000103',
    });
    expect(e.outIf).toBeUndefined();
    expect(e.direction).toBeUndefined();
  });

  test('an empty flags field is a TCP packet with none set (NULL scan)', () => {
    expect(event(`${HDR4},6,tcp,40,203.0.113.7,192.0.2.10,51234,22,0,,1,,1024,,`).tcpFlags).toBe('');
    expect(event(`${HDR4},6,tcp,40,203.0.113.7,192.0.2.10,51234,22,0,FPU,1,,1024,,`).tcpFlags).toBe('URG PSH FIN');
  });

  test('IPv6: protocol number in 13 decides, the upper-case name does not matter', () => {
    const e = event(`${HDR6},TCP,6,40,2001:db8:bad::7,2001:db8:100:0:0:0:0:10,40404,22,0,SA,1,2,1024,,`);
    expect(e).toMatchObject({ transport: 'tcp', srcIp: '2001:db8:bad::7', dstIp: '2001:db8:100::10', dstPort: 22, tcpFlags: 'ACK SYN' });
    // payload length 40 + the 40-byte IPv6 header
    expect(e.length).toBe(80);
    expect(e.ttl).toBe(57);
  });

  test('IPv6 ICMPv6 and hop-by-hop lines have no ports', () => {
    expect(event(`${HDR6},ICMPv6,58,32,fe80::1,ff02::1,`)).toMatchObject({ transport: 'ipv6-icmp', srcPort: undefined });
    expect(event(`${HDR6},Options,0,36,fe80::1,ff02::16,HBH,RTALERT,0x0000,PADN,`).transport).toBe('hopopt');
  });

  test('a non-first IPv4 fragment is an event without ports', () => {
    const e = event('5,,,1000000103,igb0,match,block,in,4,0x0,,51,4242,1480,+,17,udp,548,203.0.113.7,192.0.2.10,');
    expect(e).toMatchObject({ transport: 'udp', srcPort: undefined, dstPort: undefined });
  });

  test('out sets the egress interface', () => {
    const e = event('5,,,1000000103,igb1,match,pass,out,4,0x0,,64,1,0,DF,17,udp,60,192.0.2.10,198.51.100.53,5000,53,40');
    expect(e).toMatchObject({ outIf: 'igb1', inIf: undefined, action: 'allow' });
  });
});

describe('actions', () => {
  const line = (a: string) => `5,,,1,igb0,match,${a},in,4,0x0,,64,1,0,DF,17,udp,60,192.0.2.10,198.51.100.53,5000,53,40`;
  test.each([
    ['pass', 'allow'],
    ['block', 'deny'],
    ['reject', 'deny'],
    ['synproxy-drop', 'deny'],
    ['rdr', 'unknown'],
    ['constructor', 'unknown'],
  ])('%s → %s', (word, action) => {
    expect(event(line(word)).action).toBe(action);
  });
});

describe('rule id', () => {
  const line = (num: string, tracker: string) => `${num},,,${tracker},igb0,match,block,in,4,0x0,,64,1,0,DF,17,udp,60,192.0.2.10,198.51.100.53,5000,53,40`;
  test('pfSense: number/tracker', () => expect(event(line('5', '1000000103')).rule).toBe('5/1000000103'));
  test('OPNsense: the label hash alone', () => expect(event(line('10', '02f4bab031b57d1e30553ce08e0ec131')).rule).toBe('02f4bab031b57d1e30553ce08e0ec131'));
  test('OPNsense: a UUID label', () => expect(event(line('98', '64d253df-ef65-4b56-9df4-c03fc11b8ce4')).rule).toBe('64d253df-ef65-4b56-9df4-c03fc11b8ce4'));
  test('no tracker: the number', () => expect(event(line('11', '')).rule).toBe('11'));
});

describe('ICMP', () => {
  const icmp = (rest: string) => event(`${HDR4},1,icmp,28,198.51.100.9,192.0.2.10,${rest}`);
  test.each([
    ['request,7,1', 8, 0],
    ['reply,7,164', 0, 0],
    ['unreachport,203.0.113.7,UDP,3390036', 3, 3],
    ['unreachproto,203.0.113.7,4728', 3, 2],
    ['needfrag,203.0.113.7,140036', 3, 4],
    ['unreach,host 203.0.113.7 unreachable - admin prohibited filter36', 3, 13],
    ['timexceed,time exceeded in-transit36', 11, 0],
    ['timexceed,ip reassembly time exceeded36', 11, 1],
    ['source quench36', 4, 0],
    ['routeradv30:00,1,', 9, 0],
  ])('%s → type %d code %d', (rest, type, code) => {
    expect(icmp(rest)).toMatchObject({ icmpType: type, icmpCode: code, transport: 'icmp' });
  });

  test('unknown ICMP text is an event without type', () => {
    expect(icmp('type-??36').icmpType).toBeUndefined();
  });

});

describe('rejects', () => {
  test.each([
    ['[|pflog]', 'truncated'],
    ['5,,,1,igb0,match,block,in,5,0x0,,64,1,0,DF,6,tcp,60,192.0.2.1,192.0.2.2', 'bad-field'],
    [`${HDR4},6,tcp,60,203.0.113.7`, 'no-addresses'],
    [`${HDR4},6,tcp,60,203.0.113.7,192.0.2.10`, 'no-ports'],
    [`${HDR4},6,tcp,60,203.0.113.7,192.0.2.10,1,2`, 'no-tcp-flags'],
    [`${HDR4},6,tcp,60,203.0.113.7,192.0.2.10,1,70000,0,S`, 'bad-port'],
    [`${HDR4},6,tcp,60,X.X.X.X,192.0.2.10,1,2,0,S`, 'placeholder-address'],
    [`${HDR4},6,tcp,60,203.0.113.700,192.0.2.10,1,2,0,S`, 'bad-address'],
    [`${HDR4},300,tcp,60,203.0.113.7,192.0.2.10,1,2,0,S`, 'bad-protocol'],
    [`${HDR4},1,icmp,28,203.0.113.7,192.0.2.10`, 'no-icmp-type'],
  ])('%s → %s', (csv, why) => {
    expect(reason(csv)).toBe(why);
  });

  test('an untagged line without a wrapper has no timestamp', () => {
    expect(reason(`${HDR4},17,udp,60,203.0.113.7,192.0.2.10,1,2,40`, '')).toBe('no-timestamp');
  });
});

describe('sniff', () => {
  const env = (line: string) => peelEnvelope(line, clock());

  test('claims the filterlog tag and bare filterlog CSV', () => {
    expect(pfsense.sniff(env(`${WRAP}anything`))).toBe(true);
    expect(pfsense.sniff(env(`${HDR4},17,udp,60,203.0.113.7,192.0.2.10,1,2,40`))).toBe(true);
  });

  test('leaves other formats alone', () => {
    const others = [
      '2,123456789012,eni-0123456789abcdef0,203.0.113.7,192.0.2.10,51234,22,6,1,40,1709460942,1709461002,REJECT,OK',
      'Mar  3 10:15:42 fw dhcpd[1]: DHCPDISCOVER from 00:00:5e:00:53:01 via igb1',
    ];
    for (const l of others) expect(pfsense.sniff(env(l))).toBe(false);
  });
});

test('a relay that quoted a field still parses (csv-parse path)', () => {
  const e = event('5,,,1000000103,igb0,match,block,in,4,"0x0",,51,4242,0,DF,6,tcp,60,203.0.113.7,192.0.2.10,51234,23,0,S,1,,1,,');
  expect(e.dstPort).toBe(23);
});

test('never throws on cut or damaged lines', () => {
  expectNeverThrows(pfsense, 3, (line, i) => [line.slice(0, i), line.slice(0, i) + ',"x,' + line.slice(i)]);
});
