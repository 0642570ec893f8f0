/**
 * Sophos Firewall (SFOS, formerly XG; and Cyberoam CROS, whose format it kept) syslog, key=value:
 *
 *   device="SFW" date=2024-03-05 time=10:00:00 timezone="CET" device_name="XG210" log_id=010101600001
 *   log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" fw_rule_id=5
 *   in_interface="Port2" src_ip=203.0.113.7 dst_ip=192.0.2.10 protocol="TCP" src_port=51234 dst_port=22
 *   srczonetype="WAN" srczone="WAN" dstzonetype="LAN" dstzone="LAN" …
 *
 * SFOS 19.5 and later write the same records with other names for some fields (`timestamp=` in
 * ISO 8601, `fw_rule_name`, `src_zone_type` / `src_zone`, `severity`); both are read.
 *
 * `log_type="Firewall"` records are packets the firewall decided about — every component: a rule's
 * verdict (`Firewall Rule`), packets matching no connection (`Invalid Traffic`), traffic to the
 * appliance itself (`Appliance Access`, `Local ACL`), DoS protection drops (`DoS Attack`), ICMP
 * errors. A Firewall record naming no address at all (a heartbeat status) is `system-message`.
 * Other log types are skipped by what they are: `Content Filtering` and `Application Filter`
 * `content-filter`; `IDP`, `Anti-Virus`, `Anti-Spam`, `ATP`, `Sandbox`, `WAF` `security-alert`;
 * `Event` by component (admin and authentication `admin-message`, IPsec / SSL VPN `vpn-message`,
 * DHCP `dhcp-message`), anything else `system-message`.
 *
 * | event          | field                                                             |
 * |----------------|-------------------------------------------------------------------|
 * | srcIp / dstIp  | src_ip / dst_ip (tran_* NAT fields are not used: the pre-NAT tuple knocked) |
 * | ports          | src_port / dst_port (TCP, UDP, SCTP…)                              |
 * | icmpType/Code  | icmp_type / icmp_code (ICMP)                                       |
 * | transport      | protocol (`TCP`, `UDP`, `ICMP`, or a number)                       |
 * | action         | status (`Allow` / `Deny`), else log_subtype (`Allowed` / `Denied`) |
 * | rule           | fw_rule_name, else fw_rule_id (0: no rule, the default drop)       |
 * | inIf / outIf   | in_interface / out_interface                                      |
 * | inZone/outZone | srczone / dstzone (src_zone / dst_zone), else the zone type        |
 * | srcMac/dstMac  | src_mac / dst_mac                                                 |
 * | hostname       | the syslog host, else device_name                                  |
 * Direction from the zone types (WAN outside; LAN inside; DMZ; LOCAL, the appliance itself, inside;
 * VPN no evidence) by the one zone rule, else from the zone names.
 * Time: `timestamp` (ISO 8601 with offset), else `date` + `time` in `timezone` (an offset, or an
 * abbreviation read by the one rule of lib/time-zones.ts: Cyberoam's `IST` needs --tz), else the
 * syslog stamp.
 */
