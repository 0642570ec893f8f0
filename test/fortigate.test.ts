import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { fortigate } from '../parsers/fortigate';
import { parseRecord } from '../parsers/index';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const utc = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
const BASE = 'logid="0000000013" type="traffic" subtype="forward" srcip=203.0.113.7 srcport=51234 dstip=192.0.2.10 dstport=22 proto=6 action="deny"';

function run(line: string, clock = utc()): ParseOutcome {
  return parseRecord(line, clock).outcome;
}

function event(line: string, clock = utc()): FirewallEvent {
  const o = run(line, clock);
  if (o.kind !== 'event') throw new Error(`expected an event, got ${o.kind}: ${o.reason}`);
  return o.event;
}

describe('fortigate', () => {
  test('the example line is an inbound deny', () => {
    expect(event(fortigate.example)).toMatchObject({ action: 'deny', direction: 'inbound', inZone: 'wan', outZone: 'lan', rule: '0' });
  });

  test('eventtime in s, ms, µs and ns all land on the same instant and beat date/time', () => {
    const at = Date.UTC(2024, 2, 3, 9, 15, 42);
    for (const et of ['1709457342', '1709457342000', '1709457342000000', '1709457342000000000']) {
      expect(event(`date=2001-01-01 time=00:00:00 eventtime=${et} ${BASE}`).ts).toBe(at);
    }
  });

  test('date/time use tz= when present, else --tz', () => {
    expect(event(`date=2024-03-03 time=10:15:42 tz="+0100" ${BASE}`).ts).toBe(Date.UTC(2024, 2, 3, 9, 15, 42));
    expect(event(`date=2024-03-03 time=10:15:42 tz="-05:30" ${BASE}`).ts).toBe(Date.UTC(2024, 2, 3, 15, 45, 42));
    const ny = createClock('America/New_York', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    expect(event(`date=2024-03-03 time=10:15:42 ${BASE}`, ny).ts).toBe(Date.UTC(2024, 2, 3, 15, 15, 42));
  });

  test('interface roles give direction; an undefined role falls back to the name', () => {
    expect(event(`date=2024-03-03 time=10:15:42 ${BASE} srcintf="port1" srcintfrole="lan" dstintf="port9" dstintfrole="wan"`).direction).toBe('outbound');
    expect(event(`date=2024-03-03 time=10:15:42 ${BASE} srcintf="wan2" srcintfrole="undefined" dstintf="port3" dstintfrole="dmz"`).direction).toBe('inbound');
    expect(event(`date=2024-03-03 time=10:15:42 ${BASE} srcintf="port1" dstintf="port2"`).direction).toBeUndefined();
  });

  test('actions: session-end words allow, dns/ip-conn/sniffer unknown; start and end records carry their session phase', () => {
    const act = (a: string, extra = '') => run(`date=2024-03-03 time=10:15:42 ${BASE.replace('action="deny"', `action="${a}"`)} ${extra}`);
    for (const a of ['accept', 'close', 'timeout', 'client-rst', 'server-rst']) expect(act(a)).toMatchObject({ kind: 'event', event: { action: 'allow' } });
    expect(act('ip-conn')).toMatchObject({ event: { action: 'unknown' } });
    expect(run(`date=2024-03-03 time=10:15:42 ${BASE.replace('subtype="forward"', 'subtype="sniffer"')}`)).toMatchObject({ event: { action: 'unknown' } });
    // The pipeline counts a session once (src/pipeline/sessions.ts); the parser reports each record.
    expect(act('start', 'sessionid=4242')).toMatchObject({ kind: 'event', event: { action: 'allow', sessionPhase: 'start', sessionId: '4242' } });
    expect(act('close', 'sessionid=4242')).toMatchObject({ kind: 'event', event: { action: 'allow', sessionPhase: 'end', sessionId: '4242' } });
    const denied = act('deny', 'sessionid=4243');
    expect(denied).toMatchObject({ kind: 'event', event: { action: 'deny' } });
    expect(denied.kind === 'event' && denied.event.sessionPhase).toBeUndefined();
  });

  test('sniff wants logid/log_id and type; it leaves other key=value formats alone', () => {
    const clock = utc();
    expect(fortigate.sniff(peelEnvelope('devname=x subtype=forward srcip=192.0.2.1', clock))).toBe(false);
    const dir = path.resolve(__dirname, '../fixtures/fortigate');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        for (let cut = 1; cut < line.length; cut += 11) {
          const env = peelEnvelope(line.slice(0, cut), clock);
          if (fortigate.sniff(env)) expect(['event', 'skip', 'reject']).toContain(fortigate.parse(env, clock).kind);
        }
      }
    }
  });
});
