/**
 * `nft monitor trace` output (nftables packet tracing). One traced packet prints a `packet:` line
 * with its headers, then lines with the same trace id for each rule, verdict and policy it met.
 * Only the `packet:` line describes traffic; the verdict lines are counted as skips. The parser is
 * per record, so the verdict is not joined to the packet: the action stays `unknown`.
 *
 *   trace id efb1d592 inet fw4 raw_prerouting packet: iif "eth0.2" ether saddr … ip saddr A
 *     ip daddr B … ip protocol tcp ip length 60 tcp sport P tcp dport Q tcp flags == syn …
 *
 * `nft monitor` prints no time: only lines a logger stamped (`logger -t nft-trace`, journald)
 * can become events.
 */
import type { Envelope, FirewallEvent, LogParser, ParseOutcome } from './types';
import { addressReason, readIp } from './lib/ip';
import { colonMac } from './lib/mac';
import { protoKeyword } from './lib/protocols';
import { reject, skip } from './lib/reasons';
import { flagMaskOfWords, flagWords } from './lib/tcp-flags';

const ICMP_TYPES: Record<string, number> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'info-request': 15, 'info-reply': 16,
  'address-mask-request': 17, 'address-mask-reply': 18,
};
const ICMPV6_TYPES: Record<string, number> = {
  'destination-unreachable': 1, 'packet-too-big': 2, 'time-exceeded': 3, 'parameter-problem': 4,
  'echo-request': 128, 'echo-reply': 129, 'mld-listener-query': 130, 'mld-listener-report': 131,
  'mld-listener-done': 132, 'nd-router-solicit': 133, 'nd-router-advert': 134,
  'nd-neighbor-solicit': 135, 'nd-neighbor-advert': 136, 'nd-redirect': 137, 'mld2-listener-report': 143,
};
// nft names codes by their unreachable meaning, even for types where code 0 means nothing:
// an echo request prints `icmp code net-unreachable`.
const ICMP_CODES: Record<string, number> = {
  'net-unreachable': 0, 'host-unreachable': 1, 'prot-unreachable': 2, 'port-unreachable': 3,
  'frag-needed': 4, 'net-prohibited': 9, 'host-prohibited': 10, 'admin-prohibited': 13,
};
const ICMPV6_CODES: Record<string, number> = {
  'no-route': 0, 'admin-prohibited': 1, 'addr-unreachable': 3, 'port-unreachable': 4,
  'policy-fail': 5, 'reject-route': 6,
};

function sniff(env: Envelope): boolean {
  return env.message.startsWith('trace id ');
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  return +s;
}

/** `syn`, `(syn|ack)`, `syn,ack`, `0x12` → canonical flag words (nft says `ecn` for ECE). */
function tcpFlags(v: string): string | undefined {
  const mask = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) & 0xff : flagMaskOfWords(v, 'ignore');
  return mask > 0 ? flagWords(mask) : undefined;
}

function parse(env: Envelope): ParseOutcome {
  const t = env.message.trim().split(/\s+/);
  // trace id <id> <family> <table> <chain> <what> …
  if (t[6] !== 'packet:') return skip('trace-verdict');
  const f = new Map<string, string>();
  for (let i = 7; i < t.length; i++) {
    const a = t[i];
    const b = t[i + 1];
    if (b === undefined) break;
    if (a === 'iif' || a === 'oif') {
      f.set(a, b.replace(/^"|"$/g, ''));
      i += 1;
    } else if (a === 'tcp' && b === 'flags') {
      let j = i + 2;
      if (t[j] === '==') j++;
      // `(syn | ack)` may span tokens.
      let v = t[j] ?? '';
      while (v.startsWith('(') && !v.endsWith(')') && j + 1 < t.length) v += t[++j];
      f.set('tcp flags', v);
      i = j;
    } else if (t[i + 2] !== undefined && !f.has(`${a} ${b}`)) {
      // `<header> <field> <value>`: ip saddr, ip6 daddr, ether saddr, tcp dport, icmp type …
      f.set(`${a} ${b}`, t[i + 2]);
      i += 2;
    } else i += 2;
  }

  const ip6 = f.has('ip6 saddr');
  const src = f.get(ip6 ? 'ip6 saddr' : 'ip saddr');
  const dst = f.get(ip6 ? 'ip6 daddr' : 'ip daddr');
  if (src === undefined || dst === undefined) return reject('no-addresses');
  const srcIp = readIp(src);
  if (srcIp === undefined) return reject(addressReason(src));
  const dstIp = readIp(dst);
  if (dstIp === undefined) return reject(addressReason(dst));

  let transport = (f.get(ip6 ? 'ip6 nexthdr' : 'ip protocol') ?? f.get('meta l4proto'))?.toLowerCase();
  if (transport === 'icmpv6') transport = 'ipv6-icmp';
  if (transport === undefined) {
    // Older nft leave out the protocol when a transport header follows.
    transport = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6'].find((p) => f.has(`${p} sport`) || f.has(`${p} type`));
    if (transport === 'icmpv6') transport = 'ipv6-icmp';
  }
  if (transport === undefined) return reject('no-protocol');
  transport = protoKeyword(transport);
  if (transport === undefined) return reject('bad-protocol');

  const l4 = transport === 'ipv6-icmp' ? 'icmpv6' : transport;
  const srcPort = num(f.get(`${l4} sport`));
  const dstPort = num(f.get(`${l4} dport`));
  if ((transport === 'tcp' || transport === 'udp') && (srcPort === undefined || dstPort === undefined)) {
    return reject('no-ports');
  }
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  if (transport === 'icmp' || transport === 'ipv6-icmp') {
    const v4 = transport === 'icmp';
    const type = f.get(`${l4} type`);
    const code = f.get(`${l4} code`);
    icmpType = type === undefined ? undefined : ((v4 ? ICMP_TYPES : ICMPV6_TYPES)[type] ?? num(type));
    icmpCode = code === undefined ? undefined : ((v4 ? ICMP_CODES : ICMPV6_CODES)[code] ?? num(code));
  }
  if (env.ts === undefined) return reject('no-timestamp');

  const flags = f.get('tcp flags');
  const event: FirewallEvent = {
    ts: env.ts,
    format: 'nft-trace',
    action: 'unknown',
    transport,
    srcIp,
    dstIp,
    srcPort,
    dstPort,
    tcpFlags: transport === 'tcp' && flags ? tcpFlags(flags) : undefined,
    icmpType,
    icmpCode,
    inIf: f.get('iif'),
    outIf: f.get('oif'),
    srcMac: colonMac(f.get('ether saddr')),
    dstMac: colonMac(f.get('ether daddr')),
    length: num(f.get(ip6 ? 'ip6 length' : 'ip length')),
    ttl: num(f.get(ip6 ? 'ip6 hoplimit' : 'ip ttl')),
    rule: `${t[3]} ${t[4]} ${t[5]}`,
    hostname: env.hostname,
  };
  return { kind: 'event', event };
}

export const nftTrace: LogParser = {
  id: 'nft-trace',
  title: 'nftables packet trace (nft monitor trace)',
  example:
    'Mar 12 14:00:01 gw nft-trace: trace id 1a2b3c4d inet fw4 input packet: iif "eth1" ether saddr 00:00:5e:00:53:a0 ' +
    'ether daddr 00:00:5e:00:53:01 ip saddr 203.0.113.7 ip daddr 192.0.2.10 ip dscp cs0 ip ecn not-ect ip ttl 51 ' +
    'ip id 4242 ip protocol tcp ip length 60 tcp sport 51234 tcp dport 22 tcp flags == syn tcp window 64240',
  sniff,
  parse,
};
