import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { zyxel } from '../parsers/zyxel';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const OLD = 'Mar  5 11:28:39 192.168.10.1 ZyXEL Communications Corp.: ';
const NEW = '<132>Mar  5 14:22:01 zywall ';

function outcome(line: string): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(zyxel.sniff(env)).toBe(true);
  return zyxel.parse(env, c);
}

function event(line: string): FirewallEvent {
  const o = outcome(line);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('zyxel parser object', () => {
  test('its example line is an event', () => {
    expect(event(zyxel.example)).toMatchObject({ action: 'deny', transport: 'tcp', dstPort: 23, direction: 'inbound' });
  });

  test('does not claim other key=value formats', () => {
    for (const line of [
      'Mar  5 14:22:01 fw id=firewall sn=1 time="2024-03-05 14:22:01" c=64 m=36 msg="x" src=198.51.100.1:1:WAN dst=192.0.2.1:2:LAN',
      'date=2024-03-05 time=14:22:01 devname="fg1" srcip=203.0.113.7 dstip=192.0.2.10 action="deny"',
      'Mar  5 14:22:01 host app: user said src="a" dst="b"',
    ]) {
      expect(zyxel.sniff(peelEnvelope(line, clock()))).toBe(false);
    }
  });
});

describe('ZyNOS filter log', () => {
  test('hex ports and the S/R/m/action trailer', () => {
    expect(event(`${OLD}IP[Src=203.0.113.9 Dst=192.168.10.10 TCP spo=0bd1 dpo=0017]}S04>R01mD`)).toMatchObject({
      action: 'deny', transport: 'tcp', srcPort: 3025, dstPort: 23, rule: 'S04>R01', ts: Date.UTC(2024, 2, 5, 11, 28, 39),
    });
  });

  test.each([
    ['mF', 'allow'],
    ['mD', 'deny'],
    ['nN', 'unknown'],
  ])('%s → %s', (code, action) => {
    expect(event(`${OLD}IP[Src=203.0.113.9 Dst=192.168.10.10 UDP spo=ea7d dpo=0035]}S03>R02${code}`).action).toBe(action);
  });

  test('ICMP carries no ports; a cut line is rejected', () => {
    expect(event(`${OLD}IP[Src=203.0.113.9 Dst=192.168.10.10 ICMP]}S04>R02mD`)).toMatchObject({ transport: 'icmp', srcPort: undefined });
    expect(outcome(`${OLD}IP[Src=203.0.113.9 Dst=192.168.10.10 TCP spo=0b`)).toEqual({ kind: 'reject', reason: 'truncated' });
  });
});

describe('key=value logs', () => {
  const kv = (fields: string) => `${NEW}${fields} devID="00a0c5000001"`;

  test('ZyNOS: protocol and zones from msg, action from note', () => {
    expect(event(kv('src="192.168.1.33:1029" dst="198.51.100.53:53" msg="Firewall rule match: UDP (LAN to WAN, rule:3)" note="ACCESS FORWARD" cat="Firewall"'))).toMatchObject({
      action: 'allow', transport: 'udp', srcPort: 1029, dstPort: 53, inZone: 'LAN', outZone: 'WAN', direction: 'outbound', rule: 'rule:3',
    });
  });

  test('ZyNOS ICMP: type and code from msg; to the device itself is inbound', () => {
    expect(event(kv('src="198.51.100.70:0" dst="203.0.113.1:0" msg="Firewall default policy: ICMP (WAN to WAN/ZyWALL, type:3, code:1)" note="ACCESS BLOCK" cat="Access Control"'))).toMatchObject({
      transport: 'icmp', icmpType: 3, icmpCode: 1, srcPort: undefined, direction: 'inbound',
    });
  });

  test('ZLD: protoID wins over the service name in proto=, dir= gives the zones', () => {
    expect(event(kv('src="203.0.113.10:51234" dst="203.0.113.1:23" msg="priority:1, from WAN to ZyWALL, TCP, service Telnet, DROP" note="ACCESS BLOCK" cat="Security Policy Control" dir="WAN:ZyWALL" protoID=6 proto="Telnet"'))).toMatchObject({
      action: 'deny', transport: 'tcp', inZone: 'WAN', outZone: 'ZyWALL', direction: 'inbound', rule: 'priority:1',
    });
  });

  test('ZLD without note: the verdict that ends msg', () => {
    expect(event(kv('src="192.168.1.4:5000" dst="198.51.100.9:80" msg="priority:2, from LAN1 to WAN, TCP, service HTTP, ACCEPT" cat="Security Policy Control" protoID=6')).action).toBe('allow');
  });

  test('IPv6 in brackets', () => {
    expect(event(kv('src="[2001:db8::9]:40001" dst="[2001:db8::1]:22" msg="x" note="ACCESS BLOCK" cat="Firewall" protoID=6'))).toMatchObject({
      srcIp: '2001:db8::9', srcPort: 40001, dstIp: '2001:db8::1', dstPort: 22,
    });
  });

  test.each([
    ['System', 'system-message'],
    ['IKE', 'vpn-message'],
    ['User', 'admin-message'],
    ['Content Filter', 'content-filter'],
    ['Anything Else', 'system-message'],
  ])('cat=%s → skip %s', (cat, reason) => {
    expect(outcome(kv(`src="0.0.0.0:0" dst="0.0.0.0:0" msg="x" note="y" cat="${cat}"`))).toEqual({ kind: 'skip', reason });
  });
});
