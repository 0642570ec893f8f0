/**
 * The grammar of IPv6 as firewalls print it — hex groups of 1–4 digits, eight of them or fewer
 * around one `::` — read into eight 16-bit groups by a character loop. One home for the parsers
 * (parsers/lib/ip.ts, canonical text) and classification (src/classify/networks.ts, network
 * membership): ipaddr.js's regular expressions cost more than the rest of a line, and most IPv6
 * addresses of a log are seen once. Other spellings (embedded IPv4, zone ids) are left to
 * ipaddr.js by the callers. Imports nothing.
 */

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Reads `s` into `groups` (eight entries); false, with `groups` undefined, for any other spelling. */
export function readIPv6Groups(s: string, groups: Int32Array): boolean {
  const n = s.length;
  let g = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58 /* : */) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    let v = 0;
    const from = i;
    for (let h = hexValue(s.charCodeAt(i)); h >= 0 && i < n; h = hexValue(s.charCodeAt(++i))) v = v * 16 + h;
    if (i === from || i - from > 4 || g === 8) return false;
    groups[g++] = v;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58 || ++i === n) return false;
    if (s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = g;
      i++;
    }
  }
  if (gap < 0 ? g !== 8 : g > 7) return false;
  if (gap >= 0) {
    const moved = g - gap;
    for (let k = 0; k < moved; k++) groups[7 - k] = groups[g - 1 - k];
    for (let k = gap; k < 8 - moved; k++) groups[k] = 0;
  }
  return true;
}
