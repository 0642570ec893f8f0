/**
 * Real Cisco ASA / PIX samples from the shared corpus (../shared/corpus/cisco-asa, see its
 * MANIFEST.md). The corpus is not in the repository (licences), so the suite skips without it.
 * Expected counts come from reading the files: message ids per file, and the decisions in
 * parsers/cisco-asa.ts (Built = event, Teardown / NAT xlate = skip, …).
 */
import * as fs from 'fs';
import { parseRecord } from '../parsers/index';
import { corpusDir, describeCorpus, events, newClock, parseFile, readRecords, tally } from './helpers/corpus';

const FOLDER = 'cisco-asa';
const outcomes = (file: string) => parseFile(`${FOLDER}/${file}`, { keepCr: true }).outcomes;

describeCorpus('cisco-asa on the shared corpus', FOLDER, () => {
  test('every line of every file is claimed by cisco-asa and becomes an event, skip or reject', () => {
    const clock = newClock();
    for (const f of fs.readdirSync(corpusDir(FOLDER))) {
      for (const line of readRecords(`${FOLDER}/${f}`, { keepCr: true })) {
        if (line === '') continue;
        const r = parseRecord(line, clock);
        expect(r.parser?.id).toBe('cisco-asa');
        expect(['event', 'skip', 'reject']).toContain(r.outcome.kind);
      }
    }
  });

  test('beats-asa-relay-head.log: 15 + 13 Built and 4 Deny are events; 33 teardowns and 24 xlates skipped', () => {
    const os = outcomes('beats-asa-relay-head.log');
    expect(os).toHaveLength(89);
    expect(tally(os)).toEqual({ event: 32, 'skip: session-end': 33, 'skip: nat-mapping': 24 });
    const ev = events(os);
    // Built outbound: the inside host is the initiator, the web server the destination.
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2018, 9, 10, 12, 34, 56), srcIp: '172.31.98.44', srcPort: 1772, dstIp: '100.66.205.104', dstPort: 80,
      transport: 'tcp', action: 'allow', direction: 'outbound', inIf: 'inside', outIf: 'outside', hostname: 'localhost',
    });
    // Built inbound with an identity-firewall user: no swap.
    const inbound = ev.filter((e) => e.direction === 'inbound' && e.action === 'allow');
    expect(inbound).toHaveLength(2);
    expect(inbound[0]).toMatchObject({ srcIp: '10.10.10.2', srcPort: 1773, dstIp: '10.10.10.3', dstPort: 53, transport: 'udp' });
    const denies = ev.filter((e) => e.action === 'deny');
    expect(denies).toHaveLength(4);
    expect(denies[0]).toMatchObject({ srcIp: '100.66.19.254', dstPort: 8277, rule: 'inbound', direction: 'inbound' });
  });

  test('beats-asa-sample.log: 44 events, spoof / to-the-box / named-host rejects', () => {
    const os = outcomes('beats-asa-sample.log');
    expect(os).toHaveLength(73);
    expect(tally(os)).toEqual({
      event: 44,
      'skip: session-end': 8,
      'skip: nat-mapping': 4,
      'skip: content-filter': 4,
      'skip: security-alert': 2,
      'reject: no-protocol': 8,
      'reject: no-addresses': 1,
      'reject: hostname-address': 2, // dmz:OCSP_Server, a name from the ASA's names table
    });
    const ev = events(os);
    // `Apr 15 2014 09:34:34 EDT:` is UTC-4, whatever --tz says.
    expect(ev[2]).toMatchObject({ ts: Date.UTC(2014, 3, 15, 13, 34, 34), action: 'allow', rule: 'acl_in', srcPort: 2241 });
    // 106100 with `hit-cnt 144 300-second interval`.
    expect(ev[4]).toMatchObject({ count: 144, transport: 'udp', dstPort: 53, hostname: 'INT-FW01' });
    expect(ev.filter((e) => e.rule === 'acl_in' && e.action === 'deny')).toHaveLength(2);
    const rst = ev.find((e) => e.tcpFlags === 'RST');
    expect(rst).toMatchObject({ srcIp: '192.0.2.222', dstIp: '192.168.1.34', dstPort: 5679, inIf: 'outside', direction: 'inbound' });
    expect(rst?.hostname).toBeUndefined(); // `<IP>:` is a placeholder, not a host
    expect(ev.find((e) => e.transport === 'icmp')).toMatchObject({ srcIp: '172.16.30.2', dstIp: '172.16.1.10', icmpType: 0 });
  });

  test('wazuh-pix-ini-extract.log: bare PIX lines have no time; placeholders and cut-off lines are rejects', () => {
    const os = outcomes('wazuh-pix-ini-extract.log');
    expect(os).toHaveLength(22);
    expect(tally(os)).toEqual({
      'reject: no-timestamp': 7,
      'reject: placeholder-address': 5,
      'reject: truncated': 3,
      'skip: nat-mapping': 3,
      'skip: admin-message': 3,
      'skip: security-alert': 1,
    });
    expect(os[4]).toEqual({ kind: 'reject', reason: 'placeholder-address' }); // <public IP of 525>
    expect(os[7]).toEqual({ kind: 'reject', reason: 'truncated' }); // 106011 without dst
  });
});
