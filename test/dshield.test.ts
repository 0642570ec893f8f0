import { createClock } from '../parsers/clock';
import { dshield } from '../parsers/dshield';
import { peelEnvelope } from '../parsers/envelope/peel';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const utc = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const line = (date: string, rest = '0\t1\t203.0.113.7\t40522\t192.0.2.10\t23\tTCP\tS') => `${date}\t${rest}`;

function outcome(l: string, clock = utc()): ParseOutcome {
  const env = peelEnvelope(l, clock);
  expect(dshield.sniff(env)).toBe(true);
  return dshield.parse(env, clock);
}

function event(l: string, clock = utc()): FirewallEvent {
  const o = outcome(l, clock);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(o)}`);
  return o.event;
}

describe('dshield parser object', () => {
  test('its example line is an event', () => {
    expect(event(dshield.example)).toMatchObject({ action: 'deny', ts: Date.UTC(2024, 2, 5, 19, 22, 1), tcpFlags: 'SYN', dstPort: 23 });
  });

  test('the envelope takes the stamp for a relay prefix; the parser reads the raw line', () => {
    const env = peelEnvelope(dshield.example, utc());
    expect(env.message).not.toContain('203.0.113.7');
    expect(dshield.sniff(env)).toBe(true);
  });

  test('does not claim other tab-separated lines', () => {
    for (const l of ['1709648521.1\tCabc\t203.0.113.7\t1\t192.0.2.10\t22\ttcp', '2024-03-05 14:22:01 host app: hello\tworld', '#fields\tts']) {
      expect(dshield.sniff(peelEnvelope(l, utc()))).toBe(false);
    }
  });
});

describe('date and zone', () => {
  test.each([
    ['2024-03-05 14:22:01 -05:00', Date.UTC(2024, 2, 5, 19, 22, 1)],
    ['2024-03-05 14:22:01 +0130', Date.UTC(2024, 2, 5, 12, 52, 1)],
    ['2024-03-05 14:22:01 UTC', Date.UTC(2024, 2, 5, 14, 22, 1)],
    ['2024-03-05 14:22:01 EST', Date.UTC(2024, 2, 5, 19, 22, 1)],
  ])('%s', (date, ts) => {
    expect(event(line(date)).ts).toBe(ts);
  });

  test('no zone: local time in --tz', () => {
    const tokyo = createClock('Asia/Tokyo', { fixedYear: 2024, reference: () => 0 });
    expect(event(line('2024-03-05 14:22:01'), tokyo).ts).toBe(Date.UTC(2024, 2, 5, 5, 22, 1));
  });
});

describe('fields', () => {
  test('count, protocol number, flag letters in any order', () => {
    expect(event(line('2024-03-05 14:22:01 Z', '0\t7\t203.0.113.7\t1\t192.0.2.10\t80\t6\tAS'))).toMatchObject({ count: 7, transport: 'tcp', tcpFlags: 'ACK SYN' });
    expect(event(line('2024-03-05 14:22:01 Z', '0\t1\t203.0.113.7\t1\t192.0.2.10\t80\tTCP\t21SFRPAU')).tcpFlags).toBe('CWR ECE URG ACK PSH RST SYN FIN');
  });

  test('ICMP: source port field = type, target port field = code', () => {
    expect(event(line('2024-03-05 14:22:01 Z', '0\t1\t203.0.113.7\t3\t192.0.2.10\t13\tICMP\t'))).toMatchObject({
      transport: 'icmp', icmpType: 3, icmpCode: 13, srcPort: undefined, dstPort: undefined,
    });
  });

  test('a damaged line is rejected, not skipped', () => {
    expect(outcome(line('2024-03-05 14:22:01 Z', '0\t1\t203.0.113.7\t1\t192.0.2.10'))).toEqual({ kind: 'reject', reason: 'truncated' });
    expect(outcome(line('2024-03-05 14:22:01 Z', '0\t1\t203.0.113.7\t1\t192.0.2.10\t80\tTCP\tS\textra'))).toEqual({ kind: 'reject', reason: 'unknown-layout' });
  });
});
