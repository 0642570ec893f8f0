/**
 * Stamps whose fields name no real time — Feb 29 in a year that has none, Apr 31, 24:00, minute
 * 60 — were rolled over by `Date.UTC` into a real but wrong instant (Feb 29 2023 became Mar 1)
 * and stored as events. Every stamp reader now leaves them NaN, and the parse stage makes each
 * such record the reject `impossible-date`. The envelope readers (RFC 3164, ISO-8601, RFC 5424,
 * dmesg -T, OpenWrt logread, Proxmox, JSON) are pinned by fixtures/netfilter/impossible-dates.log;
 * here every format that reads a date of its own.
 */
import { createClock } from '../parsers/clock';
import { parseRecord } from '../parsers/index';
import { civilToUtc, IMPOSSIBLE_DATE, isCivil } from '../parsers/lib/time-checks';

const clock = (fixedYear = 2024) => createClock('UTC', { fixedYear, reference: () => Date.UTC(2024, 11, 31) });
const outcome = (line: string, year?: number) => parseRecord(line, clock(year)).outcome;
const REJECT = { kind: 'reject', reason: IMPOSSIBLE_DATE };

const PAN = (recv: string, gen: string) =>
  `Mar  3 10:15:42 pa-fw 1,${recv},012801000001,TRAFFIC,deny,2561,${gen},203.0.113.7,192.0.2.10,0.0.0.0,0.0.0.0,deny-inbound,,,not-applicable,vsys1,untrust,trust,ethernet1/1,,default,${gen},0,1,51234,22,0,0,0x0,tcp,deny,60,60,0,1,${gen},0,any,0,7000000001,0x0,United States,192.0.2.0-192.0.2.255,0,1,0,policy-deny,0,0,0,0,,pa-fw,from-policy,,,0,,0,,N/A,0,0,0,0`;

