/**
 * Cisco ASA / PIX / FWSM / Firepower Threat Defense syslog: `%ASA-4-106023: Deny tcp src
 * outside:192.0.2.1/1234 dst inside:198.51.100.2/23 by access-group "OUT_IN" [0x0, 0x0]`.
 *
 * The message id picks the grammar. Traffic decisions become events:
 *   denies 106001 106002 106006 106007 106010 106011 106014 106015 106017 (land attack: no
 *   protocol named, transport `unknown`) 106021 106023 305005 313004 313005 313009 338008 710003
 *   710005, ACL hits 106100 and, through a VPN filter, 106102 / 106103 (hit-cnt → count), built
 *   connections 302013 302015 302017 302020 (allow), 710002 (allowed access to the box), and FTD
 *   connection events 430003 (430002 only for blocks). rsyslog's `message repeated N times: [ … ]`
 *   after the message id is read as the message it wraps, counted N times.
 * Decided otherwise, and why:
 *   - Teardown 302014/302016/302018/302021 → skip `session-end`: the Built message of the same
 *     connection is already the event, and a teardown does not say which side opened the
 *     connection, so it cannot be oriented.
 *   - NAT 305011/305012 → skip `nat-mapping`: an xlate is an address mapping, not a packet; it
 *     names no destination.
 *   - 313001 (ICMP to the box) → reject `no-addresses` (no destination); 106016 (IP spoof) →
 *     reject `no-protocol`: real traffic, but the message lacks a field every event needs.
 *   - Everything else → skip with the reason of its family (`vpn-message`, `admin-message`,
 *     `security-alert`, …, `system-message`).
 *
 * Direction is taken from interface names (nameif), which are also the zones: see `zoneSide`
 * in lib/zones.ts (`outside`, `wan`, `internet`, `untrust` … are the outside; `inside`, `lan`, `trust`,
 * `mgmt`, `identity` the inside; `dmz*` in between). Ingress is the source's interface, egress
 * the destination's. For Built messages the ASA lists the foreign (lower-security) end first;
 * for `outbound` connections that is the responder, so source and destination are swapped.
 * Real (untranslated) addresses are used; mapped addresses in parentheses are ignored.
 *
 * Time: a device stamp before the message id (`Apr 15 2013 09:36:50:`, with a zone
 * abbreviation such as `EDT` when printed) wins over the relay's; the envelope reads
 * `… 09:34:34 EDT: %ASA…` as tag `EDT` in the --tz zone, so the stamp is read again here.
 */
