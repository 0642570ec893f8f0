import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { sonicwall } from '../parsers/sonicwall';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const utc = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const HEAD = 'id=firewall sn=0017C5000001 fw=203.0.113.1 pri=5';

function outcome(line: string, clock = utc()): ParseOutcome {
  const env = peelEnvelope(line, clock);
  expect(sonicwall.sniff(env)).toBe(true);
  return sonicwall.parse(env, clock);
}

function event(line: string, clock = utc()): FirewallEvent {
  const o = outcome(line, clock);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('sonicwall parser object', () => {
  test('its example line is an event', () => {
    const e = event(sonicwall.example);
    expect(e).toMatchObject({ action: 'deny', transport: 'tcp', srcIp: '198.51.100.7', dstPort: 23, direction: undefined });
  });

  test('does not claim other key=value formats or plain syslog', () => {
    for (const line of [
      'date=2024-03-05 time=14:22:01 devname="fg1" type="traffic" srcip=203.0.113.7 dstip=192.0.2.10 action="deny"',
      'Mar  5 14:22:01 host sshd[1]: id=42 accepted',
    ]) {
      expect(sonicwall.sniff(peelEnvelope(line, utc()))).toBe(false);
    }
  });
});

describe('time', () => {
  const line = (t: string) => `${HEAD} time="${t}" c=64 m=36 msg="TCP connection dropped" src=198.51.100.7:1:WAN dst=192.0.2.10:23:LAN`;

  test('a stamp without zone is local time in --tz', () => {
    const berlin = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(event(line('2024-03-05 14:22:01'), berlin).ts).toBe(Date.UTC(2024, 2, 5, 13, 22, 1));
  });

  test('UTC and numeric offsets are honoured whatever --tz says', () => {
    const berlin = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(event(line('2024-03-05 14:22:01 UTC'), berlin).ts).toBe(Date.UTC(2024, 2, 5, 14, 22, 1));
    expect(event(line('2024-03-05 14:22:01 -05:00'), berlin).ts).toBe(Date.UTC(2024, 2, 5, 19, 22, 1));
  });

  test('the device stamp wins over the syslog header stamp', () => {
    expect(event(`Jan  3 13:45:36 192.0.2.1 ${line('2024-03-05 14:22:01')}`).ts).toBe(Date.UTC(2024, 2, 5, 14, 22, 1));
  });
});

describe('endpoints and direction', () => {
  const base = `${HEAD} time="2024-03-05 14:22:01 UTC" c=262144 m=98 msg="Connection Opened"`;

  test('an empty port and a VLAN sub-interface', () => {
    const e = event(`${base} src=10.12.14.9::X0-V500 dst=198.51.100.4::X3 proto=icmp`);
    expect(e).toMatchObject({ transport: 'icmp', srcPort: undefined, inIf: 'X0-V500', outIf: 'X3', inZone: undefined });
  });

  test('a hostname appended to the endpoint is not taken for a zone', () => {
    const e = event(`${base} src=192.168.0.62:54993:X0:pc1.example.com dst=198.51.100.49:443:X1:example.net proto=tcp/https`);
    expect(e).toMatchObject({ srcPort: 54993, dstPort: 443, inIf: 'X0', outIf: 'X1', inZone: undefined, outZone: undefined });
  });

  test('IPv6 comes from srcV6/dstV6', () => {
    const e = event(`${base} srcV6=2001:db8:0:0::7 src=:5000:X1 dstV6=2001:db8::10 dst=:22:X0 proto=tcp/ssh`);
    expect(e).toMatchObject({ srcIp: '2001:db8::7', dstIp: '2001:db8::10', srcPort: 5000, dstPort: 22 });
  });

  test.each([
    ['WAN', 'LAN', 'inbound'],
    ['LAN', 'WAN', 'outbound'],
    ['LAN', 'DMZ', 'internal'],
    ['VPN', 'LAN', undefined],
  ])('zones %s → %s give %s', (a, b, dir) => {
    const e = event(`${base} src=198.51.100.7:1:X1 dst=192.0.2.10:23:X0 proto=tcp srcZone=${a} dstZone=${b}`);
    expect(e.direction).toBe(dir);
  });

  test('WAN to WAN is inbound when the destination is the firewall itself, else no evidence (the classifier decides)', () => {
    expect(event(`${base} src=198.51.100.7:1:WAN dst=203.0.113.1:443:WAN proto=tcp`).direction).toBe('inbound');
    expect(event(`${base} src=203.0.113.1:1:WAN dst=198.51.100.7:443:WAN proto=tcp`).direction).toBe('outbound');
    expect(event(`${base} src=198.51.100.7:1:WAN dst=198.51.100.8:443:WAN proto=tcp`).direction).toBeUndefined();
  });

  test('zones from a rule named (A->B) when the endpoints carry interfaces', () => {
    const e = event(`${base} src=192.168.1.5:1:X0 dst=198.51.100.8:443:X1 proto=tcp rule="17 (LAN->WAN)"`);
    expect(e).toMatchObject({ inZone: 'LAN', outZone: 'WAN', direction: 'outbound', rule: '17 (LAN->WAN)' });
  });
});

describe('which messages are traffic', () => {
  const at = (m: number, c: number, extra = '') =>
    `${HEAD} time="2024-03-05 14:22:01 UTC" c=${c} m=${m} msg="x" src=198.51.100.7:1:X1 dst=192.0.2.10:23:X0 ${extra}`;

  test('the protocol of a drop message without proto= comes from its id', () => {
    expect(event(at(36, 64)).transport).toBe('tcp');
    expect(event(at(37, 128)).transport).toBe('udp');
    expect(event(at(580, 32)).tcpFlags).toBe('SYN FIN');
  });

  test('fw_action overrides the id', () => {
    expect(event(at(98, 262144, 'proto=tcp fw_action="drop"')).action).toBe('deny');
    expect(event(at(98, 262144, 'proto=tcp fw_action="NA"')).action).toBe('allow');
  });

  test('an unlisted id counts only with a verdict or a dropped-packet category', () => {
    expect(outcome(at(4242, 128, 'proto=udp')).kind).toBe('event');
    expect(outcome(at(4242, 1, 'proto=udp'))).toEqual({ kind: 'skip', reason: 'system-message' });
  });

  test('NAT mapping notes repeat a connection and are skipped', () => {
    expect(outcome(at(1197, 0, 'proto=icmp'))).toEqual({ kind: 'skip', reason: 'nat-mapping' });
  });
});
