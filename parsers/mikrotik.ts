/**
 * MikroTik RouterOS 6 / 7 firewall rules with `action=log` or `log=yes`:
 *
 *   firewall,info drop-in input: in:ether1 out:(unknown 0), connection-state:new src-mac …,
 *     proto TCP (SYN), 203.0.113.7:51234->192.0.2.10:22, NAT (…)->…, len 60
 *
 * `firewall,info` is the topic list (remote syslog with topics, `/log print`); RouterOS' own
 * remote syslog often leaves it out. Then comes the admin's log prefix (optional, free text such
 * as `drop-in`, `[drop-input]`, `drop !LAN`) and the chain. The action is not logged: it is read
 * from the words of the prefix (drop/reject/accept…, as for netfilter prefixes), else unknown.
 *
 * Direction: the chain says where the packet goes relative to the router (input = to the router,
 * output = from it, forward = through it), not relative to the protected network, so it is not
 * mapped to `direction`; `in:`/`out:` become `inIf`/`outIf` (`(unknown 0)` / `(none)` = none).
 *
 * Time: RouterOS sends no year and no zone; the syslog receiver's stamp (the envelope) is used.
 * `/log print` output has `mar/18 20:35:05` (year from clock.yearFor); a time-only line has no
 * date and is rejected `no-timestamp`.
 *
 * Lines with other topics (`system,error,critical login failure …`) are skipped by topic.
 */
import { MONTHS } from './envelope/stamps';
import type { Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionFromPrefix } from './lib/actions';
import { addressReason, readIp } from './lib/ip';
import { colonMac } from './lib/mac';
import { toUint as portOf } from './lib/numbers';
import { protoKeyword } from './lib/protocols';
import { reject, skip, type SkipCode } from './lib/reasons';
import { flagMaskOfWords, flagWords } from './lib/tcp-flags';

/** RouterOS log topics; a first token made only of these (comma-joined) is a topic list. */
const TOPICS = new Set([
  'critical', 'debug', 'error', 'info', 'warning', 'packet', 'raw', 'account', 'async', 'backup', 'bfd', 'bgp',
  'bridge', 'calc', 'caps', 'certificate', 'container', 'dhcp', 'disk', 'dns', 'dot1x', 'dude', 'e-mail',
  'event', 'firewall', 'gps', 'gsm', 'health', 'hotspot', 'igmp-proxy', 'interface', 'ipsec', 'iscsi', 'isdn',
  'isis', 'kvm', 'l2tp', 'ldp', 'lora', 'lte', 'manager', 'mme', 'mpls', 'netwatch', 'ntp', 'ospf', 'ovpn',
  'pim', 'poe-out', 'ppp', 'pppoe', 'pptp', 'radius', 'radvd', 'read', 'rip', 'route', 'rsvp', 'script',
  'sertcp', 'smb', 'snmp', 'ssh', 'sstp', 'state', 'store', 'stp', 'system', 'telephony', 'tftp', 'timer',
  'ups', 'vrrp', 'watchdog', 'web-proxy', 'wireguard', 'wireless', 'write', 'zerotier',
]);

function isTopics(tok: string): boolean {
  let start = 0;
  let comma = tok.indexOf(',');
  if (comma < 0 || comma > 16) return false; // the longest topic is 11 characters
  // Segment by segment: other formats' CSV lines fail on the first one without allocating.
  for (;;) {
    const end = comma < 0 ? tok.length : comma;
    if (!TOPICS.has(tok.slice(start, end))) return false;
    if (comma < 0) return true;
    start = comma + 1;
    comma = tok.indexOf(',', start);
  }
}

/** Topics that name what a non-firewall line is about (the others are system messages). */
const TOPIC_SKIPS: Record<string, SkipCode> = {
  dhcp: 'dhcp-message', ipsec: 'vpn-message', ovpn: 'vpn-message', l2tp: 'vpn-message', pptp: 'vpn-message',
  sstp: 'vpn-message', wireguard: 'vpn-message', zerotier: 'vpn-message', account: 'admin-message',
  manager: 'admin-message', ssh: 'admin-message', 'web-proxy': 'content-filter',
};

/** `SYN`, `ACK,PSH`: the words in parentheses after `proto TCP`. */
function tcpFlagsOf(detail: string): string | undefined {
  const mask = flagMaskOfWords(detail, 'ignore');
  return mask > 0 ? flagWords(mask) : undefined;
}

