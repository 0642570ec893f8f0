/** Compact numeric keys for sources and targets: IPv4 addresses as numbers, others hashed. */

export const MAX_PROTOS = 250;
/** Non-IPv4 target keys live above the IPv4 range. */
export const V6_BASE = 2 ** 32;
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

export function ipv4Name(k: number): string {
  const u = k >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** FNV-1a, 32 bits. */
export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
