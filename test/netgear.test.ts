import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { netgear } from '../parsers/netgear';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const utc = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const DATE = 'Tuesday, March 05, 2024 19:56:44';

function outcome(line: string, clock = utc()): ParseOutcome {
  const env = peelEnvelope(line, clock);
  expect(netgear.sniff(env)).toBe(true);
  return netgear.parse(env, clock);
}

function event(line: string, clock = utc()): FirewallEvent {
  const o = outcome(line, clock);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('netgear parser object', () => {
  test('its example line is an event', () => {
    expect(event(netgear.example)).toMatchObject({ action: 'deny', srcIp: '203.0.113.5', srcPort: 443, dstIp: '', direction: 'inbound' });
  });

  test('does not claim other bracketed lines', () => {
    for (const line of [
      '[Thu Mar 11 20:05:08 2021] hello',
      '[12345.678] something happened',
      '[info] Tuesday is a nice day',
    ]) {
      expect(netgear.sniff(peelEnvelope(line, utc()))).toBe(false);
    }
  });
});

describe('the stamp at the end', () => {
  test('is local time in --tz', () => {
    const ny = createClock('America/New_York', { fixedYear: 2024, reference: () => 0 });
    expect(event(`[DoS Attack: ACK Scan] from source: 203.0.113.5, port 443, ${DATE}`, ny).ts).toBe(Date.UTC(2024, 2, 6, 0, 56, 44));
  });

  test.each([
    ['Tuesday, March 05, 2024 19:56:44'],
    ['Tuesday, Mar 05,2024 19:56:44'],
    ['Tuesday, March 5, 2024 19:56:44'],
    ['Tuesday,  March 05, 2024 19:56:44  '],
  ])('%s', (stamp) => {
    expect(event(`[DoS Attack: ACK Scan] from source: 203.0.113.5, port 443, ${stamp}`).ts).toBe(Date.UTC(2024, 2, 5, 19, 56, 44));
  });

  test('without it the envelope time is used, and without that the line is rejected', () => {
    expect(event('Mar  5 19:56:44 router [DoS Attack: SYN Flood] from source: 203.0.113.5, port 4444,').ts).toBe(Date.UTC(2024, 2, 5, 19, 56, 44));
    expect(outcome('[DoS Attack: SYN Flood] from source: 203.0.113.5, port 4444,')).toEqual({ kind: 'reject', reason: 'no-timestamp' });
  });
});

describe('attack names', () => {
  test.each([
    ['SYN/ACK Scan', 'tcp', 'ACK SYN', undefined],
    ['ACK Scan', 'tcp', 'ACK', undefined],
    ['RST Scan', 'tcp', 'RST', undefined],
    ['Null Scan', 'tcp', '', undefined],
    ['XMAS Scan', 'tcp', 'URG PSH FIN', undefined],
    ['TCP Port Scan', 'tcp', undefined, undefined],
    ['UDP Port Scan', 'udp', undefined, undefined],
    ['Ascend Kill', 'udp', undefined, undefined],
    ['TCP/UDP Chargen', 'unknown', undefined, 19],
    ['TCP/UDP Echo', 'unknown', undefined, 7],
    ['Something New', 'unknown', undefined, undefined],
  ])('%s → %s %s (destination port %s)', (name, transport, flags, dstPort) => {
    const e = event(`[DoS Attack: ${name}] from source: 203.0.113.5, port 443, ${DATE}`);
    // The router logs the remote's source port; only a service name (chargen, echo) gives the destination.
    expect(e).toMatchObject({ transport, tcpFlags: flags, rule: `DoS Attack: ${name}`, srcPort: 443, dstPort });
  });

  test('ICMP scans have no port', () => {
    expect(event(`[DoS Attack: ICMP Scan] from source: 203.0.113.5, ${DATE}`)).toMatchObject({ transport: 'icmp', srcPort: undefined });
  });

  test('ARP attacks are not IP traffic', () => {
    expect(outcome(`[DoS Attack: ARP Attack] from source: 192.168.1.103, ${DATE}`)).toEqual({ kind: 'skip', reason: 'security-alert' });
  });
});

describe('other lines', () => {
  test('LAN access from remote is an allowed inbound connection with both ends', () => {
    expect(event(`[LAN access from remote] from 198.51.100.7:53211 to 192.168.1.2:22, ${DATE}`)).toMatchObject({
      action: 'allow', srcIp: '198.51.100.7', srcPort: 53211, dstIp: '192.168.1.2', dstPort: 22, transport: 'unknown', direction: 'inbound',
    });
  });

  test.each([
    ['[DHCP IP: 192.168.1.5] to MAC address 00:00:5e:00:53:01,', 'dhcp-message'],
    ['[admin login] from source 192.168.1.104,', 'admin-message'],
    ['[Time synchronized with NTP server]', 'system-message'],
    ['[Internet connected] IP address: 203.0.113.1,', 'system-message'],
    ['[email sent to: owner@example.com]', 'system-message'],
    ['[Site blocked: www.example.com] from source 192.168.1.5,', 'content-filter'],
    ['[Log Cleared]', 'system-message'],
  ])('%s → skip %s', (start, reason) => {
    expect(outcome(`${start} ${DATE}`)).toEqual({ kind: 'skip', reason });
  });
});