import { parseIsoStamp } from './envelope/stamps';
import type { Action, Clock, Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { ciscoStamp, ciscoStampBeforeTag } from './lib/device-time';
import { CISCO_PORT_NAMES } from './lib/cisco-ports';
import { addressReason, isPlaceholder, readIp } from './lib/ip';
import { toInt } from './lib/numbers';
import { PORTED, protoKeyword } from './lib/protocols';
import { reject, skip, type RejectOutcome, type SkipCode } from './lib/reasons';
import { readRepeat } from './lib/repeats';
import { flagMaskOfWords, flagWords } from './lib/tcp-flags';
import { zoneDirection, zoneSide } from './lib/zones';

const HEADER = /^%(?:ASA|PIX|FWSM|FTD)-(?:[A-Za-z_]+-)?[0-7]-(\d{6})(?::|\s|$)\s*/;

/** Index of the `%ASA-` (… `%PIX-`, `%FWSM-`, `%FTD-`) message id near the start, or -1. */
function findTag(m: string): number {
  let i = m.indexOf('%');
  while (i >= 0 && i < 96) {
    if (m.startsWith('ASA-', i + 1) || m.startsWith('PIX-', i + 1) || m.startsWith('FWSM-', i + 1) || m.startsWith('FTD-', i + 1)) return i;
    i = m.indexOf('%', i + 1);
  }
  return -1;
}

// A JSON document the envelope could not unwrap is not a log line, whatever it quotes.
const sniff = (env: Envelope): boolean => env.message.charCodeAt(0) !== 123 && findTag(env.message) >= 0;

/** One end of a connection as the message wrote it; `iface` is the nameif when given. */
interface End {
  iface?: string;
  addr: string;
  port?: string;
}

/**
 * What a grammar read, before validation. `onIf`: the interface the packet arrived on, when the
 * message names only that one. `portsOptional`: no ports by design (106021, 106002).
 * `inZone`/`outZone`: FTD security zones, when they differ from the interface names.
 */
interface Draft {
  action: Action;
  proto: string;
  src: End;
  dst: End;
  onIf?: string;
  rule?: string;
  count?: number;
  flags?: string;
  icmpType?: string;
  icmpCode?: string;
  direction?: FirewallEvent['direction'];
  portsOptional?: boolean;
  inZone?: string;
  outZone?: string;
}

/** `outside:192.0.2.1/80` (also IPv6 after the first colon); the port is optional. */
function ifEnd(tok: string): End {
  const cut = tok.search(/[\s(]/);
  const t = cut >= 0 ? tok.slice(0, cut) : tok;
  const c = t.indexOf(':');
  const iface = c > 0 ? t.slice(0, c) : undefined;
  return { iface, ...addrPort(c > 0 ? t.slice(c + 1) : t) };
}

/** `192.0.2.1/80`, `<public IP of 525>/4500`, `2001:db8::1` — port after the last slash. */
function addrPort(t: string): End {
  const s = t.lastIndexOf('/');
  return s > 0 ? { addr: t.slice(0, s).trim(), port: t.slice(s + 1) } : { addr: t.trim() };
}

/** ` SYN ACK ` (words the ASA prints after `flags`); undefined when none is a flag. */
function flagString(words: string): string | undefined {
  const mask = flagMaskOfWords(words, 'ignore');
  return mask > 0 ? flagWords(mask) : undefined;
}

function port(v: string | undefined): number | undefined | null {
  if (v === undefined || v === '') return undefined;
  const n = toInt(v);
  if (n !== undefined) return n;
  const named = CISCO_PORT_NAMES[v.toLowerCase()];
  return named === undefined ? null : named;
}

const swapIfOutbound = (dir: string, a: End, b: End): [End, End] => (dir === 'outbound' ? [b, a] : [a, b]);

/** Grammar per message id: a draft event, or the words a complete line must contain. */
interface Grammar {
  re: RegExp;
  needs: string[];
  build(m: RegExpExecArray): Draft | ParseOutcome;
}

const deny = (proto: string, src: End, dst: End, extra: Partial<Draft> = {}): Draft => ({ action: 'deny', proto, src, dst, ...extra });
const onIf = (m: RegExpExecArray, i: number) => (m[i] ? { onIf: m[i] } : {});

const SRC_DST = (lead: string): RegExp =>
  new RegExp(`^${lead}(?:protocol )?(\\S+) src (.+?) dst (.+?)(?:,? \\(?type (\\d+), code (\\d+)\\)?,?)?(?: by access-group "([^"]*)".*)?\\s*$`);
const buildSrcDst = (m: RegExpExecArray): Draft =>
  deny(m[1], ifEnd(m[2]), ifEnd(m[3]), { icmpType: m[4], icmpCode: m[5], rule: m[6] || undefined });
const BUILT = /^Built (inbound|outbound) (\S+) connection \S+ (?:for|from) ([^\s(]+)(?: ?\([^)]*\))* to ([^\s(]+)(?: ?\([^)]*\))*/;

const FOR_USER = /^access-list (\S+) (permitted|denied|est-allowed) (\S+) for user (?:'[^']*'|\S+) ([^\s/]+)\/([^\s(]+)\(([^)]*)\)(?: ?\([^)]*\))* -> ([^\s/]+)\/([^\s(]+)\(([^)]*)\)(?: ?\([^)]*\))* hit-cnt (\d+)/;

/** An ACL hit (106100, 106102, 106103): hit-cnt is the count; for ICMP the "ports" are type and code. */
function aclHit(m: RegExpExecArray): Draft {
  const icmp = /^icmp/i.test(m[3]);
  return {
    action: m[2] === 'denied' ? 'deny' : 'allow',
    proto: m[3],
    src: { iface: m[4], addr: m[5], port: icmp ? '' : m[6] },
    dst: { iface: m[7], addr: m[8], port: icmp ? '' : m[9] },
    icmpType: icmp ? m[6] : undefined,
    icmpCode: icmp ? m[9] : undefined,
    rule: m[1],
    count: Math.max(1, toInt(m[10], 1e9) ?? 1),
  };
}

const GRAMMARS: Record<string, Grammar> = {
  '106001': {
    re: /^Inbound (\S+) connection denied from (\S+) to (\S+) flags( [A-Z ]*?)?\s*(?:on interface (\S+))?\s*$/,
    needs: [' flags '],
    build: (m) => deny(m[1], addrPort(m[2]), addrPort(m[3]), { flags: m[4] ?? '', ...onIf(m, 5) }),
  },
  '106002': {
    re: /^(\S+) [Cc]onnection denied by outbound list (\S+) src (\S+)(?: (\d+))? dest (\S+)(?: (\d+))?\s*$/,
    needs: [' dest '],
    build: (m) => deny(m[1], { addr: m[3], port: m[4] }, { addr: m[5], port: m[6] }, { rule: m[2], direction: 'outbound', portsOptional: true }),
  },
  '106006': {
    re: /^Deny inbound (\S+) from (.+?) to (.+?) on interface (\S+)\s*$/,
    needs: [' to ', ' on interface '],
    build: (m) => deny(m[1], addrPort(m[2]), addrPort(m[3]), { onIf: m[4] }),
  },
  '106007': {
    re: /^Deny inbound (\S+) from (.+?) to (.+?) due to DNS \w+\.?\s*$/,
    needs: [' to ', ' due to '],
    build: (m) => deny(m[1], addrPort(m[2]), addrPort(m[3])),
  },
  '106010': { re: SRC_DST('Deny inbound '), needs: [' dst '], build: buildSrcDst },
  '106011': { re: SRC_DST('Deny inbound \\(No xlate\\) '), needs: [' dst '], build: buildSrcDst },
  '106014': { re: SRC_DST('Deny inbound '), needs: [' dst '], build: buildSrcDst },
  '106015': {
    re: /^Deny (\S+) \(no connection\) from (\S+) to (\S+) flags( [A-Z ]*?)?\s*(?:on interface (\S+))?\s*$/,
    needs: [' flags '],
    build: (m) => deny(m[1], addrPort(m[2]), addrPort(m[3]), { flags: m[4] ?? '', ...onIf(m, 5) }),
  },
  '106016': { re: /^Deny IP spoof/, needs: [], build: () => reject('no-protocol') },
  '106021': {
    re: /^Deny (\S+) reverse path check from (\S+) to (\S+) on interface (\S+)/,
    needs: [' on interface '],
    build: (m) => deny(m[1], { addr: m[2] }, { addr: m[3] }, { onIf: m[4], portsOptional: true }),
  },
  '106023': { re: SRC_DST('Deny '), needs: [' dst ', ' by access-group '], build: buildSrcDst },
  '106100': {
    re: /^access-list (\S+) (permitted|denied|est-allowed) (\S+) ([^\s/]+)\/([^\s(]+)\(([^)]*)\)(?: ?\([^)]*\))* -> ([^\s/]+)\/([^\s(]+)\(([^)]*)\)(?: ?\([^)]*\))* hit-cnt (\d+)/,
    needs: [' -> ', ' hit-cnt '],
    build: aclHit,
  },
  // The same through a VPN filter, naming the user: `access-list F denied udp for user 'u'
  // outside/192.0.2.1(137) -> inside/198.51.100.1(137) hit-cnt 1 first hit [0x…, 0x0]`.
  '106102': { re: FOR_USER, needs: [' -> ', ' hit-cnt '], build: aclHit },
  '106103': { re: FOR_USER, needs: [' -> ', ' hit-cnt '], build: aclHit },
  // A packet whose source equals its destination (a spoof meant to make a stack talk to itself);
  // the ASA names neither protocol nor ports.
  '106017': {
    re: /^Deny IP due to Land Attack from (\S+?) to (\S+?)\.?\s*$/,
    needs: [' to '],
    build: (m) => deny('unknown', { addr: m[1] }, { addr: m[2] }, { direction: 'inbound', portsOptional: true }),
  },
  '302013': { re: BUILT, needs: [' to '], build: built },
  '302015': { re: BUILT, needs: [' to '], build: built },
  '302017': { re: BUILT, needs: [' to '], build: built },
  '302020': {
    re: /^Built (inbound|outbound) (\S+) connection for faddr ([^\s(]+)(?: ?\([^)]*\))* gaddr \S+ laddr ([^\s(]+)(?: ?\([^)]*\))*(?:.*? type (\d+) code (\d+))?/,
    needs: [' laddr '],
    build: (m) => {
      const [src, dst] = swapIfOutbound(m[1], addrPort(m[3]), addrPort(m[4]));
      return { action: 'allow', proto: m[2], src, dst, icmpType: m[5], icmpCode: m[6] };
    },
  },
  '305005': { re: SRC_DST('No translation group found for '), needs: [' dst '], build: buildSrcDst },
  '313001': { re: /^Denied ICMP/, needs: [], build: () => reject('no-addresses') },
  '313004': {
    re: /^Denied ICMP type=(\d+), (?:code=(\d+), )?from (?:laddr )?(\S+) on interface (\S+) to (\S+?):?(?:\s+no matching.*)?\s*$/,
    needs: [' to '],
    build: (m) => deny('icmp', { addr: m[3] }, { addr: m[5] }, { icmpType: m[1], icmpCode: m[2], onIf: m[4] }),
  },
  // An echo request or reply with a code other than 0; the "ports" are the ICMP id.
  '313009': {
    re: /^Denied invalid ICMP code (\d+), for (\S+)(?: \([^)]*\))? to (\S+?),?(?: \([^)]*\))?(?: \[?\([^)]*\)\]?)?, ICMP id \d+, ICMP type (\d+)/,
    needs: [' to ', ' ICMP type '],
    build: (m) => deny('icmp', ifEnd(m[2]), ifEnd(m[3]), { icmpType: m[4], icmpCode: m[1] }),
  },
  '313005': {
    re: /^No matching connection for ICMP error message: (\S+) src (\S+) dst (\S+) \(type (\d+), code (\d+)\)/,
    needs: [' dst '],
    build: (m) => deny(m[1], ifEnd(m[2]), ifEnd(m[3]), { icmpType: m[4], icmpCode: m[5] }),
  },
  '338008': {
    re: /^Dynamic Filter dropped .*?(\S+) traffic from ([^\s(]+)(?: ?\([^)]*\))* to ([^\s(,]+)/,
    needs: [' to '],
    build: (m) => deny(m[1], ifEnd(m[2]), ifEnd(m[3])),
  },
  '710002': { re: /^(\S+) access permitted from (.+?) to (.+?)\s*$/, needs: [' to '], build: toBox('allow') },
  '710003': { re: /^(\S+) access denied by ACL from (.+?) to (.+?)\s*$/, needs: [' to '], build: toBox('deny') },
  '710005': { re: /^(\S+) request discarded from (.+?) to (.+?)\s*$/, needs: [' to '], build: toBox('deny') },
};

