import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { zeekConn } from '../parsers/zeek-conn';
import type { FirewallEvent, ParseOutcome, SourceState } from '../parsers/types';
import { parseRecord } from '../parsers/index';

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

function outcome(line: string, state?: SourceState): ParseOutcome {
  const c = clock();
  const env = peelEnvelope(line, c);
  expect(zeekConn.sniff(env)).toBe(true);
  return zeekConn.parse(env, c, state);
}

/** The lines of one source, in order, through one state. */
function feed(lines: string[], state: SourceState = new Map()): ParseOutcome[] {
  return lines.map((l) => outcome(l, state));
}

const tsv = (...cols: string[]) => cols.join('\t');

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
    for (const line of [dns, '#comment', '{"message_type":"x"}']) {
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

describe('the header decides the TSV columns', () => {
  const HEADER = [
    '#separator \\x09',
    tsv('#set_separator', ','),
    tsv('#empty_field', '(empty)'),
    tsv('#unset_field', '-'),
    tsv('#path', 'conn'),
    tsv('#fields', 'uid', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'id.orig_p', 'proto', 'conn_state', 'ts', 'history', 'orig_pkts', 'local_orig', 'local_resp'),
    tsv('#types', 'string', 'addr', 'addr', 'port', 'port', 'enum', 'string', 'time', 'string', 'count', 'bool', 'bool'),
  ];
  const REORDERED = tsv('CReord1', '203.0.113.40', '192.0.2.10', '22', '40600', 'tcp', 'S0', '1709654400.100000', 'S', '3', 'F', 'T');

  test('header lines are skips that keep separator, fields, unset and empty markers in the state', () => {
    const state: SourceState = new Map();
    expect(feed(HEADER, state).every((o) => o.kind === 'skip' && o.reason === 'log-header')).toBe(true);
    expect(state.get('zeek-conn.separator')).toBe('\t');
    expect(state.get('zeek-conn.unset_field')).toBe('-');
    expect(state.get('zeek-conn.empty_field')).toBe('(empty)');
    expect(state.get('zeek-conn.fields')).toEqual(HEADER[5].split('\t').slice(1));
    expect([...state.keys()].every((k) => k.startsWith('zeek-conn.'))).toBe(true);
  });

  test('header then data: columns by name, in the declared order', () => {
    const out = feed([...HEADER, REORDERED]);
    expect(out[out.length - 1]).toMatchObject({
      kind: 'event',
      event: { ts: 1709654400100, srcIp: '203.0.113.40', srcPort: 40600, dstIp: '192.0.2.10', dstPort: 22, tcpFlags: 'SYN', count: 3, direction: 'inbound' },
    });
  });

  test('auto-detection claims the reordered row, and parseRecord hands it the state', () => {
    const c = clock();
    const state: SourceState = new Map();
    for (const h of HEADER) parseRecord(h, c, undefined, undefined, state);
    const r = parseRecord(REORDERED, c, undefined, undefined, state);
    expect(r.parser?.id).toBe('zeek-conn');
    expect(r.outcome).toMatchObject({ kind: 'event', event: { dstPort: 22, srcPort: 40600 } });
  });

  test('a row whose column count differs from #fields is rejected', () => {
    const short = tsv('CReord2', '203.0.113.43', '192.0.2.10', '445', '40603', 'tcp', 'S0', '1709654405.000000', 'S', '1', 'F');
    expect(feed([...HEADER, short]).pop()).toEqual({ kind: 'reject', reason: 'columns-mismatch' });
    expect(feed([...HEADER, REORDERED + '\textra']).pop()).toEqual({ kind: 'reject', reason: 'columns-mismatch' });
  });

  test('#unset_field and #empty_field are honoured', () => {
    const header = ['#separator \\x09', tsv('#unset_field', 'NULL'), tsv('#empty_field', 'EMPTY'), tsv('#fields', 'ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state', 'history', 'local_orig', 'local_resp')];
    const row = (o: string, h: string, lo: string) => tsv('1709654400.000000', o, '40600', '192.0.2.10', '22', 'tcp', 'S0', h, lo, 'T');
    // unset direction and empty history: no direction, no flags
    expect(feed([...header, row('203.0.113.40', 'EMPTY', 'NULL')]).pop()).toMatchObject({ kind: 'event', event: { direction: undefined, tcpFlags: undefined } });
    // an unset address is "no src/dst", not a bad address (parsed directly: sniff wants two addresses)
    const c = clock();
    const state: SourceState = new Map();
    feed(header, state);
    expect(zeekConn.parse(peelEnvelope(row('NULL', 'S', 'F'), c), c, state)).toEqual({ kind: 'reject', reason: 'no-addresses' });
  });

  test('#separator decides the separator of the header lines and rows after it', () => {
    const out = feed([
      '#separator \\x2c',
      '#unset_field,-',
      '#fields,ts,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,conn_state,local_orig,local_resp',
      '1709658000.000000,203.0.113.45,40605,192.0.2.10,25,tcp,S0,F,T',
    ]);
    expect(out[3]).toMatchObject({ kind: 'event', event: { ts: 1709658000000, srcIp: '203.0.113.45', srcPort: 40605, dstPort: 25, direction: 'inbound' } });
  });

  test('no header seen (a log piped from the middle): the default order', () => {
    expect(feed([row()])[0]).toMatchObject({ kind: 'event', event: { dstPort: 22, direction: 'inbound', tcpFlags: 'SYN', count: 2 } });
    expect(outcome(row({ tp: '-\textra' }))).toMatchObject({ kind: 'event' });
    expect(outcome(tsv('1709654400.000000', 'C1', '203.0.113.40', '40600', '192.0.2.10', '22', 'tcp', 'S0'))).toEqual({ kind: 'reject', reason: 'truncated' });
  });

  test('the default header is read like the default order', () => {
    const fields = tsv('#fields', 'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents');
    expect(feed(['#separator \\x09', fields, row()])[2]).toEqual(outcome(row()));
  });

  test('JSON documents are unaffected by a TSV header', () => {
    const j = '{"ts":1709654406.0,"id.orig_h":"203.0.113.44","id.orig_p":40604,"id.resp_h":"192.0.2.10","id.resp_p":3389,"proto":"tcp","conn_state":"S0"}';
    expect(feed([...HEADER, j]).pop()).toMatchObject({ kind: 'event', event: { srcPort: 40604, dstPort: 3389 } });
  });

  test('sniff claims reordered rows by their content, not other tab-separated lines', () => {
    const sniff = (l: string) => zeekConn.sniff(peelEnvelope(l, clock()));
    expect(sniff(REORDERED)).toBe(true);
    expect(sniff('1709658000.000000,203.0.113.45,40605,192.0.2.10,25,tcp,S0,F,T')).toBe(true);
    expect(sniff('#fields,ts,id.orig_h')).toBe(true);
    // no conn_state, or a single address
    expect(sniff(tsv('CReord1', '203.0.113.40', '192.0.2.10', '53', '40600', 'udp', 'NOERROR', '1709654400.1'))).toBe(false);
    expect(sniff(tsv('CReord1', '203.0.113.40', 'example.com', '22', '40600', 'tcp', 'S0', '1709654400.1'))).toBe(false);
    // a CSV line that does not start with an epoch time
    expect(sniff('1,2024/03/05 14:22:01,203.0.113.40,192.0.2.10,tcp,SF,1709654400')).toBe(false);
  });
});

describe('skips and rejects', () => {
  test('header lines', () => {
    for (const h of ['#separator \\x09', '#fields\tts\tuid', '#types\ttime\tstring', '#close\t2024-03-05-15-00-00']) {
      expect(outcome(h)).toEqual({ kind: 'skip', reason: 'log-header' });
    }
  });

  test('unknown_transport and bad values', () => {
    expect(outcome(row({ proto: 'unknown_transport', state: 'OTH' }))).toEqual({ kind: 'reject', reason: 'bad-protocol' });
    expect(outcome(row({ op: '70000' }))).toEqual({ kind: 'reject', reason: 'bad-port' });
    expect(outcome(row({ oh: '203.0.113.300' }))).toEqual({ kind: 'reject', reason: 'bad-address' });
  });
});

test('damaged rows and header lines never throw, with or without a header in the state', () => {
  const file = path.resolve(__dirname, '../fixtures/zeek-conn/reordered-fields.log');
  const c = clock();
  const state: SourceState = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    for (let i = 0; i <= line.length; i += 3) {
      for (const l of [line.slice(0, i), line.slice(0, i) + '\t' + line.slice(i), line.slice(0, i) + 'x' + line.slice(i + 1)]) {
        const env = peelEnvelope(l, c);
        if (!zeekConn.sniff(env)) continue;
        expect(() => zeekConn.parse(env, c)).not.toThrow();
        expect(() => zeekConn.parse(env, c, state)).not.toThrow();
      }
    }
  }
});
