/**
 * The real Check Point samples in ../shared/corpus/checkpoint (not redistributable): every line
 * must end as an event, a skip or a reject for a true reason. Counts taken by reading the files.
 */
import { describeCorpus, ev, parseFile } from './helpers/corpus';

const run = (file: string) => parseFile(`checkpoint/${file}`);

describeCorpus('corpus: checkpoint', 'checkpoint', () => {
  test('beats-checkpoint-R81.log: a Log Update accounting record', () => {
    const { lines, tally } = run('beats-checkpoint-R81.log');
    expect(lines).toHaveLength(1);
    expect(tally).toEqual({ 'skip: session-update': 1 });
  });

  test('beats-checkpoint-with-time.log', () => {
    const { tally, eventAt: events, results } = run('beats-checkpoint-with-time.log');
    expect(tally).toEqual({ event: 2 });
    expect(results.every((r) => r.parser?.id === 'checkpoint')).toBe(true);
    // time:"1594646954" (not the 2020-03-30 header), Local → External zones.
    expect(ev(events[0])).toMatchObject({
      ts: 1594646954000, action: 'allow', transport: 'udp', srcIp: '192.168.1.100', srcPort: 43103,
      dstIp: '192.168.1.153', dstPort: 514, outIf: 'eth0', inZone: 'Local', outZone: 'External', direction: 'outbound',
    });
    expect(ev(events[1])).toMatchObject({ action: 'deny', transport: 'tcp', dstPort: 80, inIf: 'bond1.3999', hostname: '127.0.0.1' });
  });

  test('integrations-checkpoint-gw-lab.log', () => {
    const { lines, tally, eventAt: events } = run('integrations-checkpoint-gw-lab.log');
    expect(lines).toHaveLength(21);
    // 7 records without action: 2 System Monitor, 3 Contracts, Application Control and URL Filtering updates.
    expect(tally).toEqual({ event: 14, 'skip: system-message': 7 });
    // ifdir inbound but conn_direction Outgoing: the DNS query of a LAN host.
    expect(ev(events[7])).toMatchObject({ srcIp: '192.168.2.2', dstIp: '8.8.8.8', dstPort: 53, inIf: 'eth1', direction: 'outbound' });
    // The out-of-state FIN-ACK drop.
    expect(ev(events[16])).toMatchObject({ action: 'deny', tcpFlags: 'ACK FIN', dstIp: '2.21.41.118', dstPort: 80 });
    // External → Local ssh to the gateway.
    expect(ev(events[19])).toMatchObject({ dstPort: 22, direction: 'inbound', inIf: 'eth0' });
  });

  test('integrations-checkpoint-packet-drop.log: aggregated drops have no single tuple', () => {
    const { tally } = run('integrations-checkpoint-packet-drop.log');
    expect(tally).toEqual({ 'reject: aggregated-record': 2 });
  });

  test('wazuh-checkpoint-smart1-ini-extract.log', () => {
    const { lines, tally, eventAt: events } = run('wazuh-checkpoint-smart1-ini-extract.log');
    expect(lines).toHaveLength(5);
    // Drop and Decrypt are connections; IKE Reject and Key Install are VPN; the Encrypt record was cut short.
    expect(tally).toEqual({ event: 2, 'skip: vpn-message': 2, 'reject: truncated': 1 });
    expect(ev(events[0])).toMatchObject({
      ts: 1557937550000, action: 'deny', transport: 'udp', dstPort: 1514, rule: 'CleanUp Rule', direction: 'internal', inIf: 'eth2',
    });
    expect(ev(events[3])).toMatchObject({ action: 'allow', dstPort: 51262, rule: 'SafeCharge SEC', direction: 'inbound' });
  });
});
