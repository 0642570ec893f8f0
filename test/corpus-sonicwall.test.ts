/**
 * The real SonicWall samples in ../shared/corpus/sonicwall (not redistributable, so not copied
 * here): every line must end as an event, a skip or a reject for a true reason. The counts were
 * taken by reading the files (message ids: m=98/537/38/36/14/1233 traffic, m=30 admin login,
 * m=346/483/1388 IKE/IPsec, m=1197 NAT mapping).
 */
import { describeCorpus, ev, parseFile } from './helpers/corpus';

const run = (file: string) => parseFile(`sonicwall/${file}`);

describeCorpus('corpus: sonicwall', 'sonicwall', () => {
  test('beats-sonicwall-general.log', () => {
    const { lines, results, tally, eventAt: events } = run('beats-sonicwall-general.log');
    expect(lines).toHaveLength(21);
    expect(tally).toEqual({ event: 17, 'skip: admin-message': 2, 'skip: vpn-message': 2 });
    expect(results.every((r) => r.parser?.id === 'sonicwall')).toBe(true);
    // m=98 to the firewall's own WAN address (fw=1.1.1.1): inbound, from time= not the header.
    expect(ev(events[0])).toMatchObject({
      ts: Date.UTC(2007, 0, 3, 14, 48, 6), action: 'allow', transport: 'tcp', srcIp: '2.2.2.2', srcPort: 36701,
      dstIp: '1.1.1.1', dstPort: 50000, direction: 'inbound', inZone: 'WAN', outZone: 'WAN', hostname: '192.168.5.1',
    });
    // m=537 LAN → WAN, proto=udp/dns.
    expect(ev(events[18])).toMatchObject({ action: 'allow', transport: 'udp', dstPort: 53, direction: 'outbound' });
    // m=38 ICMP dropped, type/code after a double space, ports not kept.
    expect(ev(events[10])).toMatchObject({ action: 'deny', transport: 'icmp', icmpType: 3, icmpCode: 3, srcPort: undefined });
  });

  test('wazuh-sonicwall-ini-extract.log', () => {
    const { lines, tally, eventAt: events } = run('wazuh-sonicwall-ini-extract.log');
    expect(lines).toHaveLength(11);
    expect(tally).toEqual({
      event: 6, 'skip: nat-mapping': 2, 'skip: vpn-message': 2, 'skip: admin-message': 1,
    });
    // IPv6 via srcV6/dstV6, `src=:port:iface`, time= in UTC.
    expect(ev(events[1])).toMatchObject({
      ts: Date.UTC(2019, 1, 15, 9, 45, 17), action: 'deny', transport: 'udp', srcIp: 'fe80::9851:b780:9d9d:a29e',
      srcPort: 49702, dstIp: 'ff02::1:3', dstPort: 5355, inIf: 'X0-V514',
    });
    // m=36 with rule=0 and no proto=: tcp from the id, the message as rule.
    expect(ev(events[2])).toMatchObject({ transport: 'tcp', dstPort: 445, direction: 'inbound', rule: 'TCP connection dropped' });
    // m=14 web site denied, hostnames appended to the endpoints.
    expect(ev(events[9])).toMatchObject({ action: 'deny', srcIp: '192.168.0.62', dstPort: 443, inIf: 'X0', outIf: 'X1' });
  });
});
