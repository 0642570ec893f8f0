/**
 * OpenBSD pf (tcpdump of pflog) samples from the shared corpus (../shared/corpus/openbsd-pf, see
 * its MANIFEST.md). Skips when the corpus is absent. Counts were taken by reading the files.
 */
import type { FirewallEvent } from '../parsers/types';
import { describeCorpus, parseFile } from './helpers/corpus';

const FOLDER = 'openbsd-pf';
const parsed = (file: string) => parseFile(`${FOLDER}/${file}`, { byParser: true });

function events(file: string): FirewallEvent[] {
  const { results, events } = parsed(file);
  for (const { parser, outcome } of results) {
    expect(outcome.kind).toBe('event');
    expect(parser?.id).toBe('openbsd-pf');
  }
  return events;
}

describeCorpus('openbsd-pf on the shared corpus', FOLDER, () => {
  test('ossec-pf-decoder-comment-extract.log: 6 lines, all events (1 syslog-wrapped, 5 bare)', () => {
    const ev = events('ossec-pf-decoder-comment-extract.log');
    expect(ev).toHaveLength(6);
    // Wrapped: the pf stamp (15:32:33.483712), not the relay's 15:33:26; the host is the relay's.
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2024, 2, 30, 15, 32, 33, 483), hostname: 'enigma', action: 'allow', inIf: 'xl0', rule: '2',
      srcIp: '140.211.166.3', srcPort: 6667, dstIp: '192.168.2.10', dstPort: 16290, transport: 'tcp', tcpFlags: 'ACK PSH',
    });
    expect(ev[1]).toMatchObject({ action: 'deny', inIf: 'lo0', dstPort: 23, tcpFlags: 'SYN', hostname: undefined });
    expect(ev[2]).toMatchObject({ transport: 'udp', outIf: 'xl0', srcPort: 1514, dstPort: 1030 });
    expect(ev[4]).toMatchObject({ transport: 'icmp', icmpType: 0, icmpCode: 0, srcPort: undefined });
    expect(ev[5]).toMatchObject({ transport: 'icmp', icmpType: 8, outIf: 'lo0' });
  });

  test('utmfw-pf-php-comment-extract.log: 13 lines, all events', () => {
    const ev = events('utmfw-pf-php-comment-extract.log');
    expect(ev).toHaveLength(13);
    expect(ev.map((e) => e.transport)).toEqual([
      'tcp', 'tcp', 'udp', 'udp', 'igmp', 'udp', 'udp', 'udp', 'udp', 'ipv6-icmp', 'ipv6-icmp', 'ipv6-icmp', 'udp',
    ]);
    expect(ev.filter((e) => e.action === 'deny')).toHaveLength(9);
    expect(ev[0]).toMatchObject({ ts: Date.UTC(2024, 8, 28, 3, 50, 22, 683), rule: '39', inIf: 'em1', dstPort: 443, tcpFlags: 'SYN' });
    expect(ev[2]).toMatchObject({ dstIp: '194.27.110.130', dstPort: 123, outIf: 'em1' }); // NTP decode
    expect(ev[4]).toMatchObject({ srcIp: '10.0.0.11', dstIp: '224.0.0.22', srcPort: undefined });
    expect(ev[8]).toMatchObject({ srcIp: '0.0.0.0', srcPort: 68, dstIp: '255.255.255.255', dstPort: 67 });
    expect(ev[9]).toMatchObject({ srcIp: 'fe80::21f:e2ff:fe61:969a', dstIp: 'ff02::2', icmpType: 133 });
    expect(ev[10]).toMatchObject({ srcIp: '::', dstIp: 'ff02::1:ff61:969a', icmpType: undefined });
    expect(ev[11]).toMatchObject({ srcIp: '::', dstIp: 'ff02::16', icmpType: 143 });
    expect(ev[12]).toMatchObject({ srcIp: 'fe80::a00:27ff:fe4f:2af9', srcPort: 546, dstIp: 'ff02::1:2', dstPort: 547, ts: Date.UTC(2024, 9, 18, 5, 16, 52, 230) });
  });
});
