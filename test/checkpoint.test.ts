import { checkpoint } from '../parsers/checkpoint';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const HDR = '<134>1 2024-03-05T14:22:01Z mgmt1 CheckPoint 4321 - ';
const BASE = 'loguid:"{0x1,0x0,0x0,0x1}"; origin:"192.0.2.1"; version:"5"; product:"VPN-1 & FireWall-1"';

function outcome(line: string): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(checkpoint.sniff(env)).toBe(true);
  return checkpoint.parse(env, c);
}

function event(line: string): FirewallEvent {
  const o = outcome(line);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

const rec = (pairs: string) => `${HDR}[${BASE}; ${pairs}]`;
const TUPLE = 'src:"203.0.113.9"; dst:"192.0.2.10"; proto:"6"; s_port:"51515"; service:"23"';

describe('checkpoint parser object', () => {
  test('its example line is an event', () => {
    expect(event(checkpoint.example)).toMatchObject({ action: 'deny', direction: 'inbound', dstPort: 23, rule: 'Cleanup rule' });
  });

  test('does not claim other structured data or key=value lines', () => {
    for (const line of [
      '<134>1 2024-03-05T14:22:01Z host app 1 - [meta sequenceId="1"] hello',
    ]) {
      expect(checkpoint.sniff(peelEnvelope(line, clock()))).toBe(false);
    }
  });
});

describe('pair splitting', () => {
  test('escaped quotes and brackets, double-colon keys, first of repeated keys', () => {
    const e = event(rec(`action:"Accept"; __policy_id_tag:"product=x[db_tag={A};policy_name=Std\\]"; note::"a \\"b\\""; rule_name:"first"; rule_name:"second"; ${TUPLE}`));
    expect(e.rule).toBe('first');
    expect(e.srcIp).toBe('203.0.113.9');
  });

  test('pairs left in the message by a relay are read there', () => {
    const e = event(`Mar  5 14:22:09 relay1 1 2024-03-05T14:22:05Z mgmt1 CheckPoint 4321 - [${BASE}; action:"Drop"; ${TUPLE}]`);
    expect(e).toMatchObject({ action: 'deny', ts: Date.UTC(2024, 2, 5, 14, 22, 9) });
  });

  test('a record without the closing bracket is still complete', () => {
    expect(event(`${HDR}[${BASE}; action:"Accept"; ${TUPLE};`).dstPort).toBe(23);
  });

  test('a record cut inside a value is truncated', () => {
    expect(outcome(`${HDR}[${BASE}; action:"Drop"; dst:"192.0.2.10"; layer_name:"Netw`)).toEqual({ kind: 'reject', reason: 'truncated' });
  });
});

describe('fields', () => {
  test('time: the time key wins over the header', () => {
    expect(event(rec(`action:"Drop"; time:"1709650000"; ${TUPLE}`)).ts).toBe(1709650000 * 1000);
    expect(event(rec(`action:"Drop"; ${TUPLE}`)).ts).toBe(Date.UTC(2024, 2, 5, 14, 22, 1));
  });

  test('ifdir places the interface; it is not a network direction', () => {
    const e = event(rec(`action:"Accept"; ifdir:"inbound"; ifname:"eth1"; conn_direction:"Outgoing"; ${TUPLE}`));
    expect(e).toMatchObject({ inIf: 'eth1', outIf: undefined, direction: 'outbound' });
    const o = event(rec(`action:"Accept"; ifdir:"outbound"; ifname:"eth0"; ${TUPLE}`));
    expect(o).toMatchObject({ inIf: undefined, outIf: 'eth0', direction: undefined });
  });

  test.each([
    ['External', 'Internal', 'inbound'],
    ['Local', 'External', 'outbound'],
    ['Internal', 'DMZ', 'internal'],
    // The one zone rule (parsers/lib/zones.ts): outside → outside gives no evidence, the
    // classifier decides from the home networks; one named side against an unnamed one is enough.
    ['External', 'External', undefined],
    ['External', 'Guest', 'inbound'],
    ['Guest', 'External', 'outbound'],
    ['Guest', 'Internal', undefined],
  ])('zones %s → %s give %s', (a, b, dir) => {
    expect(event(rec(`action:"Drop"; inzone:"${a}"; outzone:"${b}"; ${TUPLE}`)).direction).toBe(dir);
  });

  test('conn_direction is the gateway\'s own word and wins over the zones, External included', () => {
    expect(event(rec(`action:"Drop"; conn_direction:"External"; inzone:"External"; outzone:"Internal"; ${TUPLE}`)).direction).toBe('external');
  });

  test('ICMP type and code, IPv6 ICMP', () => {
    const e = event(rec('action:"Drop"; src:"2001:db8::1"; dst:"2001:db8::2"; proto:"58"; icmp_type:"128"; icmp_code:"0"'));
    expect(e).toMatchObject({ transport: 'ipv6-icmp', icmpType: 128, icmpCode: 0, srcPort: undefined });
  });

  test('tcp_flags words', () => {
    expect(event(rec(`action:"Drop"; tcp_flags:"FIN-ACK"; ${TUPLE}`)).tcpFlags).toBe('ACK FIN');
    expect(event(rec(`action:"Drop"; tcp_flags:"PUSH-ACK"; ${TUPLE}`)).tcpFlags).toBe('ACK PSH');
  });

  test.each([
    ['Accept', 'allow'], ['Drop', 'deny'], ['Reject', 'deny'], ['Decrypt', 'allow'], ['Detect', 'unknown'],
  ])('action %s → %s', (a, want) => {
    expect(event(rec(`action:"${a}"; ${TUPLE}`)).action).toBe(want);
  });
});

describe('skips and rejects', () => {
  test.each([
    ['product:"System Monitor"; sys_message::"x"', 'system-message'],
    [`action:"Key Install"; vpn_feature_name:"IKE"; ${TUPLE}`, 'vpn-message'],
    [`action:"Reject"; ike::"Main Mode failed"; ${TUPLE}`, 'vpn-message'],
    [`action:"Drop"; ${TUPLE}; product:"SmartDefense"`, 'security-alert'],
    ['action:"Accept"; product:"Log Update"; packets:"3"', 'session-update'],
  ])('%s → skip %s', (pairs, reason) => {
    expect(outcome(`${HDR}[${pairs}; loguid:"{0x1}"; origin:"192.0.2.1"]`)).toEqual({ kind: 'skip', reason });
  });

  test('an optimized-drop record has no single tuple', () => {
    expect(outcome(rec('action:"Drop"; packets:" <203.0.113.1,1,192.0.2.1,23,6;eth1> <203.0.113.1,2,192.0.2.2,23,6;eth1>"'))).toEqual({
      kind: 'reject', reason: 'aggregated-record',
    });
  });
});