// `/log print`: `mar/18 20:35:05 ` (RouterOS 6) or a bare `20:35:05 ` for today's entries.
const PRINT_STAMP = /^([a-z]{3})\/(\d\d) (\d\d):(\d\d):(\d\d) /;
const TIME_ONLY = /^\d\d:\d\d:\d\d /;

interface Located {
  /** `[prefix] chain: in:…` with topics and local stamps removed. */
  body: string;
  topics?: string;
  ts?: number;
  hostname?: string;
}

function locate(env: Envelope, clock: Clock | undefined): Located {
  let m = env.message;
  let ts = env.ts;
  let hostname = env.hostname;
  let topics: string | undefined;
  const c = m.charCodeAt(0);
  if (c >= 97 && c <= 122 && m.charCodeAt(3) === 47 /* / */) {
    const p = PRINT_STAMP.exec(m);
    const month = p ? MONTHS[p[1][0].toUpperCase() + p[1].slice(1)] : undefined;
    if (p && month) {
      if (clock) ts = clock.localToUtc(clock.yearFor(month, +p[2], +p[3], +p[4], +p[5]), month, +p[2], +p[3], +p[4], +p[5]);
      m = m.slice(p[0].length);
    }
  } else if (c >= 48 && c <= 57 && TIME_ONLY.test(m)) {
    // Today's entries in `/log print`: a time without a date is no timestamp.
    m = m.slice(9);
  }
  // RouterOS 7 `/log print` (`2024-03-18 20:35:05 firewall,info …`): the envelope took the topics for a host.
  if (hostname !== undefined && isTopics(hostname)) {
    topics = hostname;
    hostname = undefined;
  } else {
    const sp = m.indexOf(' ');
    const first = sp < 0 ? m : m.slice(0, sp);
    if (isTopics(first)) {
      topics = first;
      m = sp < 0 ? '' : m.slice(sp + 1);
    }
  }
  return { body: m, topics, ts, hostname };
}

/** Index of the `in:` that follows the chain, or -1. */
function inAt(body: string, env: Envelope): number {
  if (body.startsWith('in:')) return env.tag !== undefined ? 0 : -1;
  const i = body.indexOf(': in:');
  return i < 0 ? -1 : i + 2;
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  if (m.indexOf('in:') < 0 && m.indexOf(',') < 0 && (env.hostname === undefined || env.hostname.indexOf(',') < 0)) return false;
  const loc = locate(env, undefined);
  if (loc.topics !== undefined) return true;
  const i = inAt(loc.body, env);
  return i >= 0 && loc.body.indexOf(' out:', i) > 0;
}

