/**
 * Real FortiGate samples from the shared corpus (../shared/corpus/fortigate, see MANIFEST.md);
 * skipped when the corpus is absent. Counts come from reading each line's `type=` and `action=`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createClock } from '../parsers/clock';
import { parseRecord } from '../parsers/index';
import type { FirewallEvent, ParseOutcome } from '../parsers/types';

const DIR = path.join(path.resolve(__dirname, '../../shared/corpus'), 'fortigate');
const HAVE = fs.existsSync(DIR);

function outcomes(file: string): ParseOutcome[] {
  const clock = createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
  const lines = fs.readFileSync(path.join(DIR, file), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => parseRecord(l, clock).outcome);
}

function tally(os: ParseOutcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of os) {
    const k = o.kind === 'event' ? 'event' : `${o.kind}: ${o.reason}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

const events = (os: ParseOutcome[]): FirewallEvent[] => os.flatMap((o) => (o.kind === 'event' ? [o.event] : []));

(HAVE ? describe : describe.skip)('fortigate on the shared corpus', () => {
  test('every line is claimed by fortigate', () => {
    const clock = createClock('UTC', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    for (const f of fs.readdirSync(DIR)) {
      for (const line of fs.readFileSync(path.join(DIR, f), 'utf8').split('\n')) {
        if (line !== '') expect(parseRecord(line, clock).parser?.id).toBe('fortigate');
      }
    }
  });

  test('beats-fortinet-traffic.log: 13 traffic records, eventtime in s and ns', () => {
    const os = outcomes('beats-fortinet-traffic.log');
    expect(tally(os)).toEqual({ event: 13 });
    const ev = events(os);
    expect(ev.map((e) => e.action)).toEqual([
      'deny', 'unknown', 'allow', 'allow', 'allow', 'unknown', 'allow', 'allow', 'unknown', 'allow', 'allow', 'allow', 'allow',
    ]);
    // eventtime=1592961368 (seconds) wins over date=/time=.
    expect(ev[0]).toMatchObject({ ts: 1592961368000, srcIp: '10.10.10.10', dstPort: 161, transport: 'udp', hostname: 'testswitch1', rule: '0' });
    // eventtime=1587229911390385486 (ns); lan → wan is outbound.
    expect(ev[2]).toMatchObject({ ts: 1587229911390, direction: 'outbound', inZone: 'lan', outZone: 'wan', rule: 'newruleelastic' });
    expect(ev[3]).toMatchObject({ transport: 'ipv6-icmp', srcPort: undefined });
    expect(ev[4]).toMatchObject({ transport: 'icmp', direction: 'inbound', inIf: 'wan1' });
  });

  test('wazuh-fortigate-ini-extract.log: FortiOS 3/4 keys and the `time=10: 13:03` quirk', () => {
    const os = outcomes('wazuh-fortigate-ini-extract.log');
    expect(os).toHaveLength(12);
    expect(tally(os)).toEqual({
      event: 7, 'skip: fortigate utm log': 2, 'skip: fortigate anomaly log': 2, 'skip: fortigate event log': 1,
    });
    const ev = events(os);
    expect(ev[0]).toMatchObject({ ts: Date.UTC(2011, 6, 24, 10, 13, 3), action: 'deny', srcIp: '10.3.3.3', dstIp: '10.4.4.4', transport: 'tcp' });
    expect(ev[2]).toMatchObject({ srcPort: 1111, dstPort: 2222, inIf: 'Interface Name', outIf: 'internal' });
    expect(ev[3]).toMatchObject({ transport: 'udp', inIf: 'wan1', direction: 'inbound' });
    expect(ev[5]).toMatchObject({ ts: Date.UTC(2016, 5, 16, 10, 19, 23), srcIp: '7.3.8.5', dstPort: 80, direction: 'outbound', rule: '8' });
  });
});

if (!HAVE) test.skip(`fortigate corpus: ${DIR} not found`, () => undefined);
