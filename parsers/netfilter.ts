/**
 * Linux netfilter LOG / nf_log lines: iptables, ip6tables, nftables `log`, and everything built
 * on them (ufw, firewalld, DD-WRT, Tomato, ASUS-Merlin, OpenWrt, UniFi/EdgeOS, Proxmox).
 *
 * The kernel writes `<prefix>IN=… OUT=… [MAC=…] SRC=… DST=… … PROTO=… …`. The prefix is whatever
 * the admin configured (often glued to `IN=`), and it is the only place an action can come from.
 * Scanning is done with indexOf over space-separated tokens: this runs on every line of a
 * router log, so no regular expressions on the hot path.
 */
import type { Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { actionFromPrefix } from './lib/actions';
import { addressReason, readIp } from './lib/ip';
import { colonMac, hexBytes } from './lib/mac';
import { memo } from './lib/memo';
import { protoKeyword } from './lib/protocols';
import { reject } from './lib/reasons';
import { flagBitAt, flagWords } from './lib/tcp-flags';

/** nf_log prints SPT/DPT after these names (a bare number, e.g. SCTP's 132, comes without ports). */
const PORTED = new Set(['tcp', 'udp', 'udplite']);

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Index of the record's `IN=`, or -1. A prefix may be glued to it (`DROP(src wan)IN=`,
 * `[LAN_LOCAL-default-A]IN=`, even `BLOCKEDIN=`); letters before it only count when the kernel's
 * `IN=x OUT=` pair follows, so `PHYSIN=` and words like `LOGIN=` are not taken for it.
 */
function findIn(m: string): number {
  let i = m.indexOf('IN=');
  while (i >= 0) {
    if (i === 0 || !isAlnum(m.charCodeAt(i - 1))) return i;
    const sp = m.indexOf(' ', i);
    if (sp > 0 && m.startsWith('OUT=', sp + 1)) return i;
    i = m.indexOf('IN=', i + 3);
  }
  return -1;
}

/** `KEY=` at the start or after a non-alphanumeric character. */
function findToken(m: string, key: string, from = 0): number {
  let i = m.indexOf(key, from);
  while (i >= 0) {
    if (i === 0 || !isAlnum(m.charCodeAt(i - 1))) return i;
    i = m.indexOf(key, i + key.length);
  }
  return -1;
}

/** Netfilter keys that only nf_log writes together; three of them mark a cut-off record. */
const TRUNC_KEYS = ['PROTO=', 'SPT=', 'DPT=', 'TTL=', 'ID=', 'LEN=', 'WINDOW=', 'URGP=', 'SRC=', 'DST=', 'TOS=', 'PREC='];

function looksTruncated(m: string): boolean {
  if (m.indexOf('PROTO=') < 0) return false;
  let hits = 0;
  for (const k of TRUNC_KEYS) if (findToken(m, k) >= 0 && ++hits >= 3) return true;
  return false;
}

function sniff(env: Envelope): boolean {
  const m = env.message;
  // A JSON document the envelope could not unwrap is not a log line, whatever it contains.
  if (m.charCodeAt(0) === 123 /* { */) return false;
  const i = findIn(m);
  if (i >= 0) return m.indexOf('SRC=', i) > 0 || m.indexOf('OUT=', i) > 0;
  // pvefw-logger leaves out an empty IN=; damaged lines lost it.
  const o = findToken(m, 'OUT=');
  if (o >= 0 && m.indexOf('SRC=', o) > 0) return true;
  return looksTruncated(m);
}

/** ECS wants MACs in RFC 7042 form: upper-case, hyphen-separated. */
function rfc7042(v: string): string {
  return v.replaceAll(':', '-').toUpperCase();
}

/**
 * `MAC=` is the link-layer header: dst (6 bytes), src (6), ethertype, sometimes more (VLAN tag,
 * IP header bytes). With fewer than 12 well-formed bytes (`45:00:00:4e`, placeholders) nothing
 * in it can be trusted as an address.
 */
const splitMac = memo((v: string): [string, string] | undefined =>
  hexBytes(v, 12) ? [rfc7042(v.slice(0, 17)), rfc7042(v.slice(18, 35))] : undefined,
);

/** `MACSRC=` / `MACDST=` (nft `log flags ether`, iptables `--log-macdecode`). */
const oneMac = memo((v: string): string | undefined => colonMac(v));

