import * as fs from 'fs';
import * as path from 'path';
import { ciscoIos } from '../parsers/cisco-ios';
import { peelEnvelope } from '../parsers/envelope/peel';
import { ciscoStamp } from '../parsers/lib/device-time';
import { parseEvent as event, parseLine as run, utc } from './helpers/parse';

describe('cisco-ios', () => {
  test('the example line parses', () => {
    expect(event(ciscoIos.example)).toMatchObject({ action: 'deny', transport: 'tcp', dstPort: 23, rule: '101', format: 'cisco-ios' });
  });

  test('an unset router clock (`*`) loses to the relay stamp, but is used when nothing else is there', () => {
    const relayed = event('Mar  1 18:46:12 192.0.2.254 124: *Mar  1 18:46:11.623: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(1) -> 192.0.2.10(23), 1 packet');
    expect(relayed.ts).toBe(Date.UTC(2024, 2, 1, 18, 46, 12));
    const bare = event('000123: *Mar  1 18:46:11.123: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(1) -> 192.0.2.10(23), 1 packet');
    expect(bare.ts).toBe(Date.UTC(2024, 2, 1, 18, 46, 11, 123));
  });

  test('a set router clock with a zone wins over the relay', () => {
    const e = event('Mar  5 11:02:00 rtr1 134: Mar  5 2024 06:01:59.000 EST: %SEC-6-IPACCESSLOGP: list 101 denied udp 203.0.113.11(53) -> 192.0.2.22(1900), 1 packet');
    expect(e.ts).toBe(Date.UTC(2024, 2, 5, 11, 1, 59));
    expect(ciscoStamp('*Mar  1 00:00:01.000', utc())).toMatchObject({ unsynced: true });
  });

  test('log-input: interface and previous-hop MAC; packet count', () => {
    const e = event('Mar  4 09:00:00 rtr1 125: Mar  4 2024 08:59:59.100 UTC: %SEC-6-IPACCESSLOGDP: list 100 denied icmp 203.0.113.8 (GigabitEthernet0/0 0011.2233.4455) -> 192.0.2.10 (3/13), 5 packets');
    expect(e).toMatchObject({ inIf: 'GigabitEthernet0/0', srcMac: '00-11-22-33-44-55', icmpType: 3, icmpCode: 13, count: 5 });
  });

  test('IPv6 addresses are normalized and icmpv6 is ipv6-icmp', () => {
    const e = event('Mar  4 10:04:00 rtr1 130: Mar  4 10:03:59.000: %IPV6_ACL-6-ACCESSLOGDP: list V6 permitted icmpv6 2001:DB8:0:1::5 -> 2001:DB8::10 (128/0), 1 packet');
    expect(e).toMatchObject({ srcIp: '2001:db8:0:1::5', dstIp: '2001:db8::10', transport: 'ipv6-icmp', icmpType: 128 });
  });

  test('standard ACLs have no destination; rate-limit notices are skips', () => {
    expect(run('Mar  6 08:00:01 rtr1 201: Mar  6 08:00:01.000: %SEC-6-IPACCESSLOGS: list 10 denied 203.0.113.50 3 packets')).toEqual({ kind: 'reject', reason: 'no-addresses' });
    expect(run('Mar  6 08:00:00 rtr1 %SEC-6-IPACCESSLOGRL: access-list logging rate-limited or missed 42 packets')).toEqual({ kind: 'skip', reason: 'device-lost-records' });
  });

  test('sniff ignores other IOS messages and ASA lines; parse never throws on cut-off lines', () => {
    const clock = utc();
    expect(ciscoIos.sniff(peelEnvelope('Mar  6 08:00:06 rtr1 %SYS-5-CONFIG_I: Configured from console', clock))).toBe(false);
    const dir = path.resolve(__dirname, '../fixtures/cisco-ios');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        for (let cut = 1; cut < line.length; cut += 5) {
          const env = peelEnvelope(line.slice(0, cut), clock);
          if (ciscoIos.sniff(env)) expect(['event', 'skip', 'reject']).toContain(ciscoIos.parse(env, clock).kind);
        }
      }
    }
  });
});