import { parseIsoStamp } from './envelope/stamps';
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionWord } from './lib/actions';
import { dateTimeParts, zonedTime } from './lib/device-time';
import { icmpFields } from './lib/icmp';
import { addressReason, readIp } from './lib/ip';
import { splitKv } from './lib/kv';
import { colonMac } from './lib/mac';
import { portOf } from './lib/numbers';
import { PORTED, protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { zoneDirection, zoneSide, type ZoneSide } from './lib/zones';

function sniff(env: Envelope): boolean {
  const m = env.message;
  const c = m.indexOf('log_component=');
  return c >= 0 && m.charCodeAt(0) !== 123 && m.indexOf('log_type=') >= 0;
}

/** What a log type other than Firewall is. */
function skipOf(type: string, component: string): SkipCode {
  const t = type.toLowerCase();
  if (t === 'content filtering' || t.startsWith('application')) return 'content-filter';
  if (/^(?:idp|ips|anti-|atp|advanced threat|sandbox|zero-day|waf|endpoint|malware)/.test(t)) return 'security-alert';
  if (t === 'event') {
    const c = component.toLowerCase();
    if (/ipsec|vpn|l2tp|pptp|remote access|sslvpn/.test(c)) return 'vpn-message';
    if (/dhcp/.test(c)) return 'dhcp-message';
    if (/admin|authentication|gui|cli|console|ssh|login|user/.test(c)) return 'admin-message';
  }
  return 'system-message';
}

const ZONE_TYPES: Readonly<Record<string, ZoneSide>> = { WAN: 'outside', LAN: 'inside', DMZ: 'dmz', LOCAL: 'inside' };

function side(type: string | undefined, name: string | undefined): ZoneSide | undefined {
  if (type !== undefined) {
    const s = ZONE_TYPES[type.toUpperCase()];
    if (s !== undefined || type.toUpperCase() === 'VPN') return s;
  }
  return zoneSide(name);
}

function value(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function timeOf(kv: Map<string, string>, env: Envelope, clock: Clock): number | ParseOutcome | undefined {
  const iso = value(kv.get('timestamp'));
  if (iso !== undefined) return parseIsoStamp(iso, 0, clock)?.ts ?? reject('bad-timestamp');
  const date = value(kv.get('date'));
  const time = value(kv.get('time'));
  if (date !== undefined && time !== undefined) {
    const p = dateTimeParts(`${date} ${time}`, 0);
    if (p === undefined) return reject('bad-timestamp');
    return zonedTime(p.parts, (kv.get('timezone') ?? '').trim(), clock);
  }
  return env.ts;
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const kv = splitKv(env.message);
    const type = kv.get('log_type');
    if (type === undefined) return reject('unrecognized-message');
    if (type !== 'Firewall') return skip(skipOf(type, kv.get('log_component') ?? ''));

    const src = value(kv.get('src_ip'));
    const dst = value(kv.get('dst_ip'));
    if (src === undefined && dst === undefined && !kv.has('src_ip') && !kv.has('protocol')) return skip('system-message');
    if (src === undefined || dst === undefined) return reject('no-addresses');
    const srcIp = readIp(src);
    if (srcIp === undefined) return reject(addressReason(src));
    const dstIp = readIp(dst);
    if (dstIp === undefined) return reject(addressReason(dst));
    const proto = value(kv.get('protocol'));
    if (proto === undefined) return reject('no-protocol');
    let transport = protoKeyword(proto);
    if (transport === undefined) return reject('bad-protocol');
    if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
    let srcPort: number | undefined;
    let dstPort: number | undefined;
    if (PORTED.has(transport)) {
      srcPort = portOf(kv.get('src_port'));
      dstPort = portOf(kv.get('dst_port'));
      if (srcPort === -1 || dstPort === -1) return reject('bad-port');
    }
    let icmp: { icmpType?: number; icmpCode?: number } = {};
    if (transport === 'icmp' || transport === 'ipv6-icmp') {
      const f = icmpFields(value(kv.get('icmp_type')), value(kv.get('icmp_code')));
      if (f === 'bad') return reject('bad-icmp-type');
      icmp = f;
    }
    const ts = timeOf(kv, env, clock);
    if (ts === undefined) return reject('no-timestamp');
    if (typeof ts === 'object') return ts;

    const inType = value(kv.get('src_zone_type') ?? kv.get('srczonetype'));
    const outType = value(kv.get('dst_zone_type') ?? kv.get('dstzonetype'));
    const inName = value(kv.get('src_zone') ?? kv.get('srczone'));
    const outName = value(kv.get('dst_zone') ?? kv.get('dstzone'));
    const ruleId = value(kv.get('fw_rule_id'));
    const event: FirewallEvent = {
      ts,
      format: 'sophos-firewall',
      action: actionWord(value(kv.get('status')) ?? kv.get('log_subtype')),
      transport,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      ...icmp,
      srcMac: colonMac(kv.get('src_mac')),
      dstMac: colonMac(kv.get('dst_mac')),
      inIf: value(kv.get('in_interface')),
      outIf: value(kv.get('out_interface')),
      rule: value(kv.get('fw_rule_name')) ?? ruleId,
      hostname: env.hostname ?? value(kv.get('device_name')),
      direction: zoneDirection(side(inType, inName), side(outType, outName)),
      inZone: inName ?? inType,
      outZone: outName ?? outType,
    };
    return { kind: 'event', event };
  } catch {
    return reject('parser-error');
  }
}

export const sophosFirewall: LogParser = {
  id: 'sophos-firewall',
  title: 'Sophos Firewall (SFOS / XG) and Cyberoam key=value log',
  example:
    'device="SFW" date=2024-03-03 time=10:15:42 timezone="+00" device_name="XG210" log_id=010101600001 log_type="Firewall" ' +
    'log_component="Firewall Rule" log_subtype="Denied" status="Deny" fw_rule_id=0 in_interface="Port2" out_interface="" ' +
    'src_ip=203.0.113.7 dst_ip=192.0.2.10 protocol="TCP" src_port=51234 dst_port=22 srczonetype="WAN" srczone="WAN" dstzonetype="LAN" dstzone="LAN"',
  sniff,
  parse,
};
