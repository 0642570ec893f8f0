import { FLAGS_WITHOUT_ACK, type Direction, type FirewallEvent } from '../../parsers/types';
import { CidrSet, ipv4ToInt } from './networks';

export type EventClass = 'scan' | 'late' | 'outbound' | 'internal' | 'external' | 'trusted';

export interface Classified {
  direction: Direction;
  class: EventClass;
  /** Why: the kind of packet (`tcp-syn`, `udp`, `icmp-echo`, `tcp-ack`, `udp-reply`, …). */
  reason: string;
}

export interface ClassifierSettings {
  home: CidrSet;
  /** WAN interface names (`--wan-if`), the strongest evidence of direction a log can give. */
  wanIf: ReadonlySet<string>;
  trusted: CidrSet;
}

// Destinations that never leave the local segment: a packet to them is not going "outside".
const LOCAL_ONLY = new CidrSet(['224.0.0.0/4', '255.255.255.255/32', '0.0.0.0/32', 'ff00::/8']);
// Inbound UDP from these ports to a high port is a late reply (DNS, NTP, QUIC, STUN), not a probe.
const UDP_REPLY_PORTS = new Set([53, 123, 443, 853, 3478, 19302]);
// Services that answer from their port to the same port (NTP servers, DNS between servers).
const UDP_SYMMETRIC_REPLY_PORTS = new Set([53, 123]);
// ICMP requests that probe a host; every other type is an answer or an error.
const ICMP_PROBES = new Set([8, 13, 15, 17]);
const ICMP6_PROBES = new Set([128]);

/**
 * Direction from the strongest evidence: the device's own statement, then `--wan-if`, then the
 * addresses. Two rules hold whatever the device says: traffic to multicast or broadcast stays
 * on the local segment, and traffic from a home network is not inbound — a host firewall
 * (Windows, a laptop's ufw) logs its LAN peers' mDNS, SSDP and NetBIOS as "received", and they
 * are not the Internet knocking.
 */
export function direction(e: FirewallEvent, s: ClassifierSettings): Direction {
  let stated: Direction | undefined = e.direction && e.direction !== 'unknown' ? e.direction : undefined;
  if (stated === undefined && s.wanIf.size > 0) {
    const inWan = e.inIf !== undefined && s.wanIf.has(e.inIf);
    const outWan = e.outIf !== undefined && s.wanIf.has(e.outIf);
    if (inWan && !outWan) stated = 'inbound';
    else if (outWan && !inWan) stated = 'outbound';
  }
  if (stated !== undefined && stated !== 'inbound') return stated;
  const src4 = ipv4ToInt(e.srcIp);
  const dst4 = ipv4ToInt(e.dstIp);
  const srcHome = s.home.has(e.srcIp, src4);
  const dstLocal = LOCAL_ONLY.has(e.dstIp, dst4);
  if (stated === 'inbound') {
    if (srcHome) return 'internal';
    return dstLocal ? 'external' : 'inbound';
  }
  const dstHome = s.home.has(e.dstIp, dst4);
  if (srcHome || LOCAL_ONLY.has(e.srcIp, src4)) return dstHome || dstLocal ? 'internal' : 'outbound';
  if (dstLocal) return 'external';
  if (dstHome) return 'inbound';
  // Both ends public: a packet to or from the firewall's own public address. Netfilter says
  // which: INPUT has only IN=, OUTPUT only OUT=.
  if (e.inIf && !e.outIf) return 'inbound';
  if (e.outIf && !e.inIf) return 'outbound';
  return 'external';
}

type Kind = { class: 'scan' | 'late'; reason: string };

// Results are shared constants: this runs for every event, and they are only read.
const kind = (cls: 'scan' | 'late', reason: string): Kind => Object.freeze({ class: cls, reason });
const K = {
  tcp: kind('scan', 'tcp'), syn: kind('scan', 'tcp-syn'), synAck: kind('late', 'tcp-synack'),
  // Stealth probes: no ACK and no SYN, which no live session sends (nmap -sN, -sF, -sX, --scanflags).
  tcpNull: kind('scan', 'tcp-null'), fin: kind('scan', 'tcp-fin'), xmas: kind('scan', 'tcp-xmas'), tcpOther: kind('scan', 'tcp-other'),
  rst: kind('late', 'tcp-rst'), finAck: kind('late', 'tcp-finack'), ack: kind('late', 'tcp-ack'),
  udpReply: kind('late', 'udp-reply'), udp: kind('scan', 'udp'),
  icmpEcho: kind('scan', 'icmp-echo'), icmpReply: kind('late', 'icmp-reply'),
};

