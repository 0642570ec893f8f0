/**
 * SonicWall SonicOS "enhanced syslog": space-separated `key=value` pairs that always start with
 * `id=<firewall name> sn=<serial> time="…" fw=<WAN IP> pri=<n> c=<category> m=<message id>`.
 *
 *   id=firewall sn=0017C5000001 time="2024-03-05 14:22:01 UTC" fw=203.0.113.1 pri=5 c=64 m=36
 *     msg="TCP connection dropped" n=41 src=198.51.100.7:40522:X1 dst=203.0.113.1:23:X1 proto=tcp/telnet
 *
 * What is traffic: the message id (`m=`) decides, from the SonicOS log event reference: 36/37/38
 * TCP/UDP/ICMP dropped, 41 unknown protocol dropped, 98 connection opened, 537 connection closed,
 * 97 web site hit, 14 web site denied, the "… dropped" attack ids (land, smurf, Xmas, SYN/FIN, null
 * flags, spoof, Geo-IP / botnet blocks, connection limits, IPv6 link-local). An id we do not list
 * still counts when `fw_action=` names a verdict or `c=` is a dropped-packet category (64, 128,
 * 256, 2048, 4096, 8192). `m=1197` "NAT Mapping" repeats a connection already logged: skipped.
 * Everything else (logins, IKE/IPsec, system) is a skip.
 *
 * Addresses: `src=ip:port:iface[:host]`; the port may be empty (`10.0.0.9::X0-V500`); IPv6 comes
 * in `srcV6=`/`dstV6=` with `src=:port:iface`. The third part is an interface on SonicOS 5.x+
 * (`X1`, `X0-V500`) and a zone on older firmware (`WAN`, `LAN`, `DMZ`); `srcZone=`/`dstZone=`,
 * or a rule named `… (LAN->WAN)`, give the zones on newer firmware.
 *
 * Direction from zones (the one zone rule, lib/zones.ts): WAN → anything else = inbound, anything
 * else → WAN = outbound, two inside zones (LAN, DMZ, WLAN…) = internal. WAN → WAN says nothing
 * unless the destination (source) is the firewall's own `fw=` address, then inbound (outbound).
 * VPN / SSLVPN and custom zones name no side.
 *
 * Time: `time=` without a zone is the firewall's local time (`--tz`); `UTC` or an offset after
 * it is honoured. The syslog header's own stamp is often another clock and is only a fallback.
 */
import type { Action, Clock, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { dateTimeParts, zonedTime } from './lib/device-time';
import { icmpFields } from './lib/icmp';
import { addressReason, readIp } from './lib/ip';
import { splitKv } from './lib/kv';
import { portOf, toUint } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip, type RejectOutcome, type SkipCode } from './lib/reasons';
import { zoneDirection, type ZoneSide } from './lib/zones';

interface Known {
  action: Action;
  /** Protocol implied by the message when `proto=` is missing. */
  transport?: string;
  /** Flags implied by an attack name (Xmas, SYN/FIN, null). */
  flags?: string;
}

const deny = (transport?: string, flags?: string): Known => ({ action: 'deny', transport, flags });
const allow: Known = { action: 'allow' };

const TRAFFIC_IDS: Record<number, Known> = {
  14: deny(), // Web site access denied (content filter, with the blocked flow)
  22: deny('icmp'), // Ping of death dropped
  23: deny(), // IP spoof dropped
  27: deny(), // Land attack dropped
  36: deny('tcp'), // TCP packet / connection dropped
  37: deny('udp'), // UDP packet dropped
  38: deny('icmp'), // ICMP packet dropped due to policy
  41: deny(), // Unknown protocol dropped
  81: deny('icmp'), // Smurf amplification attack dropped
  97: allow, // Web site hit
  98: allow, // Connection opened
  267: deny('tcp', 'URG PSH FIN'), // TCP Xmas tree dropped
  537: allow, // Connection closed
  580: deny('tcp', 'SYN FIN'), // TCP SYN/FIN packet dropped
  646: deny(), // connection limit for source reached, packet dropped
  647: deny(), // connection limit for destination reached, packet dropped
  797: deny('tcp'), // outbound connection to RBL-listed SMTP server dropped
  798: deny('tcp'), // inbound connection from RBL-listed SMTP server dropped
  1198: deny(), // Geo-IP initiator blocked
  1199: deny(), // Geo-IP responder blocked
  1200: deny(), // botnet initiator blocked
  1201: deny(), // botnet responder blocked
  1233: deny(), // unhandled link-local or multicast IPv6 packet dropped
  1304: deny(), // packet dropped due to NDPP rules
  1387: deny('tcp', ''), // TCP null flag dropped
  1474: deny(), // custom Geo-IP initiator blocked
  1475: deny(), // custom Geo-IP responder blocked
  1476: deny(), // custom botnet initiator blocked
  1477: deny(), // custom botnet responder blocked
  1518: deny(), // dynamic botnet initiator blocked
  1519: deny(), // dynamic botnet responder blocked
};

