/**
 * pfSense / OPNsense filterlog samples from the shared corpus (../shared/corpus/pfsense-filterlog,
 * see its MANIFEST.md). The corpus is not in the repository (licences), so the suite skips
 * without it. Counts were taken by reading the files, not from the parser's output.
 */
import * as fs from 'fs';
import { corpusDir, describeCorpus, parseFile } from './helpers/corpus';

const FOLDER = 'pfsense-filterlog';
const parsed = (file: string) => parseFile(`${FOLDER}/${file}`, { byParser: true });
const tally = (file: string) => parsed(file).tally;
const events = (file: string) => parsed(file).events;

describeCorpus('pfsense on the shared corpus', FOLDER, () => {
  test('every file: only events, skips with a reason, no rejects', () => {
    for (const f of fs.readdirSync(corpusDir(FOLDER))) {
      for (const o of parsed(f).outcomes) {
        expect(o.kind).not.toBe('reject');
        if (o.kind === 'skip') expect(o.reason).not.toBe('');
      }
    }
  });

  test('crowdsec-pf-logs.log: 3 pfSense RFC 3164 + 6 OPNsense RFC 5424 lines', () => {
    expect(tally('crowdsec-pf-logs.log')).toEqual({ 'event pfsense': 9 });
    const ev = events('crowdsec-pf-logs.log');
    expect(ev[0]).toMatchObject({
      action: 'deny', transport: 'tcp', srcIp: '10.0.2.2', srcPort: 53742, dstIp: '10.0.2.15', dstPort: 22,
      tcpFlags: 'ACK PSH', inIf: 'em0', rule: '53/1000000301', hostname: 'pfSense', length: 460, ttl: 64,
    });
    expect(ev[2]).toMatchObject({ outIf: 'em0', inIf: undefined, tcpFlags: 'ACK FIN', srcPort: 22 });
    expect(ev[3]).toMatchObject({ rule: '02f4bab031b57d1e30553ce08e0ec131', transport: 'udp', ts: Date.parse('2022-09-06T16:37:34Z') });
    expect(ev[4].action).toBe('allow');
    expect(ev[7]).toMatchObject({ srcIp: '2008:8a0:702e:ce00:acc6:c7ee:fa01:2f8a', dstIp: '2c02:2454:ada:d900::1738', dstPort: 51918 });
    expect(ev[8]).toMatchObject({ rule: '64d253df-ef65-4b56-9df4-c03fc11b8ce4', action: 'deny' });
  });

  test('crowdsec-pf-scan-multi-port.log: 16 SYN blocks from one source, then a blank line', () => {
    expect(tally('crowdsec-pf-scan-multi-port.log')).toEqual({ 'event pfsense': 16, 'skip: empty-line': 1 });
    const ev = events('crowdsec-pf-scan-multi-port.log');
    expect(ev.map((e) => e.dstPort)).toEqual([22, 2222, 21, 23, 25, 80, 8081, 8082, 443, 4443, 145, 3306, 336, 1234, 4567, 9090]);
    for (const e of ev) expect(e).toMatchObject({ srcIp: '10.0.2.2', tcpFlags: 'SYN', action: 'deny', ts: Date.UTC(2024, 8, 30, 14, 35, 50) });
  });

  test('crowdsec-pfsense-rfc5424-filterlog.log: pfSense 2.7 with µs stamps, VLANs, an IPv6 TCP line', () => {
    expect(tally('crowdsec-pfsense-rfc5424-filterlog.log')).toEqual({ 'event pfsense': 4, 'skip: empty-line': 1 });
    const ev = events('crowdsec-pfsense-rfc5424-filterlog.log');
    expect(ev[0]).toMatchObject({ ts: Date.parse('2025-11-06T11:32:42.868Z'), inIf: 'vtnet0.5', dstPort: 80, rule: '7/1000000102' });
    expect(ev[2]).toMatchObject({
      transport: 'tcp', srcIp: 'fdfd:ace:ace:10:d8:cdbf:f6f8:6d69', dstIp: 'fdfd:ace:ace:5::6', dstPort: 443, inIf: 'vtnet0.10', length: 84,
    });
  });

  test('integrations-opnsense-mixed.log: 3 filterlog lines, dhcpd and unbound skipped', () => {
    expect(tally('integrations-opnsense-mixed.log')).toEqual({
      'event pfsense': 3, 'skip: not-firewall (dhcpd)': 1, 'skip: not-firewall (unbound)': 1,
    });
    const ev = events('integrations-opnsense-mixed.log');
    expect(ev[0]).toMatchObject({ dstIp: '175.16.199.1', dstPort: 853, inIf: 'igb1.12', hostname: 'firewall.opnsense.net' });
    expect(ev[1]).toMatchObject({ transport: 'udp', srcIp: 'fe80::208:9bff:fef3:652b', dstIp: 'ff02::1:2', srcPort: 546, dstPort: 547, ttl: 1 });
    expect(ev[2]).toMatchObject({ action: 'allow', outIf: 'ixl1_vlan70', ts: Date.parse('2022-06-09T20:44:11Z') });
  });

  test('integrations-pfsense-rfc5424.log: 8 DoT blocks, 5 passes', () => {
    expect(tally('integrations-pfsense-rfc5424.log')).toEqual({ 'event pfsense': 13 });
    const ev = events('integrations-pfsense-rfc5424.log');
    expect(ev.filter((e) => e.action === 'deny').map((e) => e.dstPort)).toEqual(Array(8).fill(853));
    expect(ev.filter((e) => e.action === 'allow')).toHaveLength(5);
    expect(ev[0].ts).toBe(Date.parse('2021-07-04T00:10:14.578Z'));
    expect(ev[12]).toMatchObject({ transport: 'udp', dstIp: '239.255.255.250', dstPort: 1900, rule: '183/1520797915', ttl: 1 });
  });
});