/**
 * A TCP packet by its flags. SYN without ACK opens a connection: a probe. Anything with ACK, and
 * any RST, belongs to a session (its tail after the firewall forgot it, or an answer): late —
 * which is also all an nmap ACK scan (-sA) shows, so an ACK scan cannot be told from late
 * traffic. What has neither ACK nor SYN (nor RST) is a packet no TCP stack sends in a session:
 * FIN alone (nmap -sF), no flag at all (-sN), FIN PSH URG (-sX) or another mix (--scanflags).
 * ECN bits (CWR, ECE) are set beside the others and do not change the kind.
 */
function tcpKind(e: FirewallEvent): Kind {
  const f = e.tcpFlags;
  if (f === undefined) return K.tcp; // the format does not log flags
  if (f === '') return K.tcpNull;
  const syn = f.includes('SYN');
  const ack = f.includes('ACK');
  if (syn) return ack ? K.synAck : K.syn;
  if (f.includes('RST')) return K.rst;
  const fin = f.endsWith('FIN');
  // Some formats cannot show ACK unless SYN is there (AWS): their FIN may end a session.
  if (ack || FLAGS_WITHOUT_ACK.has(e.format)) return fin ? K.finAck : K.ack;
  const core = f.startsWith('C') || f.startsWith('E') ? f.replace(/^(?:CWR ?)?(?:ECE ?)?/, '') : f;
  if (core === 'FIN') return K.fin;
  if (core === 'URG PSH FIN') return K.xmas;
  return K.tcpOther;
}

/** What kind of unsolicited inbound packet this is: a scan, or a late remnant of a session. */
function inboundKind(e: FirewallEvent): Kind {
  switch (e.transport) {
    case 'tcp':
      return tcpKind(e);
    case 'udp':
      if (e.srcPort !== undefined && UDP_REPLY_PORTS.has(e.srcPort) && (e.dstPort ?? 0) >= 1024) return K.udpReply;
      if (e.srcPort !== undefined && e.srcPort === e.dstPort && UDP_SYMMETRIC_REPLY_PORTS.has(e.srcPort)) return K.udpReply;
      return K.udp;
    case 'icmp':
      if (e.icmpType === undefined || ICMP_PROBES.has(e.icmpType)) return K.icmpEcho;
      return K.icmpReply;
    case 'ipv6-icmp':
      if (e.icmpType === undefined || ICMP6_PROBES.has(e.icmpType)) return K.icmpEcho;
      return K.icmpReply;
    default:
      return { class: 'scan', reason: `proto-${e.transport}` };
  }
}

const classified = (direction: Direction, cls: EventClass, reason: string): Classified => Object.freeze({ direction, class: cls, reason });
const OUTBOUND = classified('outbound', 'outbound', 'home-to-outside');
const INTERNAL = classified('internal', 'internal', 'home-to-home');
const EXTERNAL = classified('external', 'external', 'outside-to-outside');
/** Inbound results by kind, untrusted and trusted. */
const INBOUND = new Map<Kind, [Classified, Classified]>(
  Object.values(K).map((k) => [k, [classified('inbound', k.class, k.reason), classified('inbound', 'trusted', k.reason)]]),
);

/**
 * Scan vs late vs outbound vs internal, with the reason stored beside it.
 * Follows the DShield / psad practice: packets that could open a conversation (SYN without ACK,
 * UDP, ICMP requests, other protocols) and TCP stealth probes (neither ACK nor SYN: FIN, NULL,
 * XMAS scans) count as scans; ACK, RST and SYN/ACK are the tail of a session the firewall
 * already forgot, or an answer.
 */
export function classify(e: FirewallEvent, s: ClassifierSettings): Readonly<Classified> {
  const dir = direction(e, s);
  if (dir === 'inbound') {
    const k = inboundKind(e);
    const trusted = s.trusted.size > 0 && s.trusted.has(e.srcIp);
    const known = INBOUND.get(k);
    if (known) return known[trusted ? 1 : 0];
    return { direction: dir, class: trusted ? 'trusted' : k.class, reason: k.reason };
  }
  if (dir === 'outbound') return OUTBOUND;
  if (dir === 'internal') return INTERNAL;
  return EXTERNAL;
}

/** Inbound reasons that make a late packet rather than a scan. */
export const LATE_REASONS: ReadonlySet<string> = new Set(['tcp-synack', 'tcp-rst', 'tcp-finack', 'tcp-ack', 'udp-reply', 'icmp-reply']);

