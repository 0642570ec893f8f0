import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { zeekConn } from '../parsers/zeek-conn';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const clock = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

/** A TSV row in the default field order; override columns by name. */
function row(o: Partial<Record<string, string>> = {}): string {
  const v = {
    ts: '1709648521.123456', uid: 'CAbc', oh: '203.0.113.7', op: '40522', rh: '192.0.2.10', rp: '22', proto: 'tcp', service: '-',
    duration: '-', ob: '-', rb: '-', state: 'S0', lo: 'F', lr: 'T', missed: '0', history: 'S', opk: '2', oib: '88', rpk: '0', rib: '0', tp: '-',
    ...o,
  };
  return [v.ts, v.uid, v.oh, v.op, v.rh, v.rp, v.proto, v.service, v.duration, v.ob, v.rb, v.state, v.lo, v.lr, v.missed, v.history, v.opk, v.oib, v.rpk, v.rib, v.tp].join('\t');
}

function outcome(line: string): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(zeekConn.sniff(env)).toBe(true);
  return zeekConn.parse(env, c);
}

function event(line: string): FirewallEvent {
  const o = outcome(line);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('zeek-conn parser object', () => {
  test('its example line is an event', () => {
    expect(event(zeekConn.example)).toMatchObject({ action: 'unknown', dstPort: 22, direction: 'inbound', tcpFlags: 'SYN', count: 2 });
  });

  test('does not claim other Zeek logs or other tab-separated lines', () => {
    const dns = ['1709648521.1', 'Cx', '192.0.2.10', '5353', '198.51.100.53', '53', 'udp', '4242', '0.01', 'example.com', '1', 'C_INTERNET', '1', 'A', '0', 'NOERROR', 'F', 'F', 'T', 'T', '0', '-', '-', 'F'].join('\t');
    for (const line of [dns, '2024-03-05 14:22:01 -05:00\t0\t1\t203.0.113.7\t1\t192.0.2.10\t23\tTCP\tS', '#comment', '{"message_type":"x"}']) {
      expect(zeekConn.sniff(peelEnvelope(line, clock()))).toBe(false);
    }
  });
});

describe('time', () => {
  test('TSV ts is exact to the millisecond', () => {
    expect(event(row({ ts: '1709648521.999999' })).ts).toBe(1709648521999);
    expect(event(row({ ts: '1709648522' })).ts).toBe(1709648522000);
  });

  test('JSON float seconds do not lose a millisecond to rounding', () => {
    const j = (ts: string) => `{"ts":${ts},"id.orig_h":"203.0.113.7","id.orig_p":1,"id.resp_h":"192.0.2.10","id.resp_p":22,"proto":"tcp","conn_state":"S0"}`;
    expect(event(j('1547188415.857497')).ts).toBe(1547188415857);
    expect(event(j('"2021-06-09T20:55:13.160328Z"')).ts).toBe(Date.UTC(2021, 5, 9, 20, 55, 13, 160));
  });
});

describe('fields', () => {
  test.each([
    ['T', 'F', 'outbound'],
    ['F', 'T', 'inbound'],
    ['T', 'T', 'internal'],
    ['F', 'F', 'external'],
    ['-', '-', undefined],
  ])('local_orig %s local_resp %s → %s', (lo, lr, dir) => {
    expect(event(row({ lo, lr })).direction).toBe(dir);
  });

  test.each([
    ['REJ', 'deny'],
    ['S0', 'unknown'],
    ['SF', 'unknown'],
    ['RSTO', 'unknown'],
  ])('conn_state %s → %s', (state, action) => {
    expect(event(row({ state })).action).toBe(action);
  });

  test.each([
    ['S', 'SYN'],
    ['ShADadFf', 'SYN'],
    ['^hA', 'ACK'],
    ['R', 'RST'],
    ['Dd', undefined],
    ['-', undefined],
  ])('history %s → flags %s', (history, flags) => {
    expect(event(row({ history })).tcpFlags).toBe(flags);
  });

  test('ICMP ports are type and code; IPv6 ICMP gets its own keyword', () => {
    expect(event(row({ proto: 'icmp', op: '8', rp: '0' }))).toMatchObject({ transport: 'icmp', icmpType: 8, icmpCode: 0, srcPort: undefined });
    expect(event(row({ proto: 'icmp', oh: '2001:db8::1', rh: '2001:db8::2', op: '135', rp: '0' })).transport).toBe('ipv6-icmp');
  });

  test('count is the originator packets, at least one', () => {
    expect(event(row({ opk: '82' })).count).toBe(82);
    expect(event(row({ opk: '0' })).count).toBeUndefined();
  });

  test('nested id object in JSON', () => {
    const e = event('{"ts":1709648521,"id":{"orig_h":"203.0.113.7","orig_p":1,"resp_h":"192.0.2.10","resp_p":23},"proto":"tcp","conn_state":"REJ"}');
    expect(e).toMatchObject({ srcIp: '203.0.113.7', dstPort: 23, action: 'deny' });
  });
});

describe('skips and rejects', () => {
  test('header lines', () => {
    for (const h of ['#separator \\x09', '#fields\tts\tuid', '#types\ttime\tstring', '#close\t2024-03-05-15-00-00']) {
      expect(outcome(h)).toEqual({ kind: 'skip', reason: 'zeek header' });
    }
  });

  test('unknown_transport and bad values', () => {
    expect(outcome(row({ proto: 'unknown_transport', state: 'OTH' }))).toEqual({ kind: 'reject', reason: 'unknown transport' });
    expect(outcome(row({ op: '70000' }))).toEqual({ kind: 'reject', reason: 'bad port' });
    expect(outcome(row({ oh: '203.0.113.300' }))).toEqual({ kind: 'reject', reason: 'bad address' });
  });
});
