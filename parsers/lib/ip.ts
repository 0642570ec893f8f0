/**
 * The one IP address reader. Every address a parser stores goes through `readIp`, so one host is
 * one text in the database whatever its device wrote:
 *   - IPv4 with leading zeros (`192.168.001.010`, devices that pad to three digits) is read as
 *     decimal, as the padding devices mean it — not as octal, as inet_aton would;
 *   - IPv6 in RFC 5952 form (lower case, longest zero run compressed);
 *   - IPv4-mapped IPv6 (`::ffff:192.0.2.1`, dual-stack sockets) is the IPv4 address;
 *   - a zone id (`fe80::1%eth0`) is dropped: it names the interface, which the event carries.
 * Anything else is not an address: `addressReason` says which catalog reason to give.
 *
 * IPv4 is read by a character loop and returned as the same string when already canonical (the
 * hot path: netfilter lines at ~400 k lines/s). IPv6 in plain hex groups (at most one `::`) is
 * read by a character loop too; every other spelling goes through ipaddr.js. Both memoized.
 */
import ipaddr from 'ipaddr.js';
import { memo } from './memo';
import type { RejectCode } from './reasons';
import { readIPv6Groups } from './ipv6-groups';

/** Canonical dotted quad of s, or undefined when it is not one. */
export function readIPv4(s: string): string | undefined {
  const n = s.length;
  if (n < 7 || n > 15) return undefined;
  let parts = 0;
  let digits = 0;
  let value = 0;
  let padded = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++parts > 3) return undefined;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) padded = true;
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  if (parts !== 3 || digits === 0) return undefined;
  return padded ? s.split('.').map((p) => String(+p)).join('.') : s;
}

function isIPv6Char(c: number): boolean {
  return (c >= 48 && c <= 58) /* 0-9 : */ || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 46;
}

function parseIPv6(text: string): string | undefined {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.length < 2 || s.length > 45) return undefined;
  for (let i = 0; i < s.length; i++) if (!isIPv6Char(s.charCodeAt(i))) return undefined;
  // An embedded dotted quad (`::ffff:192.0.2.1`, `64:ff9b::192.0.2.1`) becomes two hex groups
  // here: ipaddr.js would read `010` as octal and take `::a.b.c.d` for a mapped address.
  const dot = s.indexOf('.');
  if (dot >= 0) {
    const colon = s.lastIndexOf(':', dot);
    if (colon < 0) return undefined;
    const v4 = readIPv4(s.slice(colon + 1));
    if (v4 === undefined) return undefined;
    const o = v4.split('.').map(Number);
    s = `${s.slice(0, colon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const fast = plainIPv6(s);
  if (fast !== undefined) return fast;
  let a: ipaddr.IPv6;
  try {
    a = ipaddr.IPv6.parse(s);
  } catch {
    return undefined;
  }
  if (a.isIPv4MappedAddress()) return a.toIPv4Address().toString();
  return a.toRFC5952String();
}

const groups = new Int32Array(8);

/**
 * Canonical text of an IPv6 address written as hex groups of 1–4 digits, eight of them or fewer
 * around one `::` — what firewalls print. Undefined for anything else (no address, or a form
 * left to ipaddr.js): what it returns is what ipaddr.js's `toRFC5952String` (or, for an
 * IPv4-mapped address, `toIPv4Address`) gives, which test/parsers-lib/ip.test.ts checks.
 * ipaddr.js reads an address with regular expressions and a string split: most of what a line
 * with IPv6 addresses cost, as most such addresses are seen once.
 */
function plainIPv6(s: string): string | undefined {
  if (!readIPv6Groups(s, groups)) return undefined;
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  }
  // RFC 5952: the longest run of two or more zero groups (the first of equal ones) becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8; ) {
    if (groups[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && groups[e] === 0) e++;
    if (e - k > bestLen) {
      best = k;
      bestLen = e - k;
    }
    k = e;
  }
  if (best < 0) return hexGroups(0, 8);
  return `${hexGroups(0, best)}::${hexGroups(best + bestLen, 8)}`;
}

/** groups[from, to) as hex, `:`-separated. */
function hexGroups(from: number, to: number): string {
  let out = '';
  for (let k = from; k < to; k++) out += k === from ? groups[k].toString(16) : `:${groups[k].toString(16)}`;
  return out;
}

// Addresses repeat (one router, its neighbours, the scanners of the day): a bounded memo spares
// ipaddr.js's regular expressions.
const readIPv6 = memo(parseIPv6);

/** Canonical text of an IPv4 or IPv6 address; undefined when `s` is not one. */
export function readIp(s: string): string | undefined {
  if (s.indexOf(':') < 0) return readIPv4(s);
  return readIPv6(s);
}

/**
 * Documentation templates and anonymised values: `X.X.X.X`, `a.b.c.d`, `xxx.xxx.xxx.xxx`, `***`,
 * `<IP>`, `<public IP of 525>`, `inside_address`, `source_ip`, `mac_address`, `CLIENT`.
 */
export function isPlaceholder(v: string): boolean {
  if (v === '' || v.includes('*') || v.charCodeAt(0) === 60 /* < */) return true;
  if (/^[a-z]{1,3}(?:\.[a-z]{1,3}){3}$/i.test(v)) return true;
  const l = v.toLowerCase();
  if (l.includes('addr') || l.includes('_ip') || l.startsWith('ip_')) return true;
  return /^(?:ip|host|client|server|source|destination|src|dst|n\/a|x+)$/.test(l);
}

// A name as the ASA's `names` table or a resolver prints it: `webserver`, `OCSP_Server`,
// `pc048.example.com`.
const HOSTNAME = /^[A-Za-z][\w-]*(?:\.[\w-]+)*\.?$/;

/** The reject reason for a token that should have been an address and is not. */
export function addressReason(v: string): RejectCode {
  if (isPlaceholder(v)) return 'placeholder-address';
  if (HOSTNAME.test(v)) return 'hostname-address';
  return 'bad-address';
}
