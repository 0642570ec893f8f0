/**
 * The one protocol table: IANA protocol numbers and the names devices print for them, as the
 * lower-case IANA keywords events carry (`tcp`, `ipv6-icmp`, `ospfigp`).
 */

/** Lower-case IANA keywords of the protocol numbers logs show; others are kept as the number. */
export const PROTO_NUMBERS: Readonly<Record<number, string>> = {
  0: 'hopopt', 1: 'icmp', 2: 'igmp', 3: 'ggp', 4: 'ipv4', 6: 'tcp', 8: 'egp', 9: 'igp', 17: 'udp',
  27: 'rdp', 33: 'dccp', 41: 'ipv6', 43: 'ipv6-route', 44: 'ipv6-frag', 46: 'rsvp', 47: 'gre',
  50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 59: 'ipv6-nonxt', 60: 'ipv6-opts', 88: 'eigrp', 89: 'ospfigp',
  94: 'ipip', 97: 'etherip', 98: 'encap', 103: 'pim', 108: 'ipcomp', 112: 'vrrp', 115: 'l2tp',
  132: 'sctp', 136: 'udplite', 137: 'mpls-in-ip', 143: 'ethernet',
};

/** Other names devices print for a protocol (nf_log `ICMPv6`, MikroTik `IPENCAP`, ASA `nos`…). */
const ALIASES: Record<string, string> = {
  icmp6: 'ipv6-icmp', icmpv6: 'ipv6-icmp', ospf: 'ospfigp', ipinip: 'ipip', 'ip-in-ip': 'ipip', nos: 'ipip',
  ipencap: 'ipv4', 'ipv6-in-ipv4': 'ipv6',
};

/** Every spelling → keyword: keywords and aliases in lower case and as the kernel's upper case. */
const NAMES = new Map<string, string>();
for (const k of Object.values(PROTO_NUMBERS)) NAMES.set(k, k).set(k.toUpperCase(), k);
for (const [a, k] of Object.entries(ALIASES)) NAMES.set(a, k).set(a.toUpperCase(), k);
NAMES.set('ICMPv6', 'ipv6-icmp');

const NUMBERS = new Map<string, number>(Object.entries(PROTO_NUMBERS).map(([n, k]) => [k, Number(n)]));

/** IANA number of a keyword events carry (`tcp` → 6; a protocol kept as its number → that number). */
export function protoNumber(keyword: string): number | undefined {
  const n = NUMBERS.get(keyword);
  if (n !== undefined) return n;
  return /^\d{1,3}$/.test(keyword) && Number(keyword) <= 255 ? Number(keyword) : undefined;
}

/** Keyword of a protocol number (0–255). */
export function protoOfNumber(n: number): string {
  return PROTO_NUMBERS[n] ?? String(n);
}

/**
 * Protocol name or number → lower-case IANA keyword; `undefined` when it is neither (a number
 * over 255, a name no registry knows). Exact spellings are found without a copy of the text.
 */
export function protoKeyword(v: string): string | undefined {
  const known = NAMES.get(v);
  if (known !== undefined) return known;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (v.length > 3) return undefined;
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return n > 255 ? undefined : protoOfNumber(n);
  }
  return v === '' ? undefined : NAMES.get(v.toLowerCase());
}

/** Transports whose records carry ports. */
export const PORTED: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);
