/**
 * The real Netgear router logs in ../shared/corpus/netgear (no licence to redistribute): every
 * line must end as an event, a skip or a reject for a true reason. Counts taken with grep on the
 * bracketed types (the full file also holds 41 unresolved git merge-conflict blocks, 3 marker
 * lines each, which are not Netgear lines at all, and mixed CRLF/LF endings).
 */
import { describeCorpus, ev, parseFile } from './helpers/corpus';

const run = (file: string) => parseFile(`netgear/${file}`);

describeCorpus('corpus: netgear', 'netgear', () => {
  test('netgear-routerHack-201707.log', () => {
    const { lines, tally, eventAt: events, results } = run('netgear-routerHack-201707.log');
    expect(lines).toHaveLength(1505);
    // 1055 SYN/ACK + 242 ACK + 88 Ascend Kill + 52 RST + 35 Chargen + 30 Echo + 1 ICMP Scan.
    expect(tally).toEqual({ event: 1503, 'skip: system-message': 1, 'skip: security-alert': 1 });
    expect(results.every((r) => r.parser?.id === 'netgear')).toBe(true);
    expect(ev(events[0])).toMatchObject({
      ts: Date.UTC(2017, 6, 24, 21, 42, 17), action: 'deny', transport: 'tcp', tcpFlags: 'ACK SYN',
      srcIp: '217.182.103.207', srcPort: 80, dstIp: '', dstPort: undefined, direction: 'inbound', rule: 'DoS Attack: SYN/ACK Scan',
    });
    expect(ev(events[29])).toMatchObject({ transport: 'unknown', srcIp: '212.129.18.55', srcPort: 59759, rule: 'DoS Attack: TCP/UDP Chargen' });
    const counts: Record<string, number> = {};
    for (const e of events) if (e) counts[e.transport] = (counts[e.transport] ?? 0) + 1;
    expect(counts).toEqual({ tcp: 1055 + 242 + 52, udp: 88, unknown: 35 + 30, icmp: 1 });
  });

  test('netgear-routerHack-full.log', () => {
    const { lines, tally, eventAt: events } = run('netgear-routerHack-full.log');
    expect(lines).toHaveLength(6333);
    expect(tally).toEqual({
      event: 3862 + 1177 + 389 + 155 + 48 + 1,
      'skip: dhcp-message': 568,
      'skip: not-firewall': 123, // <<<<<<< / ======= / >>>>>>> merge markers
      'skip: system-message': 5,
      'skip: admin-message': 3,
      'skip: security-alert': 2,
    });
    // Line 2, after a merge marker, with CRLF.
    expect(ev(events[1])).toMatchObject({ ts: Date.UTC(2017, 5, 27, 19, 56, 44), srcIp: '184.83.0.198', srcPort: 22 });
    // The padded export lines near the end: `[DoS Attack: ACK Scan]   from source: …,   port 443,  Wednesday, …`.
    const padded = events.filter((e) => e?.srcIp === '50.234.5.128' && e.ts === Date.UTC(2017, 4, 24, 14, 40, 50));
    expect(padded).toHaveLength(1);
    expect(padded[0]).toMatchObject({ srcPort: 443, tcpFlags: 'ACK' });
    expect(events.filter((e) => e?.rule === 'DoS Attack: UDP Port Scan').map((e) => e?.transport)).toEqual(['udp']);
  });
});