function macOf(m: string, k: K): string | undefined {
  const v = text(m, k);
  return v === undefined ? undefined : oneMac(v);
}

function badPort(p: number | undefined): boolean {
  return p !== undefined && (p < 0 || p > 65535);
}

/** Splits the prefix into the rule name and the part that names the action. */
function ruleOf(env: Envelope, prefix: string): { rule?: string; verdict: string } {
  if (prefix === '') {
    // ulogd and some daemons put the log prefix where the syslog tag goes (`IN-work: IN=…`).
    const tag = env.tag;
    if (tag && env.pid === undefined && env.kind !== 'pvefw' && tag.toLowerCase() !== 'kernel') {
      return { rule: `${tag}:`, verdict: tag };
    }
    return { verdict: '' };
  }
  // UniFi appends DESCR="…", the rule's description from the controller. It is kept in the rule
  // name (it is what the user typed), but the verdict comes from the bracket code only: a rule
  // described as "Block All Traffic" may well be an -A- rule.
  const d = prefix.indexOf('DESCR="');
  if (d >= 0) {
    const base = prefix.slice(0, d).trim();
    const end = prefix.indexOf('"', d + 7);
    const descr = prefix.slice(d + 7, end > 0 ? end : prefix.length).trim();
    return { rule: descr ? `${base} ${descr}`.trim() : base || undefined, verdict: base };
  }
  return { rule: prefix, verdict: prefix };
}

const FW4_PREFIX = /^(?:drop|reject|accept) (\S+) (in|out):$/;

/**
 * OpenWrt prefixes name the zone: fw3 `DROP(src wan)` / `REJECT(dest lan)`, fw4 `drop wan in:` /
 * `reject lan out:`. Returns [ingress zone, egress zone].
 */
function openWrtZones(prefix: string): [string | undefined, string | undefined] {
  const fw4 = FW4_PREFIX.exec(prefix);
  if (fw4) return fw4[2] === 'in' ? [fw4[1], undefined] : [undefined, fw4[1]];
  return [zoneAfter(prefix, '(src '), zoneAfter(prefix, '(dest ')];
}

function zoneAfter(prefix: string, key: string): string | undefined {
  const i = prefix.indexOf(key);
  if (i < 0) return undefined;
  const end = prefix.indexOf(')', i);
  const z = prefix.slice(i + key.length, end > 0 ? end : prefix.length).trim();
  return z || undefined;
}

const zonesOf = memo(openWrtZones);

/** Keys the parser reads; everything else (TOS, ID, WINDOW, SEQ, …) is passed over. */
const enum K { none = -1, in = 0, out, physIn, physOut, mac, macSrc, macDst, src, dst, proto, spt, dpt, type, code, len, ttl, mark, urgp, count }

/** Does m hold `key` at pos? By character codes: a builtin call per key cost more than the compare. */
function at(m: string, pos: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) if (m.charCodeAt(pos + i) !== key.charCodeAt(i)) return false;
  return true;
}

/** Identifies the key at m[pos, pos+len) without allocating it (this runs ~20 times a line). */
function keyOf(m: string, pos: number, len: number): K {
  const c0 = m.charCodeAt(pos);
  switch (len) {
    case 2: return c0 === 73 && m.charCodeAt(pos + 1) === 78 ? K.in : K.none;
    case 3: {
      const c1 = m.charCodeAt(pos + 1);
      const c2 = m.charCodeAt(pos + 2);
      switch (c0) {
        case 79: return c1 === 85 && c2 === 84 ? K.out : K.none; // OUT
        case 77: return c1 === 65 && c2 === 67 ? K.mac : K.none; // MAC
        case 83: return c1 === 82 && c2 === 67 ? K.src : c1 === 80 && c2 === 84 ? K.spt : K.none; // SRC SPT
        case 68: return c1 === 83 && c2 === 84 ? K.dst : c1 === 80 && c2 === 84 ? K.dpt : K.none; // DST DPT
        case 76: return c1 === 69 && c2 === 78 ? K.len : K.none; // LEN
        case 84: return c1 === 84 && c2 === 76 ? K.ttl : K.none; // TTL
        default: return K.none;
      }
    }
    case 4:
      if (c0 === 84) return at(m, pos, 'TYPE') ? K.type : K.none;
      if (c0 === 67) return at(m, pos, 'CODE') ? K.code : K.none;
      if (c0 === 85) return at(m, pos, 'URGP') ? K.urgp : K.none;
      return c0 === 77 && at(m, pos, 'MARK') ? K.mark : K.none;
    case 5: return c0 === 80 && at(m, pos, 'PROTO') ? K.proto : K.none;
    case 6:
      if (c0 === 80) return at(m, pos, 'PHYSIN') ? K.physIn : K.none;
      if (c0 !== 77 || !at(m, pos, 'MAC')) return K.none;
      if (at(m, pos + 3, 'SRC')) return K.macSrc;
      return at(m, pos + 3, 'DST') ? K.macDst : K.none;
    case 7: return c0 === 80 && at(m, pos, 'PHYSOUT') ? K.physOut : K.none;
    case 8: return c0 === 72 && at(m, pos, 'HOPLIMIT') ? K.ttl : K.none;
    default: return K.none;
  }
}

