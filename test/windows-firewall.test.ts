import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import type { Clock, FirewallEvent, ParseOutcome, SourceState } from '../parsers/types';
import { windowsFirewall } from '../parsers/windows-firewall';

const clock = (tz = 'UTC') => createClock(tz, { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

function outcome(line: string, c: Clock = clock(), state?: SourceState): ParseOutcome {
  const env = peelEnvelope(line, c);
  expect(windowsFirewall.sniff(env)).toBe(true);
  return windowsFirewall.parse(env, c, state);
}

/** The lines of one source, in order, through one state. */
function feed(lines: string[], state: SourceState = new Map()): ParseOutcome[] {
  const c = clock();
  return lines.map((l) => outcome(l, c, state));
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
    expect(outcome(`${TCP_IN} 4 x`)).toEqual({ kind: 'reject', reason: 'unknown-layout' });
  });

  test('the host name the envelope guessed (the action word) is not kept', () => {
    expect(event(TCP_IN).hostname).toBeUndefined();
  });
});

describe('the #Fields: header decides the columns', () => {
  const REORDERED = '#Fields: date time action path protocol src-ip src-port dst-ip dst-port size tcpflags icmptype icmpcode pid';

  test('the header is a skip that keeps its field list in the state', () => {
    const state: SourceState = new Map();
    expect(feed([REORDERED], state)).toEqual([{ kind: 'skip', reason: 'log-header' }]);
    expect(state.get('windows-firewall.fields')).toEqual(REORDERED.slice(9).split(' '));
    expect([...state.keys()].every((k) => k.startsWith('windows-firewall.'))).toBe(true);
  });

  test('header then data: columns in the declared order', () => {
    const [, o] = feed([REORDERED, '2024-03-04 09:00:00 DROP RECEIVE TCP 203.0.113.30 49152 192.168.1.20 3389 52 S - - 4']);
    expect(o).toMatchObject({
      kind: 'event',
      event: { action: 'deny', transport: 'tcp', srcIp: '203.0.113.30', srcPort: 49152, dstIp: '192.168.1.20', dstPort: 3389, length: 52, tcpFlags: 'SYN', direction: 'inbound' },
    });
  });

  test('the action need not be the third column, nor the date the first', () => {
    const [, o] = feed(['#Fields: action date time protocol src-ip dst-ip dst-port src-port', 'DROP 2024-03-04 09:00:07 UDP 203.0.113.32 192.168.1.20 5060 5061']);
    expect(o).toMatchObject({ kind: 'event', event: { ts: Date.UTC(2024, 2, 4, 9, 0, 7), action: 'deny', srcPort: 5061, dstPort: 5060, direction: undefined } });
  });

  test('optional columns may be missing: no path, no ports, no size', () => {
    const [, o] = feed(['#Fields: date time action protocol src-ip dst-ip', '2024-03-04 09:00:00 DROP TCP 203.0.113.30 192.168.1.20']);
    expect(o).toMatchObject({ kind: 'event', event: { transport: 'tcp', srcPort: undefined, dstPort: undefined, length: undefined, direction: undefined } });
  });

  test('pid after path, as newer Windows declares it', () => {
    const fields = '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid';
    const [, o] = feed([fields, `${TCP_IN} 4`]);
    expect(o).toMatchObject({ kind: 'event', event: { dstPort: 3389, direction: 'inbound' } });
  });

  test('a data line whose column count differs from the header is rejected', () => {
    const rejected = { kind: 'reject', reason: 'columns-mismatch' };
    expect(feed([REORDERED, '2024-03-04 09:00:05 DROP RECEIVE TCP 203.0.113.31 49153 192.168.1.20 445 52 S - -'])[1]).toEqual(rejected);
    expect(feed([REORDERED, '2024-03-04 09:00:05 DROP RECEIVE TCP 203.0.113.31 49153 192.168.1.20 445 52 S - - 4 x'])[1]).toEqual(rejected);
    // the default 17-column header and an 18-column line: the header wins over the known layouts
    const fields17 = '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path';
    expect(feed([fields17, `${TCP_IN} 4`])[1]).toEqual(rejected);
  });

  test('INFO-EVENTS-LOST is a skip whatever its width', () => {
    expect(feed([REORDERED, '2024-03-04 09:00:06 INFO-EVENTS-LOST - - - - - - - - - - -'])[1]).toEqual({ kind: 'skip', reason: 'device-lost-records' });
  });

  test('a later #Fields: line replaces the earlier one', () => {
    const out = feed([REORDERED, '#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path', TCP_IN]);
    expect(out[2]).toMatchObject({ kind: 'event', event: { dstPort: 3389, direction: 'inbound' } });
  });

  test('no header seen (a log piped from the middle): the known layouts, by column count', () => {
    expect(feed([TCP_IN])[0]).toMatchObject({ kind: 'event', event: { dstPort: 3389, direction: 'inbound' } });
    expect(feed([`${TCP_IN} 4 x`])[0]).toEqual({ kind: 'reject', reason: 'unknown-layout' });
    expect(feed(['2024-03-03 12:00:00 DROP TCP 203.0.113.7 192.168.1.20 51234'])[0]).toEqual({ kind: 'reject', reason: 'truncated' });
  });

  test('another source keeps its own state', () => {
    feed([REORDERED]);
    expect(feed([TCP_IN])[0]).toMatchObject({ kind: 'event', event: { dstPort: 3389 } });
  });

  test('without a state argument the header cannot be kept, and the layouts apply', () => {
    expect(outcome(REORDERED)).toEqual({ kind: 'skip', reason: 'log-header' });
    expect(outcome(TCP_IN)).toMatchObject({ kind: 'event', event: { dstPort: 3389 } });
  });

  test('auto-detection through parseRecord uses the state of the source', () => {
    const c = clock();
    const state: SourceState = new Map();
    parseRecord(REORDERED, c, undefined, undefined, state);
    const r = parseRecord('2024-03-04 09:00:01 ALLOW SEND UDP 192.168.1.20 53001 198.51.100.53 53 0 - - - 1234', c, undefined, undefined, state);
    expect(r.parser?.id).toBe('windows-firewall');
    expect(r.outcome).toMatchObject({ kind: 'event', event: { action: 'allow', transport: 'udp', srcPort: 53001, dstPort: 53, direction: 'outbound' } });
  });

  test('sniff claims reordered lines by their content', () => {
    const env = (line: string) => peelEnvelope(line, clock());
    expect(windowsFirewall.sniff(env('2024-03-04 09:00:00 DROP RECEIVE TCP 203.0.113.30 49152 192.168.1.20 3389 52 S - - 4'))).toBe(true);
    expect(windowsFirewall.sniff(env('DROP 2024-03-04 09:00:07 UDP 203.0.113.32 192.168.1.20 5060 5061'))).toBe(true);
    expect(windowsFirewall.sniff(env('ALLOW ICMP :: ff02::1:ff7c:37f8 2024-03-04 09:00:08'))).toBe(true);
    expect(windowsFirewall.sniff(env('#Fields: action date time protocol src-ip dst-ip'))).toBe(true);
    // not a record: a date, a time and DROP, but syslog and key=value shapes, or a single address
    expect(windowsFirewall.sniff(env('2024-03-04 09:00:00 gw kernel: DROP IN=eth0 SRC=203.0.113.7 DST=192.0.2.10'))).toBe(false);
    expect(windowsFirewall.sniff(env('DROP 2024-03-04 09:00:07 UDP 203.0.113.32'))).toBe(false);
    expect(windowsFirewall.sniff(env('#Fields: date time action src-ip'))).toBe(false);
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

  test('an impossible date is rejected, never rolled over', () => {
    // The parser leaves the time NaN; the parse stage makes every such event the same reject.
    for (const bad of [['2024-03-03', '2024-13-03'], ['2024-03-03', '2023-02-29'], ['2024-03-03', '2024-04-31'], ['10:15:42', '24:00:00']]) {
      expect(parseRecord(TCP_IN.replace(bad[0], bad[1]), clock()).outcome).toEqual({ kind: 'reject', reason: 'impossible-date' });
    }
  });
});

describe('skips', () => {
  test.each([
    ['\ufeff#Version: 1.5', 'log-header'],
    ['#Software: Microsoft Windows Firewall', 'log-header'],
    ['#Time Format: Local', 'log-header'],
    ['#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path pid', 'log-header'],
    ['2024-03-03 10:15:53 INFO-EVENTS-LOST - - - - - - - - - - - - 7 -', 'device-lost-records'],
    ['2024-03-03 12:00:05 CLOSE TCP 192.168.1.20 198.51.100.80 50001 443 - - - - - - - -', 'session-end'],
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
  // Without a state, and with one that a (possibly damaged) #Fields: line may have changed.
  const state: SourceState = new Map([['windows-firewall.fields', ['action', 'date', 'time', 'protocol', 'src-ip', 'dst-ip', 'dst-port', 'src-port']]]);
  for (const line of lines) {
    for (let i = 0; i <= line.length; i += 2) {
      for (const l of [line.slice(0, i), line.slice(0, i) + ' ' + line.slice(i), line.slice(0, i) + 'x' + line.slice(i + 1)]) {
        const env = peelEnvelope(l, c);
        if (!windowsFirewall.sniff(env)) continue;
        expect(() => windowsFirewall.parse(env, c)).not.toThrow();
        expect(() => windowsFirewall.parse(env, c, state)).not.toThrow();
      }
    }
  }
});
