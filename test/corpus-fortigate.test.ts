/**
 * Real FortiGate samples from the shared corpus (../shared/corpus/fortigate, see MANIFEST.md);
 * skipped when the corpus is absent. Counts come from reading each line's `type=` and `action=`.
 */
import * as fs from 'fs';
import { parseRecord } from '../parsers/index';
import { corpusDir, describeCorpus, events, newClock, parseFile, readRecords, tally } from './helpers/corpus';

const FOLDER = 'fortigate';
const outcomes = (file: string) => parseFile(`${FOLDER}/${file}`, { keepCr: true }).outcomes;

describeCorpus('fortigate on the shared corpus', FOLDER, () => {
  test('every line is claimed by fortigate', () => {
    const clock = newClock();
    for (const f of fs.readdirSync(corpusDir(FOLDER))) {
      for (const line of readRecords(`${FOLDER}/${f}`, { keepCr: true })) {
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
      event: 7, 'skip: security-alert': 4, 'skip: system-message': 1,
    });
    const ev = events(os);
    expect(ev[0]).toMatchObject({ ts: Date.UTC(2011, 6, 24, 10, 13, 3), action: 'deny', srcIp: '10.3.3.3', dstIp: '10.4.4.4', transport: 'tcp' });
    expect(ev[2]).toMatchObject({ srcPort: 1111, dstPort: 2222, inIf: 'Interface Name', outIf: 'internal' });
    expect(ev[3]).toMatchObject({ transport: 'udp', inIf: 'wan1', direction: 'inbound' });
    expect(ev[5]).toMatchObject({ ts: Date.UTC(2016, 5, 16, 10, 19, 23), srcIp: '7.3.8.5', dstPort: 80, direction: 'outbound', rule: '8' });
  });
});