/** `a.b.c.d:port`, `[v6]:port`, `a.b.c.d`, or a bare IPv6 address (ICMPv6 has no ports). */
function endpoint(s: string): { ip?: string; port?: number; text: string } {
  if (s.charCodeAt(0) === 91 /* [ */) {
    const close = s.indexOf(']');
    if (close < 0) return { text: s };
    const text = s.slice(1, close);
    const ip = readIp(text);
    if (close + 1 === s.length) return { ip, text };
    if (s.charCodeAt(close + 1) !== 58) return { text };
    return { ip, port: portOf(s.slice(close + 2)), text };
  }
  const colon = s.indexOf(':');
  if (colon < 0 || s.indexOf(':', colon + 1) > 0) return { ip: readIp(s), text: s };
  const text = s.slice(0, colon);
  return { ip: readIp(text), port: portOf(s.slice(colon + 1)), text };
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  const loc = locate(env, clock);
  if (loc.topics !== undefined && !loc.topics.split(',').includes('firewall')) {
    const topic = loc.topics.split(',')[0];
    return skip(TOPIC_SKIPS[topic] ?? 'system-message', topic);
  }
  const body = loc.body;
  const at = inAt(body, env);
  // `firewall,info` lines without `in:` are the firewall's own notices (address lists, …).
  if (at < 0) return loc.topics !== undefined ? skip('system-message', 'firewall') : reject('truncated');

  // Before `in:` — `[prefix words] chain:`; with nothing there the envelope took the chain as tag.
  const head = at === 0 ? '' : body.slice(0, at - 2).trim();
  const lastSp = head.lastIndexOf(' ');
  const prefix = lastSp < 0 ? '' : head.slice(0, lastSp).trim();

  // The rest is `, `-separated: in/out, [connection-state / src-mac], proto, addresses, [NAT], len.
  const outAt = body.indexOf(' out:', at);
  if (outAt < 0) return reject('truncated');
  const inIf = body.slice(at + 3, outAt).trim();
  const parts = body.slice(outAt + 5).split(', ');
  const outIf = parts[0];

  let proto: string | undefined;
  let detail = '';
  let addrs: string | undefined;
  let srcMac: string | undefined;
  let length: number | undefined;
  for (let i = 1; i < parts.length; i++) {
    let p = parts[i];
    // RouterOS 7 writes `connection-state:new src-mac …` / `connection-state:new proto …` without a comma.
    if (p.startsWith('connection-state:')) {
      const sp = p.indexOf(' ');
      if (sp < 0) continue;
      p = p.slice(sp + 1);
    }
    if (p.startsWith('src-mac ')) {
      srcMac = colonMac(p.slice(8).trim());
    } else if (p.startsWith('proto ')) {
      const paren = p.indexOf(' (', 6);
      proto = paren < 0 ? p.slice(6).trim() : p.slice(6, paren);
      if (paren >= 0) {
        // `(type 8, code 0)` was cut by the `, ` split: glue the next part back.
        detail = p.slice(paren + 2);
        while (!detail.endsWith(')') && i + 1 < parts.length) detail += `, ${parts[++i]}`;
        detail = detail.endsWith(')') ? detail.slice(0, -1) : detail;
      }
    } else if (p.startsWith('len ')) {
      const n = portOf(p.slice(4).trim());
      length = n >= 0 ? n : undefined;
    } else if (addrs === undefined && proto !== undefined && p.indexOf('->') > 0 && !p.startsWith('NAT ')) {
      addrs = p;
    }
  }
  if (proto === undefined) return reject('no-protocol');
  if (addrs === undefined) return reject('no-addresses');
  const arrow = addrs.indexOf('->');
  const src = endpoint(addrs.slice(0, arrow).trim());
  const dst = endpoint(addrs.slice(arrow + 2).trim());
  if (src.ip === undefined) return reject(addressReason(src.text));
  if (dst.ip === undefined) return reject(addressReason(dst.text));

  const v6 = src.ip.indexOf(':') >= 0;
  let transport = protoKeyword(proto);
  if (transport === undefined) return reject('bad-protocol');
  if (transport === 'icmp' && v6) transport = 'ipv6-icmp';

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  if (transport === 'tcp' || transport === 'udp' || transport === 'sctp' || transport === 'udplite' || transport === 'dccp') {
    if (src.port === undefined || dst.port === undefined) return reject('no-ports');
    if (src.port < 0 || src.port > 65535 || dst.port < 0 || dst.port > 65535) return reject('bad-port');
    srcPort = src.port;
    dstPort = dst.port;
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const t = /type (\d+)/.exec(detail);
    const c = /code (\d+)/.exec(detail);
    if (t && +t[1] <= 255) icmpType = +t[1];
    if (c && +c[1] <= 255) icmpCode = +c[1];
  }

  if (loc.ts === undefined) return reject('no-timestamp');

  const event: FirewallEvent = {
    ts: loc.ts,
    format: 'mikrotik',
    action: actionFromPrefix(prefix),
    transport,
    srcIp: src.ip,
    dstIp: dst.ip,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' && detail ? tcpFlagsOf(detail) : undefined,
    icmpType,
    icmpCode,
    inIf: inIf && inIf.charCodeAt(0) !== 40 /* ( */ ? inIf : undefined,
    outIf: outIf && outIf.charCodeAt(0) !== 40 ? outIf : undefined,
    srcMac,
    length,
    rule: prefix || undefined,
    hostname: loc.hostname,
  };
  return { kind: 'event', event };
}

export const mikrotik: LogParser = {
  id: 'mikrotik',
  title: 'MikroTik RouterOS 6/7 firewall log',
  example:
    'Mar  3 10:15:42 gw firewall,info drop-in input: in:ether1 out:(unknown 0), connection-state:new ' +
    'src-mac 00:00:5e:00:53:01, proto TCP (SYN), 203.0.113.7:51234->192.0.2.10:22, len 60',
  sniff,
  parse,
};
