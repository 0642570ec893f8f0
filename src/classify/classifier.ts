import type { Direction, FirewallEvent } from '../../parsers/types';
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
// ICMP requests that probe a host; every other type is an answer or an error.
const ICMP_PROBES = new Set([8, 13, 15, 17]);
const ICMP6_PROBES = new Set([128]);

export function direction(e: FirewallEvent, s: ClassifierSettings): Direction {
  if (e.direction && e.direction !== 'unknown') return e.direction;
  if (s.wanIf.size > 0) {
    const inWan = e.inIf !== undefined && s.wanIf.has(e.inIf);
    const outWan = e.outIf !== undefined && s.wanIf.has(e.outIf);
    if (inWan && !outWan) return 'inbound';
    if (outWan && !inWan) return 'outbound';
  }
  const src4 = ipv4ToInt(e.srcIp);
  const dst4 = ipv4ToInt(e.dstIp);
  const srcHome = s.home.has(e.srcIp, src4) || LOCAL_ONLY.has(e.srcIp, src4);
  const dstHome = s.home.has(e.dstIp, dst4) || LOCAL_ONLY.has(e.dstIp, dst4);
  if (srcHome && dstHome) return 'internal';
  if (dstHome) return 'inbound';
  if (srcHome) return 'outbound';
  // Both ends public: a packet to or from the firewall's own public address. Netfilter says
  // which: INPUT has only IN=, OUTPUT only OUT=.
  if (e.inIf && !e.outIf) return 'inbound';
  if (e.outIf && !e.inIf) return 'outbound';
  return 'external';
}

/** What kind of unsolicited inbound packet this is: a scan, or a late remnant of a session. */
function inboundKind(e: FirewallEvent): { class: 'scan' | 'late'; reason: string } {
  switch (e.transport) {
    case 'tcp': {
      const f = e.tcpFlags;
      if (f === undefined) return { class: 'scan', reason: 'tcp' };
      if (f === '') return { class: 'scan', reason: 'tcp-null' };
      const syn = f.includes('SYN');
      const ack = f.includes('ACK');
      if (syn && !ack) return { class: 'scan', reason: 'tcp-syn' };
      if (syn && ack) return { class: 'late', reason: 'tcp-synack' };
      if (!ack && f.includes('FIN') && f.includes('URG') && f.includes('PSH')) return { class: 'scan', reason: 'tcp-xmas' };
      if (f.includes('RST')) return { class: 'late', reason: 'tcp-rst' };
      if (f.includes('FIN')) return { class: 'late', reason: 'tcp-fin' };
      if (ack) return { class: 'late', reason: 'tcp-ack' };
      return { class: 'scan', reason: 'tcp-other' };
    }
    case 'udp':
      if (e.srcPort !== undefined && UDP_REPLY_PORTS.has(e.srcPort) && (e.dstPort ?? 0) >= 1024) {
        return { class: 'late', reason: 'udp-reply' };
      }
      return { class: 'scan', reason: 'udp' };
    case 'icmp':
      if (e.icmpType === undefined || ICMP_PROBES.has(e.icmpType)) return { class: 'scan', reason: 'icmp-echo' };
      return { class: 'late', reason: 'icmp-reply' };
    case 'ipv6-icmp':
      if (e.icmpType === undefined || ICMP6_PROBES.has(e.icmpType)) return { class: 'scan', reason: 'icmp-echo' };
      return { class: 'late', reason: 'icmp-reply' };
    default:
      return { class: 'scan', reason: `proto-${e.transport}` };
  }
}

/**
 * Scan vs late vs outbound vs internal, with the reason stored beside it.
 * Follows the DShield / psad practice: only packets that could open a conversation (SYN without
 * ACK, UDP, ICMP requests, other protocols) count as scans; ACK / RST / FIN without SYN are the
 * tail of a session the firewall already forgot.
 */
export function classify(e: FirewallEvent, s: ClassifierSettings): Classified {
  const dir = direction(e, s);
  if (dir === 'inbound') {
    const k = inboundKind(e);
    if (s.trusted.size > 0 && s.trusted.has(e.srcIp)) return { direction: dir, class: 'trusted', reason: k.reason };
    return { direction: dir, class: k.class, reason: k.reason };
  }
  if (dir === 'outbound') return { direction: dir, class: 'outbound', reason: 'home-to-outside' };
  if (dir === 'internal') return { direction: dir, class: 'internal', reason: 'home-to-home' };
  return { direction: dir, class: 'external', reason: 'outside-to-outside' };
}

/** Inbound reasons that make a late packet rather than a scan. */
export const LATE_REASONS: ReadonlySet<string> = new Set(['tcp-synack', 'tcp-rst', 'tcp-fin', 'tcp-ack', 'udp-reply', 'icmp-reply']);

