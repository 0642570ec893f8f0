import ipaddr from 'ipaddr.js';
import { readIPv6Groups } from '../../parsers/lib/ipv6-groups';

/** Home ranges used unless the user adds more: RFC 1918, loopback, link-local, CGNAT-free ULA. */
export const DEFAULT_HOME = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fe80::/10', 'fc00::/7'];

/** Canonical text of a CIDR or address (`192.0.2.7` → `192.0.2.7/32`); throws a readable error. */
export function canonicalCidr(text: string): string {
  const t = text.trim();
  try {
    if (t.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(t);
      // Zero the host bits so 192.0.2.7/24 and 192.0.2.0/24 are the same entry.
      const net = addr.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
        : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`);
      return `${net.toString()}/${bits}`;
    }
    const addr = ipaddr.process(t);
    return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    throw new Error(`"${text}" is not an IP address or CIDR (examples: 192.0.2.7, 203.0.113.0/24, 2001:db8::/32)`);
  }
}

/** Splits repeatable, comma-separated CLI values into a flat list. */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Dotted quad → unsigned 32-bit integer, or -1 when `ip` is not plain IPv4. */
export function ipv4ToInt(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return n * 256 + part;
}

/**
 * A set of CIDRs with a fast membership test. IPv4 is matched as integer ranges (the hot path
 * of ingest); IPv6 goes through ipaddr.js with a small cache.
 */
export class CidrSet {
  /** IPv4 ranges as flat [lo, hi, lo, hi, …]: an indexed loop over numbers, no tuples to unpack. */
  private readonly v4: number[] = [];
  private readonly v6: [ipaddr.IPv6, number][] = [];
  /** The IPv6 networks as [eight groups, prefix bits], for the character-loop path. */
  private readonly v6Groups: [Int32Array, number][] = [];
  private readonly v6Cache = new Map<string, boolean>();
  readonly cidrs: string[];

  constructor(cidrs: string[]) {
    this.cidrs = cidrs.map(canonicalCidr);
    for (const c of this.cidrs) {
      const [addr, bits] = ipaddr.parseCIDR(c);
      if (addr.kind() === 'ipv4') {
        const start = ipv4ToInt(addr.toString());
        const size = 2 ** (32 - bits);
        this.v4.push(start, start + size - 1);
      } else {
        this.v6.push([addr as ipaddr.IPv6, bits]);
        this.v6Groups.push([Int32Array.from((addr as ipaddr.IPv6).parts), bits]);
      }
    }
  }

  /** `v4` is `ipv4ToInt(ip)` when the caller already has it (the classifier tests each address twice). */
  has(ip: string, v4 = ipv4ToInt(ip)): boolean {
    if (v4 >= 0) {
      const r = this.v4;
      for (let i = 0; i < r.length; i += 2) if (v4 >= r[i] && v4 <= r[i + 1]) return true;
      return false;
    }
    if (readIPv6Groups(ip, groups)) {
      const g = groups;
      if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
        return this.has(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`);
      }
      for (const [net, bits] of this.v6Groups) if (prefixMatch(g, net, bits)) return true;
      return false;
    }
    let hit = this.v6Cache.get(ip);
    if (hit === undefined) {
      hit = false;
      try {
        const a = ipaddr.parse(ip);
        if (a.kind() === 'ipv6') {
          const v6 = a as ipaddr.IPv6;
          if (v6.isIPv4MappedAddress()) return this.has(v6.toIPv4Address().toString());
          hit = this.v6.some(([net, bits]) => v6.match(net, bits));
        }
      } catch {
        hit = false;
      }
      if (this.v6Cache.size > 10_000) this.v6Cache.clear();
      this.v6Cache.set(ip, hit);
    }
    return hit;
  }

  get size(): number {
    return this.cidrs.length;
  }
}

const groups = new Int32Array(8);

/** Do the first `bits` bits of two addresses (eight 16-bit groups each) agree? */
function prefixMatch(a: Int32Array, net: Int32Array, bits: number): boolean {
  for (let k = 0; bits > 0; k++, bits -= 16) {
    const shift = bits >= 16 ? 0 : 16 - bits;
    if (a[k] >> shift !== net[k] >> shift) return false;
  }
  return true;
}
