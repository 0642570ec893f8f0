/**
 * ZyXEL ZyWALL / Prestige / USG firewall syslog, in its two generations.
 *
 * 1. ZyNOS filter log (Prestige and early ZyWALL):
 *      ZyXEL Communications Corp.: IP[Src=203.0.113.9 Dst=192.0.2.10 TCP spo=0bd1 dpo=0017]}S04>R01mD
 *    Ports are hexadecimal. The trailer is `S<set>>R<rule><m|n><action>`: filter set, rule,
 *    m = the rule matched / n = it did not, then D = drop, F = forward, N = go on to the next rule.
 *    D → deny, F → allow, N → unknown; rule = `S04>R01`. No direction, no zones. The envelope's
 *    time is used (the device writes none of its own).
 *
 * 2. Key=value logs (ZyNOS 3.6+ "centralized logs", ZLD on ZyWALL USG / ATP / USG FLEX):
 *      src="203.0.113.9:4122" dst="192.0.2.10:23" msg="Firewall default policy: TCP (WAN to LAN)"
 *        note="ACCESS BLOCK" devID="00a0c5000001" cat="Access Control"
 *      src="203.0.113.9:4122" dst="192.0.2.1:23" msg="priority:1, from WAN to ZyWALL, TCP, service
 *        Telnet, DROP" note="ACCESS BLOCK" cat="Security Policy Control" dir="WAN:ZyWALL" protoID=6
 *    Traffic categories: Firewall, Access Control, Security Policy Control, Traffic Log, Attack.
 *    Action: `note` ACCESS BLOCK / … DROP / … REJECT → deny, ACCESS FORWARD / PERMIT(TED) /
 *    ACCEPT → allow, else the verdict word that ends a ZLD `msg`, else unknown (Traffic Log
 *    sessions are allow: they passed). Transport: `protoID=` (number), else the TCP/UDP/ICMP…
 *    word in `msg`, else `proto=` when it is a protocol keyword (in ZLD it is the service name).
 *    ICMP type/code from `type:N` / `code:N` in `msg`. Zones: `dir="WAN:ZyWALL"`, else the
 *    `(WAN to LAN)` / `from WAN to ZyWALL` text of `msg`.
 *    Other categories (System, IKE, IPSec, User, Content Filter, DHCP…) are skips.
 *
 * Direction from zones (the one zone rule, lib/zones.ts): a WAN zone (WAN, WAN1, wan2_ppp…) to
 * anything else = inbound, anything else to WAN = outbound, two inside zones (LAN, DMZ, WLAN,
 * ZyWALL, VPN…) = internal; WAN to WAN says nothing, WAN to `WAN/ZyWALL` (the device itself) is
 * inbound.
 */
import type { Action, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { addressReason, readIp } from './lib/ip';
import { splitKv } from './lib/kv';
import { portOf, toUint } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { zoneDirection, type ZoneSide } from './lib/zones';

const OLD = /IP\[Src=(\S+) Dst=(\S+) (\w+)(?: spo=([0-9a-fA-F]{1,4}) dpo=([0-9a-fA-F]{1,4}))?[^\]]*\]\}?(S\d+>R\d+)([mn])([A-Z])?/;

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.indexOf('IP[Src=') >= 0) return true;
  const s = m.indexOf('src="');
  return s >= 0 && m.indexOf('dst="', s) > 0 && (m.indexOf('devID="') > 0 || m.indexOf(' cat="') > 0);
}

const OLD_ACTIONS: Record<string, Action> = { D: 'deny', F: 'allow' };

function parseOld(env: Envelope): ParseOutcome {
  const r = OLD.exec(env.message);
  if (!r) return reject('truncated');
  const srcIp = readIp(r[1]);
  if (srcIp === undefined) return reject(addressReason(r[1]));
  const dstIp = readIp(r[2]);
  if (dstIp === undefined) return reject(addressReason(r[2]));
  const transport = protoKeyword(r[3]);
  if (transport === undefined) return reject('bad-protocol');
  const ported = transport === 'tcp' || transport === 'udp';
  if (ported && r[4] === undefined) return reject('no-ports');
  if (env.ts === undefined) return reject('no-timestamp');
  const event: FirewallEvent = {
    ts: env.ts,
    format: 'zyxel',
    action: OLD_ACTIONS[r[8] ?? ''] ?? 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort: ported ? parseInt(r[4], 16) : undefined,
    dstPort: ported ? parseInt(r[5], 16) : undefined,
    rule: r[6],
    hostname: env.hostname,
  };
  return { kind: 'event', event };
}

const TRAFFIC_CATS = new Set(['firewall', 'access control', 'security policy control', 'traffic log', 'attack', 'policy route']);
const SKIP_CATS: Record<string, SkipCode> = {
  system: 'system-message', ike: 'vpn-message', ipsec: 'vpn-message', 'ssl vpn': 'vpn-message', 'l2tp over ipsec': 'vpn-message',
  user: 'admin-message', 'content filter': 'content-filter', 'web security': 'content-filter',
  dhcp: 'dhcp-message', 'remote management': 'admin-message', 'anti-virus': 'security-alert',
  idp: 'security-alert', 'anti-spam': 'security-alert', 'app patrol': 'security-alert',
};

const DENY_WORDS = ['BLOCK', 'DROP', 'DENY', 'REJECT'];
const ALLOW_WORDS = ['FORWARD', 'PERMIT', 'PERMITTED', 'ACCEPT', 'ALLOW'];

function verdict(words: string): Action | undefined {
  const u = words.toUpperCase();
  if (DENY_WORDS.some((w) => u.includes(w))) return 'deny';
  if (ALLOW_WORDS.some((w) => u.includes(w))) return 'allow';
  return undefined;
}

