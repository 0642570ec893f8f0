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
 * Direction from zones: a WAN zone (WAN, WAN1, wan2_ppp…) to anything else = inbound, anything
 * else to WAN = outbound, WAN to WAN = external (WAN to `WAN/ZyWALL`, the device itself = inbound),
 * two inside zones (LAN, DMZ, WLAN, ZyWALL, VPN…) = internal.
 */
import { portOf, splitKv, toUint, transportOf, zoneDirection } from './kv-pairs';
import { normalizeIp } from './netfilter';
import type { Action, Direction, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';

const OLD = /IP\[Src=(\S+) Dst=(\S+) (\w+)(?: spo=([0-9a-fA-F]{1,4}) dpo=([0-9a-fA-F]{1,4}))?[^\]]*\]\}?(S\d+>R\d+)([mn])([A-Z])?/;

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.indexOf('IP[Src=') >= 0) return true;
  const s = m.indexOf('src="');
  return s >= 0 && m.indexOf('dst="', s) > 0 && (m.indexOf('devID="') > 0 || m.indexOf(' cat="') > 0);
}

function reject(reason: string): ParseOutcome {
  return { kind: 'reject', reason };
}

function skip(reason: string): ParseOutcome {
  return { kind: 'skip', reason };
}

const OLD_ACTIONS: Record<string, Action> = { D: 'deny', F: 'allow' };

function parseOld(env: Envelope): ParseOutcome {
  const r = OLD.exec(env.message);
  if (!r) return reject('truncated filter log');
  const srcIp = normalizeIp(r[1]);
  const dstIp = normalizeIp(r[2]);
  if (srcIp === undefined || dstIp === undefined) return reject('bad address');
  const transport = transportOf(r[3]);
  if (transport === undefined) return reject('bad protocol');
  const ported = transport === 'tcp' || transport === 'udp';
  if (ported && r[4] === undefined) return reject('truncated: no ports');
  if (env.ts === undefined) return reject('no timestamp');
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
const SKIP_CATS: Record<string, string> = {
  system: 'zyxel system log', ike: 'zyxel vpn log', ipsec: 'zyxel vpn log', 'ssl vpn': 'zyxel vpn log', 'l2tp over ipsec': 'zyxel vpn log',
  user: 'zyxel user log', 'content filter': 'zyxel content filter', 'web security': 'zyxel content filter',
  dhcp: 'zyxel dhcp', 'remote management': 'zyxel admin log', 'anti-virus': 'zyxel security service log',
  idp: 'zyxel security service log', 'anti-spam': 'zyxel security service log', 'app patrol': 'zyxel security service log',
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

function outside(zone: string): boolean | undefined {
  const z = zone.toUpperCase();
  if (z === 'WAN/ZYWALL') return false; // to the device itself, on its WAN side
  if (z.startsWith('WAN') || z.includes('_PPP') || z === 'INTERNET') return true;
  if (/^(?:LAN|DMZ|WLAN|ZYWALL|VPN|SSL_VPN|IPSEC_VPN|TUNNEL|OPT|GUEST)/.test(z)) return false;
  return undefined;
}

function parseKv(env: Envelope): ParseOutcome {
  const m = env.message;
  const kv = splitKv(m, m.indexOf('src="'));
  const cat = (kv.cat ?? '').toLowerCase();
  if (!TRAFFIC_CATS.has(cat)) return skip(SKIP_CATS[cat] ?? 'zyxel non-traffic log');
  const msg = kv.msg ?? '';
  if (kv.src === undefined || kv.dst === undefined) return reject('truncated: no src/dst');
  const [srcText, srcPortText] = endpoint(kv.src);
  const [dstText, dstPortText] = endpoint(kv.dst);
  const srcIp = normalizeIp(srcText);
  const dstIp = normalizeIp(dstText);
  if (srcIp === undefined || dstIp === undefined) return reject('bad address');

  let transport: string | undefined;
  if (kv.protoID !== undefined) transport = transportOf(kv.protoID);
  if (transport === undefined) {
    const p = MSG_PROTO.exec(msg);
    if (p) transport = transportOf(p[1]);
  }
  if (transport === undefined && kv.proto !== undefined) transport = transportOf(kv.proto);
  if (transport === undefined) return reject('no protocol');
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
    if ((icmpType ?? 0) > 255 || (icmpCode ?? 0) > 255) return reject('bad ICMP type');
  } else {
    srcPort = portOf(srcPortText);
    dstPort = portOf(dstPortText);
    if (srcPort === -1 || dstPort === -1) return reject('bad port');
  }
  if (env.ts === undefined) return reject('no timestamp');

  let inZone: string | undefined;
  let outZone: string | undefined;
  const dir = kv.dir;
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
  const direction: Direction | undefined = zoneDirection(inZone, outZone, outside);

  // A ZLD msg ends with the verdict (`…, service Telnet, DROP`); `note` is the older field.
  const lastComma = msg.lastIndexOf(',');
  const action = verdict(kv.note ?? '') ?? (lastComma >= 0 ? verdict(msg.slice(lastComma + 1)) : undefined) ?? (cat === 'traffic log' ? 'allow' : 'unknown');
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