/** Legacy `c=` categories of dropped packets: TCP, UDP, ICMP, and their LAN variants. */
const DROP_CATEGORIES: Record<number, string> = { 64: 'tcp', 128: 'udp', 256: 'icmp', 2048: 'tcp', 4096: 'udp', 8192: 'icmp' };

const FW_ACTIONS: Record<string, Action> = {
  drop: 'deny', deny: 'deny', reject: 'deny', block: 'deny', blocked: 'deny',
  forward: 'allow', allow: 'allow', accept: 'allow', permit: 'allow',
};

/** Interface names (`X1`, `X0-V500`, `U0`, `W0:V2`) as opposed to zone names (`WAN`, `LAN`). */
const IFACE = /^[A-Z]{1,2}\d+(?:[-:.]?V?\d+)*$/;
const RULE_ZONES = /\((\w[\w\s-]*?)\s*->\s*(\w[\w\s-]*?)\)/;

/** SonicOS zone names: WAN is the outside; VPN, SSLVPN and custom zones name no side. */
function sideOf(zone: string | undefined): ZoneSide | undefined {
  if (zone === undefined) return undefined;
  const z = zone.toUpperCase();
  if (z.startsWith('WAN') || z === 'UNTRUSTED' || z === 'INTERNET') return 'outside';
  if (z.startsWith('DMZ')) return 'dmz';
  if (z.startsWith('LAN') || z.startsWith('WLAN') || z === 'TRUSTED' || z === 'PUBLIC' || z === 'MGMT') return 'inside';
  return undefined;
}

/** Where `id=` starts the SonicOS fields, or -1. */
function fieldsStart(m: string): number {
  if (m.startsWith('id=')) return 0;
  const i = m.indexOf(' id=');
  return i >= 0 ? i + 1 : -1;
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  const i = fieldsStart(m);
  return i >= 0 && m.indexOf(' sn=', i) > 0 && m.indexOf(' m=', i) > 0;
}

function skipReason(msg: string, c: number): SkipCode {
  const l = msg.toLowerCase();
  if (/\b(?:login|logged|logout|administrator|password|user)\b/.test(l)) return 'admin-message';
  if (/\b(?:ike|ipsec|vpn|l2tp|xauth|phase [12]|quick mode|main mode|aggressive mode|notify)\b/.test(l)) return 'vpn-message';
  if (c === 32) return 'security-alert';
  return 'system-message';
}

/** `time="2024-03-05 14:22:01[.123][ UTC|+01:00|CST]"`, or the reject for a zone we cannot read. */
function timeOf(t: string, clock: Clock): number | RejectOutcome | undefined {
  const d = dateTimeParts(t, 0);
  return d && zonedTime(d.parts, t.slice(d.end).trim(), clock);
}

