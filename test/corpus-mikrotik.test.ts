/**
 * MikroTik RouterOS samples from the shared corpus (../shared/corpus/mikrotik, see its
 * MANIFEST.md). Skips when the corpus is absent. Counts were taken by reading the files.
 */
import { describeCorpus, parseFile } from './helpers/corpus';

const FOLDER = 'mikrotik';
const parsed = (file: string) => parseFile(`${FOLDER}/${file}`, { byParser: true });
const tally = (file: string) => parsed(file).tally;
const events = (file: string) => parsed(file).events;

describeCorpus('mikrotik on the shared corpus', FOLDER, () => {
  test('crowdsec-mikrotik-logs.log: 6 firewall lines, 1 login failure skipped', () => {
    expect(tally('crowdsec-mikrotik-logs.log')).toEqual({ 'event mikrotik': 6, 'skip: system-message (system)': 1 });
    const ev = events('crowdsec-mikrotik-logs.log');
    expect(ev[0]).toMatchObject({
      ts: Date.parse('2023-03-18T19:35:05.734Z'), hostname: '10.120.127.1', action: 'deny', rule: 'drop-in', transport: 'udp',
      srcIp: '186.26.78.68', srcPort: 44355, dstIp: '81.82.202.145', dstPort: 53, inIf: 'ether1-WAN', srcMac: '00-17-10-88-BC-02', length: 65,
    });
    expect(ev[0].outIf).toBeUndefined();
    expect(ev[1]).toMatchObject({ rule: 'drop-tcp', tcpFlags: 'SYN', dstPort: 23 });
    expect(ev[2]).toMatchObject({ srcIp: '2001:db8:1234::1', srcPort: 40384, dstIp: '2001:db8:1234::2', dstPort: 20461, action: 'unknown', rule: undefined });
    expect(ev[3]).toMatchObject({ inIf: 'WAN', outIf: 'LAN', transport: 'udp', dstPort: 51413 });
    expect(ev[4]).toMatchObject({ srcIp: '192.0.2.1', dstPort: 36228, srcMac: undefined });
  });

  test('crowdsec-mikrotik-scan-multi_ports.log: 19 drop-tcp SYNs to ports 23..39', () => {
    expect(tally('crowdsec-mikrotik-scan-multi_ports.log')).toEqual({ 'event mikrotik': 19 });
    const ev = events('crowdsec-mikrotik-scan-multi_ports.log');
    expect(ev.map((e) => e.dstPort)).toEqual([23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 36, 36, 37, 38, 39]);
    for (const e of ev) expect(e).toMatchObject({ srcIp: '36.97.161.219', dstIp: '80.82.202.145', action: 'deny', tcpFlags: 'SYN' });
  });

  test('github-issues-mikrotik-extract.log: 5 RouterOS 7 lines, 1 RFC 3164 line, 1 old ICMP line', () => {
    expect(tally('github-issues-mikrotik-extract.log')).toEqual({ 'event mikrotik': 7 });
    const ev = events('github-issues-mikrotik-extract.log');
    expect(ev[0]).toMatchObject({
      ts: Date.parse('2025-11-24T03:19:44.166Z'), rule: '[drop-input]', action: 'deny', inIf: 'PPPoE', srcPort: 443, dstPort: 43186, srcMac: 'E4-81-84-56-41-51',
    });
    expect(ev[1]).toMatchObject({ srcMac: undefined, tcpFlags: 'SYN', dstPort: 8058 });
    expect(ev[5]).toMatchObject({ rule: 'drop !LAN', action: 'deny', hostname: 'MikroTik', inIf: 'pppoe', dstPort: 51104, ts: Date.UTC(2024, 8, 25, 1, 37, 18) });
    expect(ev[6]).toMatchObject({
      rule: 'LOGDROP', action: 'deny', transport: 'icmp', icmpType: 8, icmpCode: 0, srcIp: '175.1.1.1', dstIp: '216.1.1.1',
      srcPort: undefined, inIf: '2.1-Net', outIf: undefined, length: 28,
    });
  });
});