// [format, a line with an impossible stamp of the format's own, the same line with a real one, its instant]
const CASES: [string, string, string, string][] = [
  [
    'openbsd-pf',
    'Feb 30 10:15:42.123456 rule 12/(match) block in on em0: 203.0.113.7.51234 > 192.0.2.10.22: S 1414213562:1414213562(0) win 64240 <mss 1460> (DF)',
    'Feb 28 10:15:42.123456 rule 12/(match) block in on em0: 203.0.113.7.51234 > 192.0.2.10.22: S 1414213562:1414213562(0) win 64240 <mss 1460> (DF)',
    '2024-02-28T10:15:42.123Z',
  ],
  [
    'windows-firewall',
    '2023-02-29 10:15:42 DROP TCP 203.0.113.7 192.0.2.10 51234 3389 52 S 1414213562 0 64240 - - - RECEIVE',
    '2024-02-29 10:15:42 DROP TCP 203.0.113.7 192.0.2.10 51234 3389 52 S 1414213562 0 64240 - - - RECEIVE',
    '2024-02-29T10:15:42.000Z',
  ],
  [
    'mikrotik',
    'apr/31 10:15:42 firewall,info drop-in input: in:ether1 out:(unknown 0), src-mac 00:00:5e:00:53:01, proto TCP (SYN), 203.0.113.7:51234->192.0.2.10:23, len 40',
    'apr/30 10:15:42 firewall,info drop-in input: in:ether1 out:(unknown 0), src-mac 00:00:5e:00:53:01, proto TCP (SYN), 203.0.113.7:51234->192.0.2.10:23, len 40',
    '2024-04-30T10:15:42.000Z',
  ],
  [
    'sonicwall',
    '<134>id=firewall sn=0017C5000001 time="2024-02-30 14:22:01 UTC" fw=203.0.113.1 pri=5 c=64 m=36 msg="TCP connection dropped" n=41 src=198.51.100.7:40522:X1 dst=203.0.113.1:23:X1 proto=tcp/telnet fw_action="drop"',
    '<134>id=firewall sn=0017C5000001 time="2024-02-29 14:22:01 UTC" fw=203.0.113.1 pri=5 c=64 m=36 msg="TCP connection dropped" n=41 src=198.51.100.7:40522:X1 dst=203.0.113.1:23:X1 proto=tcp/telnet fw_action="drop"',
    '2024-02-29T14:22:01.000Z',
  ],
  [
    'netgear',
    '[DoS Attack: SYN/ACK Scan] from source: 203.0.113.5, port 443, Saturday, June 31, 2017 19:56:44',
    '[DoS Attack: SYN/ACK Scan] from source: 203.0.113.5, port 443, Friday, June 30, 2017 19:56:44',
    '2017-06-30T19:56:44.000Z',
  ],
  [
    'zeek-conn',
    '{"ts":"2024-04-31T10:15:42Z","uid":"C1","id.orig_h":"203.0.113.7","id.orig_p":40522,"id.resp_h":"192.0.2.10","id.resp_p":22,"proto":"tcp","conn_state":"S0","history":"S","orig_pkts":2}',
    '{"ts":"2024-04-30T10:15:42Z","uid":"C1","id.orig_h":"203.0.113.7","id.orig_p":40522,"id.resp_h":"192.0.2.10","id.resp_p":22,"proto":"tcp","conn_state":"S0","history":"S","orig_pkts":2}',
    '2024-04-30T10:15:42.000Z',
  ],
  ['dshield', '2023-02-29 14:22:01 -05:00\t0\t1\t203.0.113.7\t40522\t192.0.2.10\t23\tTCP\tS', '2024-02-29 14:22:01 -05:00\t0\t1\t203.0.113.7\t40522\t192.0.2.10\t23\tTCP\tS', '2024-02-29T19:22:01.000Z'],
  [
    'cisco-asa',
    'Apr 31 2018 12:34:56 fw01 : %ASA-4-106023: Deny tcp src outside:203.0.113.7/51234 dst inside:192.0.2.10/22 by access-group "OUTSIDE_IN" [0x0, 0x0]',
    'Apr 30 2018 12:34:56 fw01 : %ASA-4-106023: Deny tcp src outside:203.0.113.7/51234 dst inside:192.0.2.10/22 by access-group "OUTSIDE_IN" [0x0, 0x0]',
    '2018-04-30T12:34:56.000Z',
  ],
  [
    'cisco-ios',
    '000123: Mar  1 24:46:11.123 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(51234) -> 192.0.2.10(23), 1 packet',
    '000123: Mar  1 23:46:11.123 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(51234) -> 192.0.2.10(23), 1 packet',
    '2024-03-01T23:46:11.123Z',
  ],
  [
    'fortigate',
    'date=2024-02-30 time=10:15:42 devname="fgt-edge" logid="0000000013" type="traffic" subtype="forward" srcip=203.0.113.7 srcport=51234 srcintf="wan1" srcintfrole="wan" dstip=192.0.2.10 dstport=22 dstintf="internal" dstintfrole="lan" proto=6 action="deny" policyid=0',
    'date=2024-02-29 time=10:15:42 devname="fgt-edge" logid="0000000013" type="traffic" subtype="forward" srcip=203.0.113.7 srcport=51234 srcintf="wan1" srcintfrole="wan" dstip=192.0.2.10 dstport=22 dstintf="internal" dstintfrole="lan" proto=6 action="deny" policyid=0',
    '2024-02-29T10:15:42.000Z',
  ],
  ['paloalto', PAN('2024/02/30 10:15:42', '2024/02/30 10:15:41'), PAN('2024/02/29 10:15:42', '2024/02/29 10:15:41'), '2024-02-29T10:15:41.000Z'],
  [
    'juniper-srx',
    '<14>1 2024-02-30T10:15:42.123Z srx-edge RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 source-address="203.0.113.7" source-port="51234" destination-address="192.0.2.10" destination-port="22" service-name="junos-ssh" protocol-id="6" icmp-type="0" policy-name="default-deny" source-zone-name="untrust" destination-zone-name="trust" packet-incoming-interface="ge-0/0/0.0" reason="policy deny"]',
    '<14>1 2024-02-29T10:15:42.123Z srx-edge RT_FLOW - RT_FLOW_SESSION_DENY [junos@2636.1.1.1.2.129 source-address="203.0.113.7" source-port="51234" destination-address="192.0.2.10" destination-port="22" service-name="junos-ssh" protocol-id="6" icmp-type="0" policy-name="default-deny" source-zone-name="untrust" destination-zone-name="trust" packet-incoming-interface="ge-0/0/0.0" reason="policy deny"]',
    '2024-02-29T10:15:42.123Z',
  ],
  [
    'zyxel',
    '<132>Apr 31 14:22:01 zywall src="203.0.113.9:4122" dst="192.0.2.10:23" msg="Firewall default policy: TCP (WAN to LAN)" note="ACCESS BLOCK" devID="00a0c5000001" cat="Access Control"',
    '<132>Apr 30 14:22:01 zywall src="203.0.113.9:4122" dst="192.0.2.10:23" msg="Firewall default policy: TCP (WAN to LAN)" note="ACCESS BLOCK" devID="00a0c5000001" cat="Access Control"',
    '2024-04-30T14:22:01.000Z',
  ],
];