const FTD_ALLOW = new Set(['allow', 'trust', 'fastpath', 'monitor']);

/**
 * FTD connection events (`%FTD-1-430002/430003: DeviceUUID: …, AccessControlRuleAction: Allow,
 * SrcIP: …, DstIP: …, SrcPort: …, DstPort: …, Protocol: tcp, IngressInterface: …, …`).
 * 430003 (end of connection) is the event; 430002 (beginning) only for blocks, which have no
 * end — an allowed connection logged at both ends would otherwise count twice.
 */
function ftdConnection(id: string, body: string): Draft | ParseOutcome {
  const f = new Map<string, string>();
  for (const part of body.split(', ')) {
    const c = part.indexOf(': ');
    if (c > 0) f.set(part.slice(0, c).trim(), part.slice(c + 2).trim());
  }
  const act = (f.get('AccessControlRuleAction') ?? '').toLowerCase();
  const action: Action = FTD_ALLOW.has(act) ? 'allow' : act.includes('block') ? 'deny' : 'unknown';
  if (id === '430002' && action !== 'deny') return skip('session-start');
  const src = f.get('SrcIP') ?? f.get('InitiatorIP');
  const dst = f.get('DstIP') ?? f.get('ResponderIP');
  const proto = f.get('Protocol');
  if (src === undefined || dst === undefined || proto === undefined) return reject('truncated');
  return {
    action,
    proto,
    src: { addr: src, port: f.get('SrcPort') ?? f.get('InitiatorPort'), iface: f.get('IngressInterface') },
    dst: { addr: dst, port: f.get('DstPort') ?? f.get('ResponderPort'), iface: f.get('EgressInterface') },
    icmpType: f.get('ICMPType'), icmpCode: f.get('ICMPCode'), rule: f.get('AccessControlRuleName'),
    inZone: f.get('IngressZone'), outZone: f.get('EgressZone'),
  };
}

