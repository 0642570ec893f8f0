import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';

const utc = createClock('UTC', { fixedYear: 2024, reference: () => 0 });
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('syslog envelope', () => {
  test('RFC 3164 with padded day, hostname, kernel tag and uptime stamp', () => {
    const e = peelEnvelope('Feb  4 23:33:37 hostname kernel: [ 3529.289825] [UFW BLOCK] IN=eth0 OUT=', utc);
    expect(e).toMatchObject({ kind: 'rfc3164', hostname: 'hostname', tag: 'kernel', uptime: 3529.289825 });
    expect(e.message).toBe('[UFW BLOCK] IN=eth0 OUT=');
    expect(iso(e.ts)).toBe('2024-02-04T23:33:37.000Z');
  });

  test('RFC 3164 with PRI, unpadded day and program[pid]', () => {
    const e = peelEnvelope('<134>Jan 1 02:21:38 fw.example filterlog[97530]: 5,,,1000000103,igb0,match', utc);
    expect(e).toMatchObject({ hostname: 'fw.example', tag: 'filterlog', pid: '97530', message: '5,,,1000000103,igb0,match' });
  });

  test('no hostname: the first token is the tag', () => {
    const e = peelEnvelope('Oct 12 20:24:53 kernel: DROP IN=eth0 OUT=', utc);
    expect(e.hostname).toBeUndefined();
    expect(e).toMatchObject({ tag: 'kernel', message: 'DROP IN=eth0 OUT=' });
  });

  test('facility.level inserted after the hostname', () => {
    const e = peelEnvelope('May  5 20:46:45 gw user.info kernel: TTL=126 ID=1', utc);
    expect(e).toMatchObject({ hostname: 'gw', tag: 'kernel', message: 'TTL=126 ID=1' });
  });

  test('a log prefix in the tag position and a duplicated hostname', () => {
    expect(peelEnvelope('Apr  2 19:54:54 box IN-work: IN=realize OUT=', utc)).toMatchObject({ hostname: 'box', tag: 'IN-work', message: 'IN=realize OUT=' });
    const dup = peelEnvelope('Jun 13 23:29:15 UDMP UDMP [WAN_LOCAL-D-1] IN=eth8', utc);
    expect(dup).toMatchObject({ hostname: 'UDMP', message: '[WAN_LOCAL-D-1] IN=eth8' });
    expect(dup.tag).toBeUndefined();
  });

  test('RFC 3164 stamp with a year and a colon (Cisco)', () => {
    const e = peelEnvelope('Apr 15 2013 09:36:50: %ASA-4-106023: Deny tcp', utc);
    expect(iso(e.ts)).toBe('2013-04-15T09:36:50.000Z');
    expect(e.message).toBe('%ASA-4-106023: Deny tcp');
  });

  test('RFC 5424 with structured data, microseconds and an offset', () => {
    const e = peelEnvelope('<134>1 2025-11-06T11:32:42.868451-05:00 firewall.lan filterlog 92653 - [meta sequenceId="26"] 5,,,rule', utc);
    expect(e).toMatchObject({ kind: 'rfc5424', hostname: 'firewall.lan', tag: 'filterlog', pid: '92653', structuredData: '[meta sequenceId="26"]', message: '5,,,rule' });
    expect(iso(e.ts)).toBe('2025-11-06T16:32:42.868Z');
  });

  test('RFC 5424 without PRI and RFC 6587 octet counting', () => {
    expect(peelEnvelope('1 2019-05-15T16:25:50Z HOST CheckPoint 19710 - [action:"Drop"]', utc)).toMatchObject({ hostname: 'HOST', tag: 'CheckPoint', structuredData: '[action:"Drop"]', message: '' });
    const e = peelEnvelope('535 <14>1 2020-03-27T09:57:41+01:00 PA-VM - - - - 1,2020/03/27', utc);
    expect(e).toMatchObject({ hostname: 'PA-VM', message: '1,2020/03/27' });
    expect(iso(e.ts)).toBe('2020-03-27T08:57:41.000Z');
  });

  test('ISO-8601 prefix from a relay, without and with zone', () => {
    const e = peelEnvelope('2023-03-18T20:35:05.734637+01:00 10.120.127.1 firewall,info drop-in input: in:ether1', utc);
    expect(e).toMatchObject({ kind: 'iso8601', hostname: '10.120.127.1', message: 'firewall,info drop-in input: in:ether1' });
    const ny = createClock('America/New_York', { fixedYear: 2024, reference: () => 0 });
    expect(iso(peelEnvelope('2024-07-01 12:00:00 host kernel: IN=x', ny).ts)).toBe('2024-07-01T16:00:00.000Z');
  });

  test('dmesg -T and Proxmox pve-firewall', () => {
    const d = peelEnvelope('[Thu Mar 11 20:05:08 2021] [nftables] input reject IN=enp1s0', utc);
    expect(d).toMatchObject({ kind: 'dmesg', message: '[nftables] input reject IN=enp1s0' });
    expect(iso(d.ts)).toBe('2021-03-11T20:05:08.000Z');
    const p = peelEnvelope('0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0', utc);
    expect(p).toMatchObject({ kind: 'pvefw', tag: 'PVEFW-HOST-IN', message: 'policy DROP: IN=vmbr0' });
    expect(iso(p.ts)).toBe('2022-06-20T11:09:14.000Z');
  });

  test('journald JSON export and a Filebeat event', () => {
    const j = peelEnvelope('{"__REALTIME_TIMESTAMP":"1700000000123456","_HOSTNAME":"gw","SYSLOG_IDENTIFIER":"kernel","MESSAGE":"DROP IN=eth0"}', utc);
    expect(j).toMatchObject({ kind: 'json', hostname: 'gw', tag: 'kernel', message: 'DROP IN=eth0', ts: 1700000000123 });
    const f = peelEnvelope('{"@timestamp":"2022-01-12T12:43:58.224Z","message":"x IN=eth0","host":{"hostname":"h"}}', utc);
    expect(f).toMatchObject({ hostname: 'h', message: 'x IN=eth0', ts: Date.UTC(2022, 0, 12, 12, 43, 58, 224) });
  });

  test('a line with no envelope is all message', () => {
    expect(peelEnvelope('[UFW BLOCK] IN=weave OUT=weave', utc)).toMatchObject({ kind: 'none', message: '[UFW BLOCK] IN=weave OUT=weave' });
    expect(peelEnvelope('', utc)).toMatchObject({ kind: 'none', message: '' });
  });
});

