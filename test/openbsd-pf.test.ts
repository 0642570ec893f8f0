import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import { openbsdPf } from '../parsers/openbsd-pf';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';
import { expectNeverThrows } from './helpers/parse';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const STAMP = 'Mar  3 10:15:42.123456 ';

function outcome(line: string, c = clock()): ParseOutcome {
  const env = peelEnvelope(line, c);
  expect(openbsdPf.sniff(env)).toBe(true);
  return openbsdPf.parse(env, c);
}

function event(line: string, c = clock()): FirewallEvent {
  const o = outcome(line, c);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

function reason(line: string): string {
  const o = outcome(line);
  if (o.kind === 'event') throw new Error('expected a reason, got an event');
  return o.reason;
}

/** A bare OpenBSD `-ttt` line with the given packet part. */
const pf = (packet: string, head = 'rule 12/(match) block in on em0') => `${STAMP}${head}: ${packet}`;

describe('openbsd-pf parser object', () => {
  test('its example line is an event', () => {
    const r = parseRecord(openbsdPf.example, clock());
    expect(r.parser?.id).toBe('openbsd-pf');
    expect(r.outcome.kind).toBe('event');
  });
});

describe('header', () => {
  test('rule, action, direction and interface', () => {
    const e = event(pf('203.0.113.7.51234 > 192.0.2.10.22: S 1:1(0) win 1024'));
    expect(e).toMatchObject({ rule: '12', action: 'deny', inIf: 'em0' });
    expect(e.outIf).toBeUndefined();
    expect(e.direction).toBeUndefined();
    expect(e.hostname).toBeUndefined(); // the envelope's `rule` host is dropped
  });

  test.each([
    ['rule 3.guests.1/(match) pass out on em2', '3.guests.1', 'allow'],
    ['rule def/(match) block in on em0', 'def', 'deny'],
    ['rule 30/(match) match in on em0', '30', 'unknown'],
    ['rule 5/(match) [uid 0, pid 6120] pass out on em0', '5', 'allow'],
    ['rule 5/0(match): block in on em0', '5', 'deny'],
  ])('%s', (head, rule, action) => {
    expect(event(pf('203.0.113.7.51234 > 192.0.2.10.22: S 1:1(0) win 1024', head))).toMatchObject({ rule, action });
  });

  test('out sets the egress interface', () => {
    expect(event(pf('192.0.2.10.1 > 198.51.100.1.53: 1+ A? example.org. (29)', 'rule 1/(match) pass out on vio0'))).toMatchObject({
      outIf: 'vio0', inIf: undefined, transport: 'udp',
    });
  });
});

describe('addresses and ports', () => {
  test.each([
    ['203.0.113.7.51234 > 192.0.2.10.22: S 1:1(0) win 1024', '203.0.113.7', 51234, '192.0.2.10', 22],
    ['2001:db8:bad::7.40404 > 2001:db8:100::10.22: S 1:1(0) win 1024', '2001:db8:bad::7', 40404, '2001:db8:100::10', 22],
    ['fe80::a00:27ff:fe4f:2af9.546 > ff02::1:2.547:dhcp6 solicit [hlim 1]', 'fe80::a00:27ff:fe4f:2af9', 546, 'ff02::1:2', 547],
    [':: > ff02::1:ff61:969a: [|icmp6]', '::', undefined, 'ff02::1:ff61:969a', undefined],
    ['10.0.0.11 > 224.0.0.22: igmp-2 [v2]', '10.0.0.11', undefined, '224.0.0.22', undefined],
  ])('%s', (packet, src, sport, dst, dport) => {
    expect(event(pf(packet))).toMatchObject({ srcIp: src, srcPort: sport, dstIp: dst, dstPort: dport });
  });
});

describe('protocol from the decode', () => {
  test.each([
    ['S 1:1(0) win 1024', 'tcp', 'SYN'],
    ['P 1001:1270(269) ack 88 win 2520', 'tcp', 'ACK PSH'],
    ['. ack 1270 win 16384', 'tcp', 'ACK'],
    ['F 88:88(0) ack 1270 win 16384', 'tcp', 'ACK FIN'],
    ['SE 77:77(0) win 1024 [ECN]', 'tcp', 'ECE SYN'],
    ['SW 77:77(0) win 1024', 'tcp', 'CWR SYN'],
    ['R 0:0(0) ack 1 win 0', 'tcp', 'ACK RST'],
    ['Flags [S.], seq 1, ack 2, win 1024, length 0', 'tcp', 'ACK SYN'],
    ['Flags [F], seq 1, win 1024, length 0', 'tcp', 'FIN'],
    ['Flags [none], seq 1, win 1024, length 0', 'tcp', ''],
    ['[|tcp]', 'tcp', undefined],
    [' udp 73', 'udp', undefined],
    ['v4 client strat 0 poll 0 prec 0', 'udp', undefined],
    ['0*- [0q] 7/0/0[|domain] (DF)', 'udp', undefined],
    ['xid:0x1a2b3c4d [|bootp]', 'udp', undefined],
  ])('%s → %s %s', (decode, transport, flags) => {
    expect(event(pf(`203.0.113.7.1234 > 192.0.2.10.5678: ${decode}`))).toMatchObject({ transport, tcpFlags: flags });
  });

  test.each([
    ['icmp: echo request', 'icmp', 8, 0],
    ['icmp: echo reply', 'icmp', 0, 0],
    ['icmp: 192.0.2.10 udp port 33434 unreachable', 'icmp', 3, 3],
    ['icmp: host 192.0.2.1 unreachable - admin prohibited filter', 'icmp', 3, 13],
    ['icmp: time exceeded in-transit', 'icmp', 11, 0],
    ['igmp-2 [v2]', 'igmp', undefined, undefined],
    ['gre-proto-0x88be', 'gre', undefined, undefined],
    ['esp spi 0x1234 seq 1 len 116', 'esp', undefined, undefined],
    ['ip-proto-132 40', 'sctp', undefined, undefined],
  ])('%s → %s', (decode, transport, type, code) => {
    expect(event(pf(`203.0.113.7 > 192.0.2.10: ${decode}`))).toMatchObject({ transport, icmpType: type, icmpCode: code, srcPort: undefined });
  });

  test.each([
    ['icmp6: router solicitation', 133],
    ['icmp6: neighbor sol: who has 2001:db8::1', 135],
    ['icmp6: echo request seq 1', 128],
    ['HBH icmp6: type-#143 [hlim 1]', 143],
    ['icmp6: multicast listener report v2, 1 group record(s)', 143],
    ['[|icmp6]', undefined],
  ])('%s → ICMPv6 %s', (decode, type) => {
    expect(event(pf(`fe80::1 > ff02::2: ${decode}`))).toMatchObject({ transport: 'ipv6-icmp', icmpType: type });
  });
});

describe('time', () => {
  test('bare -ttt stamp: pf time with microseconds cut to ms, year from the clock', () => {
    expect(event(pf('203.0.113.7 > 192.0.2.10: icmp: echo request')).ts).toBe(Date.UTC(2024, 2, 3, 10, 15, 42, 123));
  });

  test('syslog-wrapped: the inner pf stamp wins over the relay time', () => {
    const e = event('Mar  3 10:20:00 gw pf: Mar  3 10:19:59.987654 rule 2/(match) pass in on xl0: 198.51.100.20 > 192.0.2.10: icmp: echo request');
    expect(e.ts).toBe(Date.UTC(2024, 2, 3, 10, 19, 59, 987));
    expect(e.hostname).toBe('gw');
  });

  test('syslog-wrapped over New Year: the inner stamp keeps the old year', () => {
    const c = clock();
    event('Dec 31 23:59:58 gw pf: Dec 31 23:59:57.5 rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request', c);
    const e = event('Jan  1 00:00:01 gw pf: Dec 31 23:59:59.750000 rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request', c);
    expect(e.ts).toBe(Date.UTC(2024, 11, 31, 23, 59, 59, 750));
  });

  test('local zone: the pf stamp is wall-clock time in --tz', () => {
    const c = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(event(pf('203.0.113.7 > 192.0.2.10: icmp: echo request'), c).ts).toBe(Date.UTC(2024, 2, 3, 9, 15, 42, 123));
  });

  test('a delta stamp takes the wrapper time, and without a wrapper there is no time', () => {
    expect(event('Mar  3 10:20:01 gw pf: 00:00:00.123456 rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request').ts).toBe(
      Date.UTC(2024, 2, 3, 10, 20, 1),
    );
    expect(reason('00:00:00.123456 rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request')).toBe('no-timestamp');
    expect(reason('rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request')).toBe('no-timestamp');
  });

  test('-tt epoch seconds are UTC', () => {
    expect(event('1709460942.5 rule 4/(match) block in on em0: 203.0.113.7 > 192.0.2.10: icmp: echo request').ts).toBe(1709460942500);
  });
});

describe('rejects and skips', () => {
  test.each([
    [pf('203.0.113.7.48784'), 'no-addresses'],
    [pf('203.0.113.x.1 > 192.0.2.10.23: S 1:1(0) win 1'), 'bad-address'],
    [pf('203.0.113.7 > 192.0.2.10:'), 'truncated'],
    [pf('203.0.113.7 > 192.0.2.10: wibble'), 'bad-protocol'],
    [pf('203.0.113.7 > 192.0.2.10: udp 12'), 'no-ports'],
    ['Mar  3 10:21:01 gw pf: 00:00:00.000001 rule 1/0(match): block in on em0: (tos 0x0, ttl 51, id 1, offset 0, flags [DF], proto TCP (6), length 60)', 'truncated'],
  ])('%s → %s', (line, why) => {
    expect(reason(line)).toBe(why);
  });

  test('the second half of a split record is skipped', () => {
    const o = outcome('Mar  3 10:21:01 gw pf:     203.0.113.7.48784 > 192.0.2.10.23: Flags [S], seq 1, win 16384, length 0');
    expect(o).toEqual({ kind: 'skip', reason: 'continuation-line' });
  });
});

describe('sniff', () => {
  const env = (line: string) => peelEnvelope(line, clock());
  test('leaves other formats alone', () => {
    const others = [
      'Mar  3 10:15:42 gw sshd[1]: Failed password for root from 203.0.113.7 port 22 ssh2 (rule on hold)',
      'Mar  3 10:15:42 gw pflogd[1]: [priv]: msg PRIV_OPEN_LOG received',
    ];
    for (const l of others) expect(openbsdPf.sniff(env(l))).toBe(false);
  });
});

test('never throws on cut or damaged lines', () => {
  expectNeverThrows(openbsdPf, 2, (line, i) => [line.slice(0, i), line.slice(0, i) + ' > :' + line.slice(i), line.slice(0, i) + '.' + line.slice(i + 1)]);
});
