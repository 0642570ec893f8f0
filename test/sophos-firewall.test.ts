/**
 * Sophos Firewall beyond its fixture lines: the zone rule by zone type, the device time zone
 * read by the one rule (Cyberoam's IST in the India region), and cut lines never crashing.
 */
import { createClock } from '../parsers/clock';
import { peelEnvelope } from '../parsers/envelope/peel';
import { sophosFirewall } from '../parsers/sophos-firewall';
import { parseEvent, parseLine, utc } from './helpers/parse';

const LINE = (extra: string) =>
  `device="SFW" date=2024-03-05 time=15:30:00 timezone="IST" log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" fw_rule_id=0 src_ip=203.0.113.7 dst_ip=192.0.2.10 protocol="TCP" src_port=40000 dst_port=22 ${extra}`;

describe('sophos-firewall', () => {
  test('IST is India with --tz Asia/Kolkata, and an ambiguous-time-zone reject with --tz UTC', () => {
    expect(parseEvent(LINE(''), createClock('Asia/Kolkata', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) })).ts).toBe(Date.UTC(2024, 2, 5, 10, 0, 0));
    expect(parseLine(LINE(''))).toEqual({ kind: 'reject', reason: 'ambiguous-time-zone', detail: 'IST' });
  });

  test.each([
    ['srczonetype="WAN" dstzonetype="LAN"', 'inbound'],
    ['srczonetype="WAN" dstzonetype="LOCAL"', 'inbound'],
    ['srczonetype="LAN" dstzonetype="WAN"', 'outbound'],
    ['srczonetype="DMZ" dstzonetype="LAN"', 'internal'],
    ['srczonetype="VPN" dstzonetype="LAN"', undefined],
    ['srczone="untrust-isp2" dstzone="Servers"', 'inbound'],
  ])('%s → %s', (zones, direction) => {
    const c = createClock('Asia/Kolkata', { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });
    expect(parseEvent(LINE(zones), c).direction).toBe(direction);
  });

  test('cut lines are rejects or skips, never a parser failure', () => {
    const c = utc();
    const line = LINE('srczonetype="WAN" dstzonetype="LAN" src_mac=00:00:5e:00:53:02').replace('"IST"', '"+05:30"');
    for (let i = 1; i <= line.length; i++) {
      for (const l of [line.slice(0, i), `${line.slice(0, i)}"="${line.slice(i)}`]) {
        const env = peelEnvelope(l, c);
        if (!sophosFirewall.sniff(env)) continue;
        const o = sophosFirewall.parse(env, c);
        expect(o.kind === 'reject' && o.reason === 'parser-error').toBe(false);
      }
    }
  });
});
