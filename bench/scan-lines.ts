/**
 * Netfilter log lines of our own making, shaped like the packets scanners and ordinary traffic
 * send, for the detection evaluation (bench/eval.ts) and the acceptance tests. Addresses are
 * documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and the
 * private ranges of a home network. Stamps are ISO 8601 (UTC), so no year has to be guessed.
 *
 * Packet sizes follow what the tools send: nmap's crafted SYN (-sS) carries one TCP option (IPv4
 * length 44, IPv6 64), an operating system's SYN (a connect scan, -sT; a real client) its full
 * set (Linux: 60 / 80); FIN, NULL and XMAS probes carry none (40 / 60).
 */

export interface Packet {
  /** UTC epoch ms. */
  ts: number;
  src: string;
  dst: string;
  /** `TCP`, `UDP`, `ICMP`, `ICMPv6` or a protocol number. */
  proto: string;
  sport?: number;
  dport?: number;
  /** TCP flags as netfilter prints them (`SYN`, `ACK FIN`, `URG PSH FIN`, '' for none). */
  flags?: string;
  /** IP total length; by default what the flags' packet would measure. */
  len?: number;
  icmpType?: number;
  /** `DROP` (inbound, IN= only), `FWD` (forwarded, IN= and OUT=), `OUT` (sent by the router). */
  path?: 'in' | 'forward';
  prefix?: string;
}

const v6 = (ip: string) => ip.includes(':');

function tcpLen(flags: string, ipv6: boolean, crafted: boolean): number {
  const ip = ipv6 ? 40 : 20;
  if (flags.includes('SYN') && !flags.includes('ACK')) return ip + (crafted ? 24 : 40);
  return ip + 20;
}

/** One netfilter line (kernel log through syslog, ISO stamp). */
export function netfilterLine(p: Packet): string {
  const ipv6 = v6(p.src);
  const stamp = new Date(p.ts).toISOString();
  const ifs = p.path === 'forward' ? 'IN=br0 OUT=eth0' : 'IN=eth0 OUT=';
  const mac = ipv6 ? 'MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:86:dd' : 'MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00';
  let l4: string;
  let len = p.len;
  const proto = p.proto.toUpperCase();
  if (proto === 'TCP') {
    const flags = p.flags ?? 'SYN';
    len ??= tcpLen(flags, ipv6, true);
    l4 = `PROTO=TCP SPT=${p.sport ?? 40000} DPT=${p.dport ?? 0} WINDOW=1024 RES=0x00 ${flags ? flags + ' ' : ''}URGP=0`;
  } else if (proto === 'UDP') {
    len ??= (ipv6 ? 40 : 20) + 8;
    l4 = `PROTO=UDP SPT=${p.sport ?? 40000} DPT=${p.dport ?? 0} LEN=8`;
  } else if (proto === 'ICMP' || proto === 'ICMPV6') {
    len ??= (ipv6 ? 40 : 20) + 8;
    l4 = `PROTO=${ipv6 ? 'ICMPv6' : 'ICMP'} TYPE=${p.icmpType ?? (ipv6 ? 128 : 8)} CODE=0 ID=4242 SEQ=1`;
  } else {
    len ??= ipv6 ? 40 : 20;
    l4 = `PROTO=${p.proto}`;
  }
  const ip = ipv6 ? `LEN=${len} TC=0 HOPLIMIT=52 FLOWLBL=0` : `LEN=${len} TOS=0x00 PREC=0x00 TTL=52 ID=54321`;
  return `${stamp} gw kernel: ${p.prefix ?? 'DROP'} ${ifs} ${mac} SRC=${p.src} DST=${p.dst} ${ip} ${l4}`;
}

/** A source probing `ports` of `targets`, one probe every `everyMs`, from `start`. */
export function portScan(o: {
  start: number; src: string; targets: string[]; ports: number[]; everyMs: number; proto?: string; flags?: string; len?: number; repeat?: number;
}): Packet[] {
  const out: Packet[] = [];
  let t = o.start;
  for (let r = 0; r < (o.repeat ?? 1); r++)
    for (const dst of o.targets)
      for (const port of o.ports) {
        out.push({ ts: t, src: o.src, dst, proto: o.proto ?? 'TCP', dport: port, sport: 40000 + (port % 20000), flags: o.flags, len: o.len });
        t += o.everyMs;
      }
  return out;
}

/** `from`..`to` inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** `n` addresses of a /24 given as `198.51.100.` (from .1). */
export function hosts(prefix: string, n: number, first = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${first + i}`);
}

/** Lines in time order (the order a log has). */
export function logText(packets: Packet[]): string {
  return packets
    .slice()
    .sort((a, b) => a.ts - b.ts)
    .map(netfilterLine)
    .join('\n') + '\n';
}