function built(m: RegExpExecArray): Draft {
  const [src, dst] = swapIfOutbound(m[1], ifEnd(m[3]), ifEnd(m[4]));
  return { action: 'allow', proto: m[2], src, dst };
}

/** 7100xx: management access to the ASA itself; the destination names the interface it hit. */
function toBox(action: Action): (m: RegExpExecArray) => Draft {
  return (m) => {
    const dst = ifEnd(m[3]);
    return { action, proto: m[1], src: addrPort(m[2]), dst, onIf: dst.iface };
  };
}

/** Skip reasons by message id (exact) or family (first three digits). */
function byReason(t: Partial<Record<SkipCode, string>>): Record<string, SkipCode> {
  return Object.fromEntries(Object.entries(t).flatMap(([reason, ids]) => ids.split(' ').map((id) => [id, reason as SkipCode])));
}
const SKIP_IDS = byReason({
  'session-end': '302014 302016 302018 302021 302036',
  'nat-mapping': '305009 305010 305011 305012',
  'admin-message': '710001 710004 710006',
});
const SKIP_FAMILIES = byReason({
  'admin-message': '111 113 605 611', 'content-filter': '304', 'security-alert': '338 400 430 733',
  'vpn-message': '602 713 715 716 722 725 734 737 750 751 752',
});

