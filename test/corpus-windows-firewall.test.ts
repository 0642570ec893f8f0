/**
 * Windows Firewall pfirewall.log from the shared corpus (../shared/corpus/windows-firewall, see
 * its MANIFEST.md). Skips when the corpus is absent. The counts below were taken with awk over
 * the file's columns (action, protocol, address family, path), not from the parser's output.
 */
import type { FirewallEvent } from '../parsers/types';
import { describeCorpus, parseFile } from './helpers/corpus';

const FOLDER = 'windows-firewall';
const FILE = 'betahydri-pfirewall.log';

describeCorpus('windows-firewall on the shared corpus', FOLDER, () => {
  const tally: Record<string, number> = {};
  const ev: FirewallEvent[] = [];
  let lineCount = 0;
  let declared: unknown;

  beforeAll(() => {
    // One parser memory for the file, as the pipeline keeps one per source: the #Fields: line
    // decides the columns of the records after it.
    const parsed = parseFile(`${FOLDER}/${FILE}`, { byParser: true });
    lineCount = parsed.lines.length;
    Object.assign(tally, parsed.tally);
    ev.push(...parsed.events);
    declared = parsed.state.get('windows-firewall.fields');
  });

  test(`${FILE}: 16814 lines = 4 headers + 1 blank + 2 INFO-EVENTS-LOST + 16807 events`, () => {
    expect(lineCount).toBe(16814);
    expect(tally).toEqual({
      'skip: log-header': 4, 'skip: empty-line': 1, 'skip: device-lost-records': 2, 'event windows-firewall': 16807,
    });
  });

  test('the #Fields: line decided the columns', () => {
    expect(declared).toEqual('date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path'.split(' '));
  });

  test('actions, protocols and paths', () => {
    const count = (f: (e: FirewallEvent) => boolean) => ev.filter(f).length;
    expect(count((e) => e.action === 'deny')).toBe(11688);
    expect(count((e) => e.action === 'allow')).toBe(5119);
    expect(count((e) => e.transport === 'udp')).toBe(11688 + 1224 + 2448);
    expect(count((e) => e.transport === 'tcp')).toBe(61 + 1305);
    expect(count((e) => e.transport === 'icmp')).toBe(3);
    expect(count((e) => e.transport === 'ipv6-icmp')).toBe(46);
    expect(count((e) => e.transport === 'igmp')).toBe(32);
    expect(count((e) => e.direction === 'inbound')).toBe(13000);
    expect(count((e) => e.direction === 'outbound')).toBe(3807);
    expect(count((e) => e.srcIp.includes(':'))).toBe(6995);
  });

  test('concrete records', () => {
    // first data line (line 6)
    expect(ev[0]).toMatchObject({
      ts: Date.UTC(2021, 5, 22, 12, 19, 41), action: 'deny', transport: 'udp', srcIp: '192.168.178.25', srcPort: 5353,
      dstIp: '224.0.0.251', dstPort: 5353, length: 73, direction: 'inbound',
    });
    // last line
    expect(ev[ev.length - 1]).toMatchObject({ dstIp: '239.255.255.250', srcPort: 40093, dstPort: 1900, length: 174 });
    const ra = ev.find((e) => e.srcIp === 'fe80::464e:6dff:fea9:dfca' && e.icmpType === 134);
    expect(ra).toMatchObject({ transport: 'ipv6-icmp', icmpCode: 0, dstIp: 'ff02::1', action: 'allow' });
    const igmp = ev.find((e) => e.transport === 'igmp');
    expect(igmp).toMatchObject({ srcIp: '192.168.178.1', dstIp: '224.0.0.1', direction: 'inbound', srcPort: undefined });
    // hosts never come from the envelope's misreading of the action word as a host name
    expect(ev.some((e) => e.hostname !== undefined)).toBe(false);
  });
}, FILE);
