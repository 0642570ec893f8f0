/**
 * Compact numeric codes for what the windows remember: a key (a source, an inside host), a
 * target, a port. Numbers, not strings, because hundreds of thousands of them are kept: an IPv4
 * address is its 32-bit value (a small integer in V8, no allocation); other addresses are hashed,
 * with the text of the first 65,536 kept for evidence; a port is its protocol's code × 65,536 +
 * its number, so TCP 53 and UDP 53 are different ports.
 */
import { detach } from '../../util/detach';

/** Protocols told apart; the rest share the last code. */
export const MAX_PROTOS = 250;
/** Hashed (non-IPv4) target codes live above the IPv4 range. */
export const HASHED_BASE = 2 ** 32;
/** Names of hashed targets kept for evidence samples. */
export const MAX_NAMES = 65_536;

/** IPv4 dotted quad → 0..2^32-1, or -1. */
export function ipv4(s: string): number {
  const len = s.length;
  if (len < 7 || len > 15) return -1;
  let n = 0, part = 0, digits = 0, dots = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return n * 256 + part;
}

export function ipv4Name(code: number): string {
  const u = code >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** FNV-1a, 32 bits. */
export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A key: an IPv4 address as a (signed, so small) integer, any other as a string that pins no batch text. */
export type KeyCode = number | string;

export class ItemCodes {
  /** Protocol names by code; TCP and UDP first, so their codes are constants. */
  readonly protocols: string[] = ['tcp', 'udp'];
  private readonly protoCodes = new Map<string, number>([['tcp', 0], ['udp', 1]]);
  /** Names of hashed targets. */
  readonly names = new Map<number, string>();

  /** The key's code. A string key may still be a slice of its batch: copy it (`detach`) to keep it. */
  key(address: string): KeyCode {
    const v4 = ipv4(address);
    return v4 >= 0 ? v4 | 0 : address;
  }

  keyName(code: KeyCode): string {
    return typeof code === 'string' ? code : ipv4Name(code);
  }

  target(address: string): number {
    // Most events reach the same address (the WAN address) as the one before.
    if (address === this.lastTarget) return this.lastTargetCode;
    const code = this.targetOf(address);
    this.lastTarget = address.length < 13 ? address : detach(address);
    this.lastTargetCode = code;
    return code;
  }

  // Undefined until the first target: no text, not even '', may reuse a code it was not given.
  private lastTarget: string | undefined = undefined;
  private lastTargetCode = 0;

  private targetOf(address: string): number {
    const v4 = ipv4(address);
    if (v4 >= 0) return v4 | 0;
    const code = HASHED_BASE + fnv(address);
    if (this.names.size < MAX_NAMES && !this.names.has(code)) this.names.set(code, detach(address));
    return code;
  }

  /** The address of a target code; undefined for a hashed one whose name was not kept. */
  targetName(code: number): string | undefined {
    return code < HASHED_BASE ? ipv4Name(code) : this.names.get(code);
  }

  /** A port and protocol as one code. A missing or impossible port (portless protocols) is port 0. */
  port(dstPort: number | undefined, proto: string): number {
    const port = dstPort !== undefined && dstPort >= 0 && dstPort <= 65535 ? dstPort | 0 : 0;
    return this.protocol(proto) * 65536 + port;
  }

  protocol(name: string): number {
    let code = name === 'tcp' ? 0 : name === 'udp' ? 1 : this.protoCodes.get(name);
    if (code === undefined) {
      if (this.protocols.length >= MAX_PROTOS) return MAX_PROTOS - 1;
      code = this.protocols.length;
      const copy = detach(name);
      this.protocols.push(copy);
      this.protoCodes.set(copy, code);
    }
    return code;
  }
}

/** The port number of a port code. */
export function portNumber(portCode: number): number {
  return portCode % 65536;
}

/** The protocol code of a port code. */
export function protocolOf(portCode: number): number {
  return Math.floor(portCode / 65536);
}