/** Why a known traffic message did not match its grammar. */
function failReason(body: string, g: Grammar): RejectOutcome {
  if (/(?:^|[\s:(])(?:\*{2,}|[xXyYzZ]\.[xXyYzZ]\.[xXyYzZ]\.[xXyYzZ]|a\.b\.c\.d|<[^>]*>)/.test(body)) return reject('placeholder-address');
  // Cut-off only when the line starts like the grammar: other wording is another format.
  const lead = /^\^([A-Za-z-]+)/.exec(g.re.source)?.[1];
  if (lead !== undefined && !body.startsWith(`${lead} `)) return reject('unrecognized-message');
  if (g.needs.some((k) => !body.includes(k))) return reject('truncated');
  if (/\s(?:to|from|src|dst|dest|on|flags|interface|by|for|laddr|gaddr|faddr)$/.test(body.trimEnd())) return reject('truncated');
  return reject('unrecognized-message');
}

/** Device stamp before the message id, else the (zone-corrected) envelope stamp. */
function timeOf(env: Envelope, m: string, tagAt: number, clock: Clock): number | RejectOutcome | undefined {
  const before = m.slice(0, tagAt);
  if (before.length >= 15) {
    const own = ciscoStamp(before, clock);
    if (own) return 'kind' in own ? own : own.ts;
    const iso = parseIsoStamp(before.trimStart(), 0, clock);
    if (iso) return iso.ts;
  }
  const fixed = ciscoStampBeforeTag(env, clock);
  if (fixed) return 'kind' in fixed ? fixed : fixed.ts;
  return env.ts;
}

function hostnameOf(env: Envelope): string | undefined {
  let h = env.hostname;
  if (h === undefined) return undefined;
  if (h.endsWith(':')) h = h.slice(0, -1);
  return h === '' || isPlaceholder(h) ? undefined : h;
}

function finish(d: Draft, env: Envelope, ts: number | RejectOutcome | undefined): ParseOutcome {
  const srcIp = readIp(d.src.addr);
  if (srcIp === undefined) return reject(addressReason(d.src.addr));
  const dstIp = readIp(d.dst.addr);
  if (dstIp === undefined) return reject(addressReason(d.dst.addr));
  // `unknown`: the message names no protocol (106017).
  let transport = d.proto === 'unknown' ? d.proto : protoKeyword(d.proto);
  if (transport === undefined) return reject('bad-protocol');
  if (transport === 'icmp' && srcIp.includes(':')) transport = 'ipv6-icmp';
  let srcPort: number | undefined;
  let dstPort: number | undefined;
  if (PORTED.has(transport)) {
    const sp = port(d.src.port);
    const dp = port(d.dst.port);
    if (sp === null || dp === null) return reject('bad-port');
    if ((sp === undefined || dp === undefined) && !d.portsOptional) return reject('no-ports');
    srcPort = sp;
    dstPort = dp;
  }
  let tcpFlags: string | undefined;
  if (d.flags !== undefined) {
    // `flags  on interface outside`: the ASA printed the flag list, and it was empty (a NULL scan);
    // a line that stops at `flags` was cut off.
    tcpFlags = d.flags.trim() !== '' ? flagString(d.flags) : d.onIf !== undefined ? '' : undefined;
    if (tcpFlags === undefined) return reject('truncated');
  }
  const icmp = transport === 'icmp' || transport === 'ipv6-icmp';
  const icmpType = icmp ? toInt(d.icmpType, 255) : undefined;
  const icmpCode = icmp ? toInt(d.icmpCode, 255) : undefined;
  if (ts === undefined) return reject('no-timestamp');
  if (typeof ts === 'object') return ts;

  const inIf = d.src.iface ?? d.onIf;
  const outIf = d.onIf !== undefined && d.dst.iface === d.onIf && d.src.iface === undefined ? undefined : d.dst.iface;
  const inZone = d.inZone ?? inIf;
  const outZone = d.outZone ?? outIf;
  const event: FirewallEvent = {
    ts, format: 'cisco-asa', action: d.action, transport, srcIp, dstIp, srcPort, dstPort,
    tcpFlags: transport === 'tcp' ? tcpFlags : undefined,
    icmpType, icmpCode, inIf, outIf, rule: d.rule, hostname: hostnameOf(env),
    direction: d.direction ?? zoneDirection(zoneSide(inZone), zoneSide(outZone)) ?? zoneDirection(zoneSide(inIf), zoneSide(outIf)),
    inZone, outZone,
  };
  if (d.count !== undefined && d.count !== 1) event.count = d.count;
  return { kind: 'event', event };
}

function parse(env: Envelope, clock: Clock): ParseOutcome {
  try {
    const m = env.message;
    const tagAt = findTag(m);
    if (tagAt < 0) return skip('not-firewall');
    const h = HEADER.exec(m.slice(tagAt));
    if (!h) return reject('unrecognized-message');
    const id = h[1];
    if (id === '430002' || id === '430003') {
      const d = ftdConnection(id, m.slice(tagAt + h[0].length));
      return 'kind' in d ? d : finish(d, env, timeOf(env, m, tagAt, clock));
    }
    const g = GRAMMARS[id];
    if (g === undefined) return skip(SKIP_IDS[id] ?? SKIP_FAMILIES[id.slice(0, 3)] ?? 'system-message');
    let body = m.slice(tagAt + h[0].length);
    // rsyslog folded repeats of this message into one line (lib/repeats.ts).
    const repeat = readRepeat(body);
    if (repeat) body = repeat.inner;
    const r = g.re.exec(body);
    if (!r) return failReason(body, g);
    const d = g.build(r);
    if ('kind' in d) return d;
    if (repeat) d.count = (d.count ?? 1) * repeat.times;
    return finish(d, env, timeOf(env, m, tagAt, clock));
  } catch {
    return reject('parser-error');
  }
}

export const ciscoAsa: LogParser = {
  id: 'cisco-asa',
  title: 'Cisco ASA / PIX / FWSM / Firepower Threat Defense syslog',
  example:
    'Oct 10 2018 12:34:56 fw01 : %ASA-4-106023: Deny tcp src outside:203.0.113.7/51234 dst inside:192.0.2.10/22 ' +
    'by access-group "OUTSIDE_IN" [0x0, 0x0]',
  sniff,
  parse,
};