describe.each(CASES)('%s', (id, bad, good, instant) => {
  test('an impossible date of its own is the reject impossible-date', () => {
    const r = parseRecord(bad, clock());
    expect(r.parser?.id).toBe(id);
    expect(r.outcome).toEqual(REJECT);
  });

  test('the same line with a real date is an event at that instant', () => {
    const o = outcome(good);
    expect(o.kind).toBe('event');
    if (o.kind === 'event') expect(new Date(o.event.ts).toISOString()).toBe(instant);
  });
});

describe('year-less stamps take the year they are read in', () => {
  test('Feb 29 exists in 2024, not in 2023', () => {
    const line = 'Feb 29 10:15:42 fw filterlog[4242]: 5,,,1000000103,igb0,match,block,in,4,0x0,,51,4242,0,DF,6,tcp,60,203.0.113.7,192.0.2.10,51234,22,0,S,1414213562,,64240,,mss';
    expect(outcome(line, 2023)).toEqual(REJECT);
    expect(outcome(line, 2024)).toMatchObject({ kind: 'event', event: { ts: Date.UTC(2024, 1, 29, 10, 15, 42) } });
  });

  test('a local stamp in a zone with DST: 24:00 and minute 60 are no times', () => {
    const berlin = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    expect(berlin.localToUtc(2024, 6, 14, 24, 0, 0)).toBeNaN();
    expect(berlin.localToUtc(2024, 6, 14, 10, 60, 0)).toBeNaN();
    expect(berlin.localToUtc(2024, 6, 14, 10, 0, 0)).toBe(Date.UTC(2024, 5, 14, 8));
  });
});

describe('civilToUtc', () => {
  test('refuses what Date.UTC rolls over', () => {
    expect(Date.UTC(2023, 1, 29)).toBe(Date.UTC(2023, 2, 1)); // the roll-over this replaces
    expect(civilToUtc(2023, 2, 29, 0, 0, 0)).toBeNaN();
    expect(civilToUtc(2024, 4, 31, 0, 0, 0)).toBeNaN();
    expect(civilToUtc(2024, 6, 14, 24, 0, 0)).toBeNaN();
    expect(civilToUtc(2024, 13, 1, 0, 0, 0)).toBeNaN();
    expect(civilToUtc(2024, 0, 1, 0, 0, 0)).toBeNaN();
    expect(civilToUtc(1900, 2, 29, 0, 0, 0)).toBeNaN(); // not a leap year (divisible by 100)
    expect(civilToUtc(2000, 2, 29, 0, 0, 0)).toBe(Date.UTC(2000, 1, 29)); // a leap year (divisible by 400)
  });

  test('a leap second is a real time, carried into the next minute; years below 100 stay as written', () => {
    expect(isCivil(2016, 12, 31, 23, 59, 60)).toBe(true);
    expect(civilToUtc(2016, 12, 31, 23, 59, 60)).toBe(Date.UTC(2017, 0, 1));
    expect(new Date(civilToUtc(24, 6, 14, 0, 0, 0)).getUTCFullYear()).toBe(24);
  });
});
