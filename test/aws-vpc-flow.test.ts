import { awsVpcFlow } from '../parsers/aws-vpc-flow';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const V2 = '2 123456789010 eni-0a1b2c3d4e5f60789 203.0.113.7 10.0.1.5 40522 22 6 3 180 1709648521 1709648580 REJECT OK';
const V3_TAIL = 'vpc-0abc subnet-0abc i-0abc 2 IPv4 203.0.113.7 10.0.1.5';

function outcome(line: string): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(awsVpcFlow.sniff(env)).toBe(true);
  return awsVpcFlow.parse(env, c);
}

function event(line: string): FirewallEvent {
  const o = outcome(line);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('aws-vpc-flow parser object', () => {
  test('its example line is an event', () => {
    expect(event(awsVpcFlow.example)).toMatchObject({ action: 'deny', dstPort: 22, count: 3, ts: 1709648521000 });
  });

  test('does not claim other lines that start with a digit', () => {
    for (const line of [
      '1 2024-03-05T14:22:01Z host app - - - hello',
      '2024-03-05 14:22:01 DROP TCP 203.0.113.7 192.0.2.10 1 2 0 - - - - - - - RECEIVE',
      '1709648521.123456\tCabc\t203.0.113.7\t1\t192.0.2.10\t22\ttcp\t-\t-\t-\t-\tS0',
      '5 apples and 3 oranges',
    ]) {
      expect(awsVpcFlow.sniff(peelEnvelope(line, clock()))).toBe(false);
    }
  });
});

describe('layouts', () => {
  test('v2: start → ts, packets → count, protocol number → keyword', () => {
    expect(event(V2)).toMatchObject({
      ts: 1709648521000, count: 3, transport: 'tcp', action: 'deny', srcIp: '203.0.113.7', srcPort: 40522, dstIp: '10.0.1.5', dstPort: 22,
      direction: undefined, inIf: undefined,
    });
  });

  test('v3 all fields: tcp-flags bitmask, instance id as observer', () => {
    const e = event(V2.replace(/^2 /, '3 ') + ' ' + V3_TAIL);
    expect(e).toMatchObject({ tcpFlags: 'SYN', hostname: 'i-0abc' });
  });

  test('v5 all fields: flow-direction and the interface', () => {
    const v5 = (dir: string) => `${V2.replace(/^2 /, '5 ')} ${V3_TAIL} us-east-1 use1-az1 - - - - ${dir} -`;
    expect(event(v5('ingress'))).toMatchObject({ direction: 'inbound', inIf: 'eni-0a1b2c3d4e5f60789', outIf: undefined });
    expect(event(v5('egress'))).toMatchObject({ direction: 'outbound', outIf: 'eni-0a1b2c3d4e5f60789', inIf: undefined });
  });

  test('pkt-srcaddr wins over srcaddr (traffic through a NAT gateway)', () => {
    const line = `3 123456789010 eni-0a1b2c3d4e5f60789 10.0.2.9 10.0.1.5 40001 8080 6 5 400 1709648521 1709648580 ACCEPT OK vpc-0abc subnet-0abc - 2 IPv4 198.51.100.4 10.0.1.5`;
    expect(event(line).srcIp).toBe('198.51.100.4');
  });

  test('tcp-flags 0 says nothing; flags only for tcp', () => {
    expect(event(V2.replace(/^2 /, '3 ') + ' ' + V3_TAIL.replace(' 2 ', ' 0 ')).tcpFlags).toBeUndefined();
    const udp = V2.replace(/^2 /, '3 ').replace(' 6 3 180 ', ' 17 3 180 ') + ' ' + V3_TAIL;
    expect(event(udp)).toMatchObject({ transport: 'udp', tcpFlags: undefined });
  });

  test('same width, other order: bytes ≥ 20 × packets tells packets and bytes apart', () => {
    // The documentation's TCP-flag example order (…protocol bytes packets…).
    const doc = '3 vpc-0abc subnet-0abc i-0abc eni-0a1b2c3d4e5f60789 123456789010 IPv4 198.51.100.90 10.0.1.5 43416 5001 198.51.100.90 10.0.1.5 6 568 8 1709648521 1709648580 ACCEPT 2 OK';
    expect(event(doc)).toMatchObject({ count: 8, dstPort: 5001, tcpFlags: 'SYN' });
  });

  test('ICMP flows carry no ports or type', () => {
    const e = event(V2.replace('40522 22 6', '0 0 1'));
    expect(e).toMatchObject({ transport: 'icmp', srcPort: undefined, dstPort: undefined });
    expect(e.icmpType).toBeUndefined();
  });
});

describe('skips and rejects', () => {
  test('headers, NODATA and SKIPDATA', () => {
    expect(outcome('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status')).toEqual({ kind: 'skip', reason: 'flow log header' });
    expect(outcome('2 123456789010 eni-0a1b2c3d4e5f60789 - - - - - - - 1709648521 1709648580 - NODATA')).toEqual({ kind: 'skip', reason: 'flow log no data' });
    expect(outcome('2 123456789010 eni-0a1b2c3d4e5f60789 - - - - - - - 1709648521 1709648580 - SKIPDATA')).toEqual({ kind: 'skip', reason: 'flow log skipped data' });
  });

  test('an unknown custom order is rejected, not guessed', () => {
    expect(outcome('2 203.0.113.7 10.0.1.5 40522 22 6 1709648521 REJECT')).toEqual({ kind: 'reject', reason: 'unknown field layout' });
  });

  test('a start far from its end is a damaged record', () => {
    expect(outcome(V2.replace('1709648521', '170964852'))).toEqual({ kind: 'reject', reason: 'inconsistent start/end' });
  });
});
