import { awsVpcFlow } from '../parsers/aws-vpc-flow';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import * as fs from 'fs';
import * as path from 'path';
import { parseRecord } from '../parsers/index';
import type { FirewallEvent, ParseOutcome, SourceState } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const V2 = '2 123456789010 eni-0a1b2c3d4e5f60789 203.0.113.7 10.0.1.5 40522 22 6 3 180 1709648521 1709648580 REJECT OK';
const V3_TAIL = 'vpc-0abc subnet-0abc i-0abc 2 IPv4 203.0.113.7 10.0.1.5';

function outcome(line: string, state?: SourceState): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(awsVpcFlow.sniff(env)).toBe(true);
  return awsVpcFlow.parse(env, c, state);
}

/** The lines of one source, in order, through one state. */
function feed(lines: string[], state: SourceState = new Map()): ParseOutcome[] {
  return lines.map((l) => outcome(l, state));
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

describe('the header line decides the columns', () => {
  const HEADER = 'srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction interface-id tcp-flags';
  const ROW = '203.0.113.50 10.0.1.5 40700 22 6 2 120 1709650000 1709650060 REJECT OK ingress eni-0a1b2c3d4e5f60789 2';

  test('the header is a skip that keeps its field list in the state', () => {
    const state: SourceState = new Map();
    expect(feed([HEADER], state)).toEqual([{ kind: 'skip', reason: 'log-header' }]);
    expect(state.get('aws-vpc-flow.fields')).toEqual(HEADER.split(' '));
    expect([...state.keys()].every((k) => k.startsWith('aws-vpc-flow.'))).toBe(true);
  });

  test('header then data: a custom order no known layout has', () => {
    expect(feed([HEADER, ROW])[1]).toMatchObject({
      kind: 'event',
      event: { ts: 1709650000000, action: 'deny', srcIp: '203.0.113.50', srcPort: 40700, dstPort: 22, count: 2, tcpFlags: 'SYN', direction: 'inbound', inIf: 'eni-0a1b2c3d4e5f60789' },
    });
  });

  test('a reduced custom format: version first, no end, pkt-srcaddr', () => {
    const out = feed(['version start srcaddr dstaddr srcport dstport protocol action pkt-srcaddr', '5 1709650500 10.0.2.9 10.0.1.5 40001 8080 6 ACCEPT 203.0.113.54']);
    expect(out[1]).toMatchObject({ kind: 'event', event: { ts: 1709650500000, action: 'allow', srcIp: '203.0.113.54', dstPort: 8080, count: undefined } });
  });

  test('${field} names, as in the format definition', () => {
    const state: SourceState = new Map();
    feed(['${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${action} ${log-status}'], state);
    expect(state.get('aws-vpc-flow.fields')).toEqual(['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'start', 'action', 'log-status']);
    expect(feed(['203.0.113.7 10.0.1.5 40522 22 6 1709648521 REJECT OK'], state)[0]).toMatchObject({ kind: 'event', event: { dstPort: 22 } });
  });

  test('a custom order that opens with the interface id', () => {
    const out = feed(['interface-id srcaddr dstaddr srcport dstport protocol start end action', 'eni-0a1b2c3d4e5f60789 203.0.113.7 10.0.1.5 40522 22 6 1709648521 1709648580 REJECT']);
    expect(out[1]).toMatchObject({ kind: 'event', event: { action: 'deny', srcIp: '203.0.113.7', dstPort: 22 } });
  });

  test('a record whose column count differs from the header is rejected', () => {
    expect(feed([HEADER, ROW.replace(/ 2$/, '')])[1]).toEqual({ kind: 'reject', reason: 'columns-mismatch' });
    expect(feed([HEADER, `${ROW} 7`])[1]).toEqual({ kind: 'reject', reason: 'columns-mismatch' });
  });

  test('a value that does not fit its declared column is rejected by the column name', () => {
    expect(feed([HEADER, ROW.replace('REJECT', 'DENY')])[1]).toEqual({ kind: 'reject', reason: 'bad-field', detail: 'action' });
    expect(feed([HEADER, ROW.replace('203.0.113.50', '203.0.113.500')])[1]).toEqual({ kind: 'reject', reason: 'bad-field', detail: 'srcaddr' });
  });

  test('NODATA under a header', () => {
    expect(feed([HEADER, '- - - - - - - 1709650100 1709650160 - NODATA - eni-0a1b2c3d4e5f60789 -'])[1]).toEqual({ kind: 'skip', reason: 'no-flow-data' });
  });

  test('no header seen: the default v2 and the known layouts remain', () => {
    expect(feed([V2])[0]).toMatchObject({ kind: 'event', event: { dstPort: 22, count: 3 } });
    expect(feed(['2 203.0.113.7 10.0.1.5 40522 22 6 1709648521 REJECT'])[0]).toEqual({ kind: 'reject', reason: 'unknown-layout' });
    expect(feed([ROW])[0]).toEqual({ kind: 'reject', reason: 'unknown-layout' });
  });

  test('the default header reads the v2 records as before', () => {
    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
    expect(feed([header, V2])[1]).toEqual(outcome(V2));
  });

  test('auto-detection claims reordered records, and parseRecord hands them the state', () => {
    const c = clock();
    const state: SourceState = new Map();
    expect(parseRecord(HEADER, c, undefined, undefined, state).outcome).toEqual({ kind: 'skip', reason: 'log-header' });
    const r = parseRecord(ROW, c, undefined, undefined, state);
    expect(r.parser?.id).toBe('aws-vpc-flow');
    expect(r.outcome).toMatchObject({ kind: 'event', event: { dstPort: 22 } });
  });

  test('sniff reads the content, not the positions', () => {
    const sniff = (l: string) => awsVpcFlow.sniff(peelEnvelope(l, clock()));
    expect(sniff(ROW)).toBe(true);
    expect(sniff('- - - - - - - 1709650100 1709650160 - NODATA - eni-0a1b2c3d4e5f60789 -')).toBe(true);
    expect(sniff(HEADER)).toBe(true);
    // no action / status / interface, no epoch time, or key=value and syslog shapes
    expect(sniff('203.0.113.50 10.0.1.5 40700 22 6 2 120 1709650000 1709650060')).toBe(false);
    expect(sniff('203.0.113.50 10.0.1.5 40700 22 REJECT')).toBe(false);
    expect(sniff('source address srcaddr was seen')).toBe(false);
  });

  test('damaged records under a header never throw', () => {
    const file = path.resolve(__dirname, '../fixtures/aws-vpc-flow/custom-header.log');
    const c = clock();
    const state: SourceState = new Map([['aws-vpc-flow.fields', HEADER.split(' ')]]);
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      for (let i = 0; i <= line.length; i += 3) {
        for (const l of [line.slice(0, i), line.slice(0, i) + ' ' + line.slice(i), line.slice(0, i) + 'x' + line.slice(i + 1)]) {
          const env = peelEnvelope(l, c);
          if (awsVpcFlow.sniff(env)) expect(() => awsVpcFlow.parse(env, c, state)).not.toThrow();
        }
      }
    }
  });
});

describe('skips and rejects', () => {
  test('headers, NODATA and SKIPDATA', () => {
    expect(outcome('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status')).toEqual({ kind: 'skip', reason: 'log-header' });
    expect(outcome('2 123456789010 eni-0a1b2c3d4e5f60789 - - - - - - - 1709648521 1709648580 - NODATA')).toEqual({ kind: 'skip', reason: 'no-flow-data' });
    expect(outcome('2 123456789010 eni-0a1b2c3d4e5f60789 - - - - - - - 1709648521 1709648580 - SKIPDATA')).toEqual({ kind: 'skip', reason: 'device-lost-records' });
  });

  test('an unknown custom order is rejected, not guessed', () => {
    expect(outcome('2 203.0.113.7 10.0.1.5 40522 22 6 1709648521 REJECT')).toEqual({ kind: 'reject', reason: 'unknown-layout' });
  });

  test('a start far from its end is a damaged record', () => {
    expect(outcome(V2.replace('1709648521', '170964852'))).toEqual({ kind: 'reject', reason: 'bad-timestamp' });
  });
});
