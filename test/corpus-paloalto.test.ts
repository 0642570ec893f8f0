/**
 * Real PAN-OS samples from the shared corpus (../shared/corpus/paloalto, see MANIFEST.md);
 * skipped when the corpus is absent. Counts come from the subtype column of each line.
 */
import * as fs from 'fs';
import { parseRecord } from '../parsers/index';
import { corpusDir, describeCorpus, events, newClock, parseFile, pipelineTally, readRecords, tally } from './helpers/corpus';

const FOLDER = 'paloalto';
const outcomes = (file: string) => parseFile(`${FOLDER}/${file}`, { keepCr: true }).outcomes;

describeCorpus('paloalto on the shared corpus', FOLDER, () => {
  test('every line is claimed by paloalto', () => {
    const clock = newClock();
    for (const f of fs.readdirSync(corpusDir(FOLDER))) {
      for (const line of readRecords(`${FOLDER}/${f}`, { keepCr: true })) {
        if (line !== '') expect(parseRecord(line, clock).parser?.id).toBe('paloalto');
      }
    }
  });

  test('beats-panos-traffic-head.log: 34 TRAFFIC events, one of them a session start of its own', async () => {
    const os = outcomes('beats-panos-traffic-head.log');
    expect(os).toHaveLength(34);
    expect(tally(os)).toEqual({ event: 34 });
    expect(events(os).filter((e) => e.sessionPhase === 'start')).toHaveLength(1);
    // Its end record is not in the sample: the start is the session's event.
    expect(await pipelineTally(`${FOLDER}/beats-panos-traffic-head.log`)).toEqual({ events: 34, skips: {}, expired: 0, evicted: 0 });
    const ev = events(os).filter((e) => e.sessionPhase !== 'start');
    // The generated time (col 6), not the 2024 the year-less syslog header would give.
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2018, 10, 30, 16, 9, 7), srcIp: '192.168.15.207', srcPort: 55113, dstIp: '184.51.253.152', dstPort: 443,
      transport: 'tcp', action: 'allow', rule: 'new_outbound_from_trust', inZone: 'trust', outZone: 'untrust',
      inIf: 'ethernet1/2', outIf: 'ethernet1/1', direction: 'outbound', hostname: 'PA-220',
    });
    // ping: repeat count 6, no ports.
    expect(ev[1]).toMatchObject({ transport: 'icmp', count: 6, srcPort: undefined, dstPort: undefined });
    expect(ev.every((e) => e.direction === 'outbound')).toBe(true);
  });

  test('beats-panos-traffic-ietf-octetcount-head.log: wrong octet counts stripped, +01:00 learnt from the header', async () => {
    const os = outcomes('beats-panos-traffic-ietf-octetcount-head.log');
    expect(os).toHaveLength(10);
    expect(tally(os)).toEqual({ event: 10 });
    // Five starts and five ends, each of another session (different session IDs): ten sessions.
    expect(events(os).map((e) => e.sessionPhase).filter((p) => p === 'start')).toHaveLength(5);
    expect(new Set(events(os).map((e) => e.sessionId)).size).toBe(10);
    expect((await pipelineTally(`${FOLDER}/beats-panos-traffic-ietf-octetcount-head.log`)).events).toBe(10);
    const ev = events(os).filter((e) => e.sessionPhase === 'end');
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2020, 2, 27, 8, 57, 41), srcIp: '192.168.2.4', dstIp: '0.0.0.0', dstPort: 514, rule: 'Internet Access',
      inZone: 'Clients', outZone: 'External', direction: 'outbound', hostname: 'PA-VM',
    });
  });
});
