import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import type { Clock, FirewallEvent, ParseOutcome } from '../parsers/types';
import { windowsFirewall } from '../parsers/windows-firewall';

const clock = (tz = 'UTC') => createClock(tz, { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

function outcome(line: string, c: Clock = clock()): ParseOutcome {
  const env = peelEnvelope(line, c);
  expect(windowsFirewall.sniff(env)).toBe(true);
  return windowsFirewall.parse(env, c);
}

function event(line: string, c: Clock = clock()): FirewallEvent {
  const o = outcome(line, c);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

const TCP_IN = '2024-03-03 10:15:42 DROP TCP 203.0.113.7 192.168.1.20 51234 3389 52 S 1414213562 0 64240 - - - RECEIVE';

describe('windows-firewall parser object', () => {
  test('its example line is an event', () => {
    const r = parseRecord(windowsFirewall.example, clock());
    expect(r.parser?.id).toBe('windows-firewall');
    expect(r.outcome.kind).toBe('event');
  });
});

describe('columns', () => {
  test('the default 17-column layout', () => {
    expect(event(TCP_IN)).toMatchObject({
      action: 'deny', transport: 'tcp', srcIp: '203.0.113.7', dstIp: '192.168.1.20', srcPort: 51234, dstPort: 3389,
      length: 52, tcpFlags: 'SYN', direction: 'inbound',
    });
  });

  test('the 18-column layout with pid', () => {
    expect(event(`${TCP_IN} 4`)).toMatchObject({ dstPort: 3389, direction: 'inbound' });
  });

  test('the 16-column XP layout has no path and no direction', () => {
    const e = event('2024-03-03 10:15:42 DROP TCP 203.0.113.7 192.168.1.20 51234 3389 52 S 1 0 64240 - - -');
    expect(e.dstPort).toBe(3389);
    expect(e.direction).toBeUndefined();
  });

  test('more columns than any layout is rejected', () => {
    expect(outcome(`${TCP_IN} 4 x`)).toEqual({ kind: 'reject', reason: 'unknown column layout' });
  });

  test('the host name the envelope guessed (the action word) is not kept', () => {
    expect(event(TCP_IN).hostname).toBeUndefined();
  });
});

describe('path → direction', () => {
  test.each([
    ['SEND', 'outbound'],
    ['RECEIVE', 'inbound'],
    ['FORWARD', undefined],
    ['-', undefined],
  ])('%s → %s', (p, dir) => {
    expect(event(TCP_IN.replace('RECEIVE', p)).direction).toBe(dir);
  });
});

describe('protocols and ICMP', () => {
  test('ICMP with IPv4 addresses is icmp, with IPv6 addresses ipv6-icmp', () => {
    expect(event('2024-03-03 10:15:47 DROP ICMP 198.51.100.9 192.168.1.20 - - 60 - - - - 8 0 - RECEIVE')).toMatchObject({
      transport: 'icmp', icmpType: 8, icmpCode: 0, srcPort: undefined,
    });
    expect(event('2024-03-03 10:15:48 ALLOW ICMP fe80::1 ff02::1 - - 0 - - - - 134 0 - RECEIVE')).toMatchObject({
      transport: 'ipv6-icmp', icmpType: 134, length: undefined,
    });
  });

  test('numeric protocols become IANA keywords', () => {
    expect(event('2024-03-03 10:15:50 ALLOW 2 192.168.1.1 224.0.0.1 - - 0 - - - - - - - RECEIVE').transport).toBe('igmp');
    expect(event('2024-03-03 10:15:50 ALLOW 47 192.168.1.1 198.51.100.1 - - 0 - - - - - - - SEND').transport).toBe('gre');
  });
});

describe('time', () => {
  test('date and time are local time of the host, in --tz', () => {
    expect(event(TCP_IN, clock('Europe/Berlin')).ts).toBe(Date.UTC(2024, 2, 3, 9, 15, 42));
    expect(event(TCP_IN, clock('America/New_York')).ts).toBe(Date.UTC(2024, 2, 3, 15, 15, 42));
  });

  test('an impossible date is rejected', () => {
    expect(outcome(TCP_IN.replace('2024-03-03', '2024-13-03'))).toEqual({ kind: 'reject', reason: 'bad timestamp' });
  });
});

describe('skips', () => {
  test.each([
    ['\ufeff#Version: 1.5', 'w3c header'],
    ['#Software: Microsoft Windows Firewall', 'w3c header'],
    ['#Time Format: Local', 'w3c header'],
    ['#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid', 'w3c header'],
    ['2024-03-03 10:15:53 INFO-EVENTS-LOST - - - - - - - - - - - - 7 -', 'info-events-lost'],
    ['2024-03-03 12:00:05 CLOSE TCP 192.168.1.20 198.51.100.80 50001 443 - - - - - - - -', 'connection close'],
  ])('%s → %s', (line, why) => {
    expect(outcome(line)).toEqual({ kind: 'skip', reason: why });
  });
});

describe('relayed lines', () => {
  test('inside syslog: the record is the message, the relay host is kept', () => {
    const e = event(`Mar  3 12:00:07 ws01 MSWinEventLog: ${TCP_IN}`);
    expect(e).toMatchObject({ hostname: 'ws01', dstPort: 3389, ts: Date.UTC(2024, 2, 3, 10, 15, 42) });
  });

  test('inside Filebeat JSON', () => {
    const e = event(JSON.stringify({ '@timestamp': '2024-03-03T12:00:08Z', host: { name: 'ws02' }, message: TCP_IN }));
    expect(e).toMatchObject({ hostname: 'ws02', dstPort: 3389 });
  });
});

describe('sniff', () => {
  const env = (line: string) => peelEnvelope(line, clock());
  test('leaves other formats alone', () => {
    const others = [
      '2024-03-03 10:15:42 gw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=192.0.2.10 LEN=60 PROTO=TCP SPT=1 DPT=22',
      '2024-03-03T10:15:42+01:00 gw firewall,info drop input: in:ether1 out:(none), proto TCP (SYN), 203.0.113.7:1->192.0.2.10:22, len 60',
      '#Version: 1.0',
      '#Fields: date time s-ip cs-method cs-uri-stem',
      '#fields\tts\tuid\tid.orig_h',
      '#Software: Microsoft Internet Information Services 10.0',
    ];
    for (const l of others) expect(windowsFirewall.sniff(env(l))).toBe(false);
  });
});

test('never throws on cut or damaged lines', () => {
  const dir = path.resolve(__dirname, '../fixtures/windows-firewall');
  const lines = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'));
  const c = clock();
  for (const line of lines) {
    for (let i = 0; i <= line.length; i += 2) {
      for (const l of [line.slice(0, i), line.slice(0, i) + ' ' + line.slice(i), line.slice(0, i) + 'x' + line.slice(i + 1)]) {
        const env = peelEnvelope(l, c);
        if (windowsFirewall.sniff(env)) expect(() => windowsFirewall.parse(env, c)).not.toThrow();
      }
    }
  }
});