/**
 * Where each key the parser reads has its value (the first occurrence outside brackets), by K:
 * start at 2k, end at 2k + 1, start -1 when absent. Positions rather than strings: most values
 * are numbers, read in place, and one array serves every line (the parser is synchronous).
 */
const spans = new Int32Array(2 * K.count);

/** Fills `spans`; returns the TCP flag bits, with FRAGMENT set for a fragment. */
function scan(m: string, start: number): number {
  spans.fill(-1);
  let flags = 0;
  // Inside `[SRC=… DST=… …]`: the packet an ICMP error quotes, not the one that was logged.
  let depth = 0;
  const n = m.length;
  let pos = start;
  while (pos < n) {
    let end = m.indexOf(' ', pos);
    if (end < 0) end = n;
    if (end > pos) {
      const c0 = m.charCodeAt(pos);
      if (depth > 0 || c0 === 91 /* [ */) {
        if (c0 === 91) depth++;
        if (m.charCodeAt(end - 1) === 93 /* ] */) depth--;
      } else {
        // Keys are at most 8 characters: look for `=` there only, not through the line.
        let eq = pos;
        const limit = Math.min(end, pos + 9);
        while (eq < limit && m.charCodeAt(eq) !== 61 /* = */) eq++;
        if (eq === limit) {
          if (end - pos === 3) flags |= flagBitAt(m, pos); // DF, CE, MF… give 0
          else if (m.startsWith('FRAG:', pos) && !hasEq(m, pos, end)) flags |= FRAGMENT;
        } else {
          // First occurrence wins: the UDP header repeats LEN=, ICMP echo repeats ID=.
          const k = keyOf(m, pos, eq - pos);
          if (k !== K.none && spans[2 * k] < 0) {
            spans[2 * k] = eq + 1;
            spans[2 * k + 1] = end;
          }
        }
      }
    }
    pos = end + 1;
  }
  return flags;
}

function hasEq(m: string, from: number, end: number): boolean {
  const eq = m.indexOf('=', from);
  return eq >= 0 && eq < end;
}

/** Bit above the TCP flags: the record is a fragment (`FRAG:`). */
const FRAGMENT = 256;

/** The value of key k as text, or undefined. */
function text(m: string, k: K): string | undefined {
  const s = spans[2 * k];
  return s < 0 ? undefined : m.slice(s, spans[2 * k + 1]);
}

/** The value of key k as text, undefined when absent or empty (`OUT=`). */
function word(m: string, k: K): string | undefined {
  const s = spans[2 * k];
  const e = spans[2 * k + 1];
  return s < 0 || e === s ? undefined : m.slice(s, e);
}

