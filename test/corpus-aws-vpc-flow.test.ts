/**
 * The real VPC Flow Logs samples in ../shared/corpus/aws-vpc-flow (not redistributable): every
 * line must end as an event, a skip or a reject for a true reason. Counts taken by reading the
 * files.
 */
import { describeCorpus, ev, parseFile } from './helpers/corpus';

const run = (file: string) => parseFile(`aws-vpc-flow/${file}`);

describeCorpus('corpus: aws-vpc-flow', 'aws-vpc-flow', () => {
  test('beats-vpcflow-accept-reject.log: header + 4 v2 records', () => {
    const { lines, tally, eventAt: events, results } = run('beats-vpcflow-accept-reject.log');
    expect(lines).toHaveLength(5);
    expect(tally).toEqual({ event: 4, 'skip: log-header': 1 });
    expect(results.every((r) => r.parser?.id === 'aws-vpc-flow')).toBe(true);
    expect(ev(events[1])).toMatchObject({
      ts: 1418530010000, action: 'allow', transport: 'tcp', srcIp: '78.24.182.42', srcPort: 20641, dstIp: '158.109.0.1', dstPort: 22, count: 20,
    });
    expect(ev(events[4])).toMatchObject({ action: 'deny', transport: 'icmp', srcPort: undefined, count: 4 });
  });

  test('integrations-vpcflow-extra-samples.log: no header, NODATA / SKIPDATA, IPv6, no final newline', () => {
    const { lines, tally, eventAt: events } = run('integrations-vpcflow-extra-samples.log');
    expect(lines).toHaveLength(7);
    expect(tally).toEqual({ event: 5, 'skip: no-flow-data': 1, 'skip: device-lost-records': 1 });
    expect(ev(events[0])).toMatchObject({ srcIp: '2001:db8:1234:a100:8d6e:3477:df66:f105', dstPort: 22, count: 54, ts: 1477913708000 });
    expect(ev(events[4])).toMatchObject({ action: 'deny', dstPort: 3389 });
  });

  test('integrations-vpcflow-v5-all-fields.log: start has lost a digit', () => {
    // start=164000066 (1975) against end=1640000297: the record is damaged.
    const { lines, tally } = run('integrations-vpcflow-v5-all-fields.log');
    expect(lines).toHaveLength(1);
    expect(tally).toEqual({ 'reject: bad-timestamp': 1 });
  });

  test('restart-lab-vpcflow-head-extract.log: scanners rejected, instance egress accepted', () => {
    const { lines, tally, eventAt: events, state } = run('restart-lab-vpcflow-head-extract.log');
    expect(lines).toHaveLength(10);
    // The records were read through the header line.
    expect(state.get('aws-vpc-flow.fields')).toEqual('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(' '));
    expect(tally).toEqual({ event: 9, 'skip: log-header': 1 });
    expect(events.filter((e) => e?.action === 'deny').map((e) => e?.dstPort)).toEqual([3128, 5683, 46615, 102, 12083]);
    expect(ev(events[2])).toMatchObject({ transport: 'udp', srcIp: '65.49.1.107', dstIp: '10.0.1.198', count: 1, ts: 1775386055000 });
    expect(ev(events[7])).toMatchObject({ action: 'allow', srcIp: '10.0.1.113', dstPort: 443, count: 54 });
  });
});
