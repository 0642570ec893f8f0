/**
 * Real Juniper SRX samples from the shared corpus (../shared/corpus/juniper-srx, see
 * MANIFEST.md); skipped when the corpus is absent. Counts come from each line's MSGID /
 * mnemonic: CLOSE and DENY are events, CREATE and APPTRACK_* skips.
 */
import * as fs from 'fs';
import { parseRecord } from '../parsers/index';
import { corpusDir, describeCorpus, events, newClock, parseFile, pipelineTally, readRecords, tally } from './helpers/corpus';

const FOLDER = 'juniper-srx';
const outcomes = (file: string) => parseFile(`${FOLDER}/${file}`, { keepCr: true }).outcomes;

describeCorpus('juniper-srx on the shared corpus', FOLDER, () => {
  test('every line is claimed by juniper-srx', () => {
    const clock = newClock();
    for (const f of fs.readdirSync(corpusDir(FOLDER))) {
      for (const line of readRecords(`${FOLDER}/${f}`, { keepCr: true })) {
        if (line !== '') expect(parseRecord(line, clock).parser?.id).toBe('juniper-srx');
      }
    }
  });

  test('beats-srx-flow-head.log: 7 CLOSE + 4 CREATE + 3 DENY events, 7 APPTRACK skips; sessions counted once', async () => {
    const os = outcomes('beats-srx-flow-head.log');
    expect(os).toHaveLength(21);
    expect(tally(os)).toEqual({ event: 14, 'skip: session-update': 7 });
    // Session 41 is created (line 6) and closed (line 7): one event. The sample's stamps jump
    // across years, so two sessions pass their lifetime; session 100000165 is created twice, a
    // day apart, and counted twice.
    expect(await pipelineTally(`${FOLDER}/beats-srx-flow-head.log`)).toEqual({ events: 13, skips: { 'session-end': 1, 'session-update': 7 }, expired: 2, evicted: 0 });
    const ev = events(os).filter((e) => e.sessionPhase !== 'start');
    expect(ev.filter((e) => e.action === 'deny')).toHaveLength(3);
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2019, 10, 14, 10, 12, 46, 573), action: 'deny', srcIp: '10.0.0.26', dstPort: 161, transport: 'udp',
      rule: 'MgmtAccess-trust-cleanup', inZone: 'trust', outZone: 'junos-host', direction: 'internal', hostname: 'SRX-GW1',
    });
    // +08:00 offset; ICMP has no ports.
    expect(ev.find((e) => e.rule === 'policy1')).toMatchObject({
      ts: Date.UTC(2010, 8, 30, 6, 55, 7, 188), transport: 'icmp', srcPort: undefined, direction: 'outbound',
    });
    // Pre-NAT tuple, trust → untrust.
    expect(ev.find((e) => e.rule === 'permit_all')).toMatchObject({ srcIp: '10.3.255.203', srcPort: 47776, dstIp: '8.23.224.110', dstPort: 80 });
  });

  test('logstash-junos-spec-classic-extract.log: classic text CREATE, CLOSE and DENY', async () => {
    const os = outcomes('logstash-junos-spec-classic-extract.log');
    expect(tally(os)).toEqual({ event: 3 });
    expect(events(os)[1]).toMatchObject({ sessionPhase: 'start', action: 'allow', srcPort: 53836 });
    // The extract lists the CLOSE before the CREATE of the same connection: a start read after its
    // end is a session of its own (docs/formats/juniper-srx.md), so the pipeline counts three.
    expect((await pipelineTally(`${FOLDER}/logstash-junos-spec-classic-extract.log`)).events).toBe(3);
    const ev = events(os).filter((e) => e.sessionPhase !== 'start');
    expect(ev[0]).toMatchObject({ action: 'allow', srcIp: '10.10.10.2', dstPort: 22, rule: 'log-host-traffic', inZone: 'untrust', inIf: 'ge-0/0/1.0', direction: 'inbound' });
    expect(ev[1]).toMatchObject({ action: 'deny', dstPort: 53, transport: 'udp', rule: 'default-deny(global)', hostname: 'SRX-1' });
  });

  test('wazuh-junos-ini-extract.log: double-wrapped records use the inner stamp and host', () => {
    const os = outcomes('wazuh-junos-ini-extract.log');
    expect(tally(os)).toEqual({ event: 2, 'skip: system-message': 1 });
    const ev = events(os);
    expect(ev[0]).toMatchObject({ ts: Date.UTC(2017, 7, 24, 4, 58, 58, 724), rule: 'IP spoofing!', transport: 'udp', action: 'deny', hostname: 'sis-srx-EUH-03' });
    expect(ev[1]).toMatchObject({ ts: Date.UTC(2017, 8, 23, 13, 54, 54, 803), action: 'deny', dstPort: 8010, hostname: 'sis-srx-mic-01', rule: 'Local-Default-Deny' });
  });
});
