/**
 * Configured like psad (`config preset psad`), portledger alerts on every scan psad's own test
 * suite expects psad to detect (test/test-psad.pl in github.com/mrash/psad: SYN, multi-destination
 * SYN, sweep, FIN, XMAS, NULL, UDP, IP protocol, IPv6 connect and SYN scans) and stays silent on
 * the valid pings it must not report. The lines are our own (bench/scan-lines.ts), shaped like
 * those scans: the same kind of packets, counts, ports and spacing, documentation addresses.
 */
import { applyPreset } from '../src/config/presets';
import { alertsReport, type AlertRow } from '../reports/alerts';
import { count, freshDb, ingest } from './helpers/db';
import { hosts, logText, portScan, range, type Packet } from '../bench/scan-lines';

const T0 = Date.UTC(2026, 2, 11, 20, 35, 11);
const SCANNER = '198.51.100.55';
const TARGET = '203.0.113.1';
const SCANNER6 = '2001:db8:f101::2';
const TARGET6 = '2001:db8:f101::1';

async function alertsFor(packets: Packet[]): Promise<{ alerts: AlertRow[]; events: number }> {
  const { db } = freshDb();
  applyPreset(db, 'psad');
  await ingest(db, [{ stdin: logText(packets) }]);
  return { alerts: alertsReport(db, { tz: 'UTC' }), events: count(db, 'SELECT count(*) FROM events') };
}

// A TCP probe's flags as netfilter prints them; two packets per port as nmap's retries give psad's logs.
const scan = (flags: string, ports = range(1000, 1150), proto = 'TCP', targets = [TARGET], src = SCANNER) =>
  portScan({ start: T0, src, targets, ports, everyMs: 20, flags, proto, repeat: 2 });


describe('psad preset: the scans psad test suite detects', () => {
  test('IPv4 SYN scan (ports 1000-1500 of one host, nmap -sS sized)', async () => {
    const { alerts } = await alertsFor(scan('SYN', range(1000, 1500)));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, ports: 501, targets: 1, scan_type: 'SYN (-sS)', level: 3 });
  });

  test('IPv4 SYN scan of four destinations: one alert with the four targets', async () => {
    const { alerts } = await alertsFor(scan('SYN', range(1000, 1500), 'TCP', hosts('203.0.113.', 4)));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, targets: 4, ports: 501, level: 4 });
    expect(alerts[0].sample_targets).toEqual(hosts('203.0.113.', 4));
  });

  test('IPv4 SYN sweep: one port on eleven hosts', async () => {
    const packets = portScan({ start: T0, src: SCANNER, targets: hosts('203.0.113.', 11), ports: [1083], everyMs: 50, flags: 'SYN' });
    packets.push({ ...packets[0], ts: T0 + 5000 }); // one retry: 12 packets
    const { alerts } = await alertsFor(packets);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'horizontal-scan', source: SCANNER, port: 1083, targets: 11, level: 1, scan_type: 'SYN (-sS)' });
  });

  // A FIN without ACK is a probe (issue 11's classification), not a late packet.
  test('IPv4 FIN scan (ports 1000-1150)', async () => {
    const { alerts } = await alertsFor(scan('FIN'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, ports: 151, scan_type: 'FIN (-sF)', level: 3 });
  });

  test('IPv4 XMAS scan (URG PSH FIN)', async () => {
    const { alerts } = await alertsFor(scan('URG PSH FIN'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, ports: 151, scan_type: 'XMAS (-sX)', nmap: '-sX', level: 3 });
  });

  // A netfilter TCP line with no flag words between RES= and URGP= is a NULL packet.
  test('IPv4 NULL scan (no flags)', async () => {
    const { alerts } = await alertsFor(scan(''));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, ports: 151, scan_type: 'NULL (-sN)', level: 3 });
  });

  test('IPv4 UDP scan', async () => {
    const { alerts } = await alertsFor(scan('', range(1000, 1150), 'UDP'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, ports: 151, proto: 'udp', scan_type: 'UDP (-sU)', level: 3 });
  });

  test('IPv4 IP protocol scan (nmap -sO: every protocol number, twice)', async () => {
    const packets: Packet[] = [];
    let t = T0;
    for (let r = 0; r < 2; r++)
      for (let proto = 0; proto <= 255; proto++) {
        if (proto === 6 || proto === 17 || proto === 1) continue; // nmap sends those with headers; the rest bare
        packets.push({ ts: (t += 10), src: SCANNER, dst: TARGET, proto: String(proto) });
      }
    const { alerts } = await alertsFor(packets);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER, nmap: expect.stringMatching(/^-sO/), level: 3 });
    expect(alerts[0].scan_type).toMatch(/^IP protocol \(-sO\)/);
    expect(alerts[0].ports).toBeGreaterThanOrEqual(200);
  });

  test('IPv6 TCP connect() scan (nmap -sT: the system SYN with every option)', async () => {
    const ports = [80, 443, 199, 22, 25, 3389, ...range(1000, 1993)];
    const packets = portScan({ start: T0, src: SCANNER6, targets: [TARGET6], ports, everyMs: 5, flags: 'SYN', len: 80 });
    const { alerts } = await alertsFor(packets);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER6, ports: 1000, scan_type: 'connect (-sT)', nmap: '-sT', level: 3 });
  });

  test('IPv6 SYN scan (Topera-like: ports 0-1023 of one host, crafted SYN)', async () => {
    const { alerts } = await alertsFor(portScan({ start: T0, src: SCANNER6, targets: [TARGET6], ports: range(0, 1023), everyMs: 5, flags: 'SYN' }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'vertical-scan', source: SCANNER6, ports: 1024, scan_type: 'SYN (-sS)', level: 3 });
  });
});

describe('psad preset: what psad test suite must not report', () => {
  test('valid IPv4 pings (five echo requests) raise nothing, and are stored', async () => {
    const pings: Packet[] = Array.from({ length: 5 }, (_, i) => ({ ts: T0 + i * 1000, src: SCANNER, dst: TARGET, proto: 'ICMP', icmpType: 8, prefix: 'ICMP' }));
    const { alerts, events } = await alertsFor(pings);
    expect(alerts).toEqual([]);
    expect(events).toBe(5);
  });

  test('valid IPv6 pings and neighbour solicitations raise nothing', async () => {
    const packets: Packet[] = [
      { ts: T0, src: SCANNER6, dst: 'ff02::1:ff00:1', proto: 'ICMPv6', icmpType: 135 },
      { ts: T0 + 156_000, src: SCANNER6, dst: 'ff02::1:ff00:1', proto: 'ICMPv6', icmpType: 135 },
      ...Array.from({ length: 5 }, (_, i): Packet => ({ ts: T0 + i * 1000, src: SCANNER6, dst: TARGET6, proto: 'ICMPv6', icmpType: 128 })),
    ];
    const { alerts, events } = await alertsFor(packets);
    expect(alerts).toEqual([]);
    expect(events).toBe(7);
  });
});
