import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { parseRecord } from '../parsers/index';
import { paloalto } from '../parsers/paloalto';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const utc = () => createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

/** A TRAFFIC record with the 8.x columns; `over` replaces columns by index. */
function csv(over: Record<number, string> = {}): string {
  const f = Array(65).fill('0');
  Object.assign(f, {
    1: '2024/03/03 10:15:42', 2: '012801000001', 3: 'TRAFFIC', 4: 'end', 6: '2024/03/03 10:15:41', 7: '192.0.2.10', 8: '198.51.100.10',
    11: 'allow-out', 12: '', 13: '', 14: 'ssl', 15: 'vsys1', 16: 'trust', 17: 'untrust', 18: 'ethernet1/2', 19: 'ethernet1/1',
    22: '1001', 23: '1', 24: '50100', 25: '443', 29: 'tcp', 30: 'allow', 52: 'pa-fw',
  }, over);
  return f.join(',');
}

function event(line: string, clock = utc()): FirewallEvent {
  const o: ParseOutcome = parseRecord(line, clock).outcome;
  if (o.kind !== 'event') throw new Error(`expected an event, got ${o.kind}: ${o.reason}`);
  return o.event;
}

describe('paloalto', () => {
  test('the example line is an inbound deny', () => {
    expect(event(paloalto.example)).toMatchObject({ action: 'deny', direction: 'inbound', dstPort: 22, inZone: 'untrust', hostname: 'pa-fw' });
  });

  test('generated time is --tz wall clock unless the header teaches the firewall offset', () => {
    expect(event(`Mar  3 10:15:42 pa-fw ${csv()}`).ts).toBe(Date.UTC(2024, 2, 3, 10, 15, 41));
    expect(event(`<14>1 2024-03-03T10:15:42+01:00 pa-fw - - - - ${csv()}`).ts).toBe(Date.UTC(2024, 2, 3, 9, 15, 41));
    // A header whose time does not match the receive time teaches nothing.
    const tokyo = createClock('Asia/Tokyo', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    expect(event(`<14>1 2024-03-04T10:15:42+01:00 pa-fw - - - - ${csv()}`, tokyo).ts).toBe(Date.UTC(2024, 2, 3, 1, 15, 41));
  });

  test('actions, repeat count and zones', () => {
    for (const a of ['deny', 'drop', 'drop-icmp', 'reset-client', 'reset-server', 'reset-both']) {
      expect(event(csv({ 30: a })).action).toBe('deny');
    }
    expect(event(csv({ 23: '9' })).count).toBe(9);
    expect(event(csv({ 16: 'L3-Users', 17: 'L3-Servers' })).direction).toBeUndefined();
    expect(event(csv({ 16: 'Internet', 17: 'DMZ' })).direction).toBe('inbound');
  });

  test('start and end records carry their phase and session ID; other log types are skips; a short TRAFFIC record is truncated', () => {
    expect(parseRecord(csv({ 4: 'start', 22: '777' }), utc()).outcome).toMatchObject({ kind: 'event', event: { sessionPhase: 'start', sessionId: '777', action: 'allow' } });
    expect(parseRecord(csv({ 4: 'end', 22: '777', 30: 'reset-both' }), utc()).outcome).toMatchObject({ kind: 'event', event: { sessionPhase: 'end', sessionId: '777', action: 'deny' } });
    expect(event(csv({ 4: 'deny', 22: '778' })).sessionPhase).toBeUndefined();
    expect(parseRecord(csv({ 3: 'THREAT' }), utc()).outcome).toEqual({ kind: 'skip', reason: 'security-alert' });
    expect(parseRecord(csv().split(',').slice(0, 25).join(','), utc()).outcome).toEqual({ kind: 'reject', reason: 'truncated' });
  });

  test('sniff needs the PAN-OS header shape; parse never throws on cut-off lines', () => {
    const clock = utc();
    expect(paloalto.sniff(peelEnvelope('1,2,3,TRAFFIC,end', clock))).toBe(false);
    const dir = path.resolve(__dirname, '../fixtures/paloalto');
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        for (let cut = 1; cut < line.length; cut += 13) {
          const env = peelEnvelope(line.slice(0, cut), clock);
          if (paloalto.sniff(env)) expect(['event', 'skip', 'reject']).toContain(paloalto.parse(env, clock).kind);
        }
      }
    }
  });
});