/** `toUint` of the value of key k, read in place; -2 when absent. */
function uint(m: string, k: K): number {
  const s = spans[2 * k];
  if (s < 0) return -2;
  const e = spans[2 * k + 1];
  if (e === s || e - s > 10) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = m.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The kernel prints the TCP header as `… WINDOW= RES= <flags> URGP=`: with `URGP=` there, no flag
 * word means none was set (a NULL scan); without it the header was not logged.
 */
function tcpFlagsOf(flags: number, headerLogged: boolean): string | undefined {
  if (flags !== 0) return flagWords(flags);
  return headerLogged ? '' : undefined;
}

function parse(env: Envelope): ParseOutcome {
  const m = env.message;
  const inAt = findIn(m);
  let start = inAt;
  if (start < 0) start = findToken(m, 'OUT=');
  if (start < 0) start = 0;
  const bits = scan(m, start);
  const fragment = (bits & FRAGMENT) !== 0;
  const flags = bits & 255;
  const src = text(m, K.src);
  const dst = text(m, K.dst);

  if (!src || !dst) return reject('no-addresses');
  const srcIp = readIp(src);
  if (srcIp === undefined) return reject(addressReason(src));
  const dstIp = readIp(dst);
  if (dstIp === undefined) return reject(addressReason(dst));
  // The kernel always prints IN= (maybe empty); only pvefw-logger drops an empty one.
  if (inAt < 0 && env.kind !== 'pvefw') return reject('truncated');
  const proto = text(m, K.proto);
  if (proto === undefined || proto === '') return reject('no-protocol');
  const transport = protoKeyword(proto);
  if (transport === undefined) return reject('bad-protocol');

  let srcPort: number | undefined;
  let dstPort: number | undefined;
  const spt = uint(m, K.spt);
  const dpt = uint(m, K.dpt);
  if (spt !== -2 || dpt !== -2) {
    srcPort = spt === -2 ? undefined : spt;
    dstPort = dpt === -2 ? undefined : dpt;
    if (badPort(srcPort) || badPort(dstPort)) return reject('bad-port');
  }
  // A non-first fragment has no transport header to log: a complete line without ports.
  if ((srcPort === undefined || dstPort === undefined) && !fragment && PORTED.has(transport) && !isDigit(proto.charCodeAt(0))) {
    return reject('no-ports');
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const type = uint(m, K.type);
    // `PROTO=1` / `PROTO=58`: the kernel named the protocol by number because it did not decode
    // the ICMP header, so no TYPE= follows — a complete line, an event without a type.
    if (type === -2 && !fragment && !isDigit(proto.charCodeAt(0))) return reject('no-icmp-type');
    if (type !== -2) {
      icmpType = type;
      const code = uint(m, K.code);
      icmpCode = code === -2 ? undefined : code;
      if (icmpType < 0 || icmpType > 255 || (icmpCode !== undefined && (icmpCode < 0 || icmpCode > 255))) {
        return reject('bad-icmp-type');
      }
    }
  }
  if (env.ts === undefined) return reject('no-timestamp');

  const prefix = m.slice(0, start).trim();
  const { rule, verdict } = ruleOf(env, prefix);
  const zones = verdict === '' ? undefined : zonesOf(verdict);
  const mac = text(m, K.mac);
  const macs = mac === undefined ? undefined : splitMac(mac);
  const lenN = uint(m, K.len);
  const ttlN = uint(m, K.ttl);

  const event: FirewallEvent = {
    ts: env.ts,
    format: 'netfilter',
    action: actionFromPrefix(verdict),
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' ? tcpFlagsOf(flags, spans[2 * K.urgp] >= 0) : undefined,
    icmpType,
    icmpCode,
    inIf: word(m, K.in),
    outIf: word(m, K.out),
    physIn: word(m, K.physIn),
    physOut: word(m, K.physOut),
    srcMac: macs ? macs[1] : macOf(m, K.macSrc),
    dstMac: macs ? macs[0] : macOf(m, K.macDst),
    length: lenN >= 0 ? lenN : undefined,
    ttl: ttlN >= 0 && ttlN <= 255 ? ttlN : undefined,
    mark: word(m, K.mark),
    rule,
    hostname: env.hostname,
    inZone: zones?.[0],
    outZone: zones?.[1],
  };
  return { kind: 'event', event };
}

export const netfilter: LogParser = {
  id: 'netfilter',
  title: 'Linux netfilter LOG (iptables, ip6tables, nftables, ufw, firewalld, OpenWrt, UniFi/EdgeOS, Proxmox)',
  example:
    'Mar  3 10:15:42 gw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 ' +
    'SRC=203.0.113.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=51 ID=4242 DF PROTO=TCP SPT=51234 DPT=22 ' +
    'WINDOW=64240 RES=0x00 SYN URGP=0',
  sniff,
  parse,
};