describe('year inference and zones', () => {
  test('a year-less log running over New Year, referenced to the file time', () => {
    const clock = createClock('UTC', { reference: () => Date.UTC(2025, 0, 2, 8) });
    expect(iso(peelEnvelope('Dec 31 23:59:59 h kernel: x', clock).ts)).toBe('2024-12-31T23:59:59.000Z');
    expect(iso(peelEnvelope('Jan  1 00:00:01 h kernel: x', clock).ts)).toBe('2025-01-01T00:00:01.000Z');
  });

  test('--year rolls forward at New Year and back for a straggler', () => {
    const clock = createClock('UTC', { fixedYear: 2023, reference: () => 0 });
    const years = ['Dec 31 23:59:58', 'Jan  1 00:00:01', 'Dec 31 23:59:59', 'Jan  1 00:00:02'].map(
      (s) => new Date(peelEnvelope(`${s} h kernel: x`, clock).ts!).getUTCFullYear(),
    );
    expect(years).toEqual([2023, 2024, 2023, 2024]);
  });

  test('local time across a DST change (Europe/Berlin, 2024-03-31 and 2024-10-27)', () => {
    const clock = createClock('Europe/Berlin', { fixedYear: 2024, reference: () => 0 });
    const at = (s: string) => iso(peelEnvelope(`${s} h kernel: x`, clock).ts);
    expect(at('Mar 31 01:59:59')).toBe('2024-03-31T00:59:59.000Z'); // CET
    expect(at('Mar 31 03:00:00')).toBe('2024-03-31T01:00:00.000Z'); // CEST
    expect(at('Oct 27 01:30:00')).toBe('2024-10-26T23:30:00.000Z'); // CEST
    expect(at('Oct 27 03:30:00')).toBe('2024-10-27T02:30:00.000Z'); // CET
    expect(at('Oct 27 02:30:00')).toBe('2024-10-27T00:30:00.000Z'); // repeated hour: the earlier
    expect(at('Mar 31 02:30:00')).toBe('2024-03-31T01:30:00.000Z'); // skipped hour: moved forward
  });

  test('an unknown zone is a clear error', () => {
    expect(() => createClock('Mars/Olympus', { reference: () => 0 })).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});

describe('more envelopes', () => {
  test('OpenWrt logread stamps (weekday, year, facility.level, no hostname)', () => {
    const e = peelEnvelope('Sun Jun  2 16:18:17 2024 kern.warn kernel: [12.3] DROP wan in: IN=eth1 OUT=', utc);
    expect(e).toMatchObject({ tag: 'kernel', message: 'DROP wan in: IN=eth1 OUT=', uptime: 12.3 });
    expect(e.hostname).toBeUndefined();
    expect(iso(e.ts)).toBe('2024-06-02T16:18:17.000Z');
  });

  test('the pve-firewall logger\'s own lines have no chain tag', () => {
    expect(peelEnvelope('0 5 - 20/Jun/2022:13:09:14 +0200 starting pvefw logger', utc).tag).toBeUndefined();
  });

  test('a single event wrapped in {"events": […]}', () => {
    const e = peelEnvelope('{"events":[{"@timestamp":"2022-01-12T12:43:58.224Z","message":"DROP IN=eth0"}]}', utc);
    expect(e).toMatchObject({ kind: 'json', message: 'DROP IN=eth0', ts: Date.UTC(2022, 0, 12, 12, 43, 58, 224) });
  });
});