/** `ip:port:iface[:host]` split; IPv6 arrives separately, so the address part has no colon. */
function endpoint(v: string | undefined): [string, string, string] | undefined {
  if (v === undefined) return undefined;
  const a = v.indexOf(':');
  if (a < 0) return [v, '', ''];
  const b = v.indexOf(':', a + 1);
  if (b < 0) return [v.slice(0, a), v.slice(a + 1), ''];
  const c = v.indexOf(':', b + 1);
  return [v.slice(0, a), v.slice(a + 1, b), v.slice(b + 1, c < 0 ? v.length : c)];
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const m = env.message;
  const kv = splitKv(m, Math.max(0, fieldsStart(m)));
  const id = toUint(kv.get('m'));
  const cat = toUint(kv.get('c'));
  const msg = kv.get('msg') ?? '';
  if (id === 1197) return skip('nat-mapping');

  let known: Known | undefined = TRAFFIC_IDS[id];
  const fwActionWord = kv.get('fw_action');
  const fwAction = fwActionWord === undefined ? undefined : FW_ACTIONS[fwActionWord.toLowerCase()];
  if (known === undefined) {
    if (fwAction !== undefined) known = { action: fwAction };
    else if (DROP_CATEGORIES[cat] !== undefined) known = deny(DROP_CATEGORIES[cat]);
  }
  if (known === undefined) return skip(skipReason(msg, cat));

  const src = endpoint(kv.get('src'));
  const dst = endpoint(kv.get('dst'));
  const srcText = kv.get('srcV6') || src?.[0];
  const dstText = kv.get('dstV6') || dst?.[0];
  if (!srcText || !dstText) return reject('no-addresses');
  const srcIp = readIp(srcText);
  if (srcIp === undefined) return reject(addressReason(srcText));
  const dstIp = readIp(dstText);
  if (dstIp === undefined) return reject(addressReason(dstText));

  const protoField = kv.get('proto') ?? '';
  const slash = protoField.indexOf('/');
  const protoName = slash >= 0 ? protoField.slice(0, slash) : protoField;
  let transport = protoName === '' ? known.transport : protoKeyword(protoName);
  if (transport === undefined) return reject(protoName === '' ? 'no-protocol' : 'bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    // The "ports" of an ICMP flow are SonicWall's own identifiers; type/code come separately.
    const icmp = icmpFields(kv.get('type'), kv.get('code'));
    if (icmp === 'bad') return reject('bad-icmp-type');
    ({ icmpType, icmpCode } = icmp);
  } else {
    srcPort = portOf(src?.[1]);
    dstPort = portOf(dst?.[1]);
    if (srcPort === -1 || dstPort === -1) return reject('bad-port');
    if ((transport === 'tcp' || transport === 'udp') && dstPort === undefined) return reject('no-ports');
  }

  const time = kv.get('time');
  const own = time === undefined ? undefined : timeOf(time, clock);
  if (typeof own === 'object') return own;
  const ts = own ?? env.ts;
  if (ts === undefined) return reject('no-timestamp');

  // Third endpoint part: an interface on current firmware, a zone on old firmware.
  let inIf: string | undefined;
  let outIf: string | undefined;
  let inZone = kv.get('srcZone') || undefined;
  let outZone = kv.get('dstZone') || undefined;
  const srcPart = src?.[2] || undefined;
  const dstPart = dst?.[2] || undefined;
  if (srcPart !== undefined) {
    if (IFACE.test(srcPart)) inIf = srcPart;
    else inZone ??= srcPart;
  }
  if (dstPart !== undefined) {
    if (IFACE.test(dstPart)) outIf = dstPart;
    else outZone ??= dstPart;
  }
  const rule = kv.get('rule');
  if ((inZone === undefined || outZone === undefined) && rule !== undefined) {
    const rz = RULE_ZONES.exec(rule);
    if (rz) {
      inZone ??= rz[1];
      outZone ??= rz[2];
    }
  }
  let direction: Direction | undefined = zoneDirection(sideOf(inZone), sideOf(outZone));
  // WAN → WAN names no direction, but SonicOS says its own WAN address (`fw=`).
  const fw = kv.get('fw');
  if (direction === undefined && sideOf(inZone) === 'outside' && sideOf(outZone) === 'outside' && fw !== undefined) {
    if (dstIp === readIp(fw)) direction = 'inbound';
    else if (srcIp === readIp(fw)) direction = 'outbound';
  }

  const event: FirewallEvent = {
    ts,
    format: 'sonicwall',
    action: fwAction ?? known.action,
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' ? known.flags : undefined,
    icmpType,
    icmpCode,
    inIf,
    outIf,
    // `rule=0` (older firmware) names no rule; the message says what happened instead.
    rule: (rule !== '0' && rule) || msg || undefined,
    hostname: env.hostname ?? kv.get('id'),
    direction,
    inZone,
    outZone,
  };
  return { kind: 'event', event };
}

export const sonicwall: LogParser = {
  id: 'sonicwall',
  title: 'SonicWall SonicOS enhanced syslog (id=firewall … m= msg= src= dst=)',
  example:
    '<134>id=firewall sn=0017C5000001 time="2024-03-05 14:22:01 UTC" fw=203.0.113.1 pri=5 c=64 m=36 ' +
    'msg="TCP connection dropped" n=41 src=198.51.100.7:40522:X1 dst=203.0.113.1:23:X1 srcMac=00:00:5e:00:53:01 ' +
    'dstMac=00:00:5e:00:53:02 proto=tcp/telnet fw_action="drop"',
  sniff,
  parse,
};