/** `ip:port`, `[v6]:port`, or a bare address (an IPv6 address with a port is ambiguous: kept whole). */
function endpoint(v: string): [string, string | undefined] {
  if (v.charCodeAt(0) === 91 /* [ */) {
    const close = v.indexOf(']');
    return [v.slice(1, close < 0 ? v.length : close), close > 0 && v[close + 1] === ':' ? v.slice(close + 2) : undefined];
  }
  const c = v.indexOf(':');
  if (c > 0 && v.indexOf(':', c + 1) < 0) return [v.slice(0, c), v.slice(c + 1)];
  return [v, undefined];
}

const MSG_ZONES = [/\(([\w/-]+) to ([\w/-]+)[,)]/, /from ([\w/-]+) to ([\w/-]+)/];
const MSG_PROTO = /(?:^|[\s:,(])(TCP|UDP|ICMP|ICMPv6|IGMP|ESP|GRE|AH|OSPF|SCTP)(?=[\s,(]|$)/;

function sideOf(zone: string | undefined): ZoneSide | undefined {
  if (zone === undefined) return undefined;
  const z = zone.toUpperCase();
  if (z === 'WAN/ZYWALL') return 'inside'; // to the device itself, on its WAN side
  if (z.startsWith('WAN') || z.includes('_PPP') || z === 'INTERNET') return 'outside';
  if (z.startsWith('DMZ')) return 'dmz';
  if (/^(?:LAN|WLAN|ZYWALL|VPN|SSL_VPN|IPSEC_VPN|TUNNEL|OPT|GUEST)/.test(z)) return 'inside';
  return undefined;
}

function parseKv(env: Envelope): ParseOutcome {
  const m = env.message;
  const kv = splitKv(m, m.indexOf('src="'));
  const cat = (kv.get('cat') ?? '').toLowerCase();
  if (!TRAFFIC_CATS.has(cat)) return skip(SKIP_CATS[cat] ?? 'system-message');
  const msg = kv.get('msg') ?? '';
  const srcField = kv.get('src');
  const dstField = kv.get('dst');
  if (srcField === undefined || dstField === undefined) return reject('no-addresses');
  const [srcText, srcPortText] = endpoint(srcField);
  const [dstText, dstPortText] = endpoint(dstField);
  const srcIp = readIp(srcText);
  if (srcIp === undefined) return reject(addressReason(srcText));
  const dstIp = readIp(dstText);
  if (dstIp === undefined) return reject(addressReason(dstText));

  let transport: string | undefined;
  const protoId = kv.get('protoID');
  if (protoId !== undefined) transport = protoKeyword(protoId);
  if (transport === undefined) {
    const p = MSG_PROTO.exec(msg);
    if (p) transport = protoKeyword(p[1]);
  }
  const protoField = kv.get('proto');
  if (transport === undefined && protoField !== undefined) transport = protoKeyword(protoField);
  if (transport === undefined) return reject('no-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const t = /type:\s*(\d+)/i.exec(msg);
    const c = /code:\s*(\d+)/i.exec(msg);
    if (t) icmpType = toUint(t[1]);
    if (t && c) icmpCode = toUint(c[1]);
    if ((icmpType ?? 0) > 255 || (icmpCode ?? 0) > 255) return reject('bad-icmp-type');
  } else {
    srcPort = portOf(srcPortText);
    dstPort = portOf(dstPortText);
    if (srcPort === -1 || dstPort === -1) return reject('bad-port');
  }
  if (env.ts === undefined) return reject('no-timestamp');

  let inZone: string | undefined;
  let outZone: string | undefined;
  const dir = kv.get('dir');
  if (dir !== undefined && dir.indexOf(':') > 0) [inZone, outZone] = dir.split(':', 2);
  else {
    for (const re of MSG_ZONES) {
      const z = re.exec(msg);
      if (z) {
        [inZone, outZone] = [z[1], z[2]];
        break;
      }
    }
  }
  const direction = zoneDirection(sideOf(inZone), sideOf(outZone));

  // A ZLD msg ends with the verdict (`…, service Telnet, DROP`); `note` is the older field.
  const lastComma = msg.lastIndexOf(',');
  const action = verdict(kv.get('note') ?? '') ?? (lastComma >= 0 ? verdict(msg.slice(lastComma + 1)) : undefined) ?? (cat === 'traffic log' ? 'allow' : 'unknown');
  const rule = /rule:\s*(\d+)/.exec(msg)?.[0] ?? /priority:\s*(\d+)/.exec(msg)?.[0];

  const event: FirewallEvent = {
    ts: env.ts,
    format: 'zyxel',
    action,
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    icmpType,
    icmpCode,
    rule: rule ?? (msg || undefined),
    hostname: env.hostname,
    direction,
    inZone,
    outZone,
  };
  return { kind: 'event', event };
}

function parse(env: Envelope): ParseOutcome {
  return env.message.indexOf('IP[Src=') >= 0 ? parseOld(env) : parseKv(env);
}

export const zyxel: LogParser = {
  id: 'zyxel',
  title: 'ZyXEL ZyWALL / Prestige / USG firewall log (IP[Src=… ]}S04>R01mD and src="…" dst="…" note="…")',
  example:
    '<132>Mar  5 14:22:01 zywall src="203.0.113.9:4122" dst="192.0.2.10:23" msg="Firewall default policy: TCP (WAN to LAN)" ' +
    'note="ACCESS BLOCK" devID="00a0c5000001" cat="Access Control"',
  sniff,
  parse,
};
