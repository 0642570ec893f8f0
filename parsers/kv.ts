/**
 * Helpers shared by the vendor parsers (Cisco ASA / IOS, FortiGate, PAN-OS, Juniper SRX):
 * key=value splitting, CSV splitting, protocol names, zone names as direction evidence, and
 * the time-zone abbreviations devices print after their own stamps.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { MONTHS } from './envelope/stamps';
import { PROTO_NUMBERS } from './netfilter';
import type { Clock, Direction } from './types';

/**
 * `key=value` pairs of a line. Values may be `"quoted with spaces"` (backslash escapes honoured),
 * `“curly quoted”` (Juniper's documentation samples), or bare up to the next space. A bare token
 * without `=` after a bare value is glued to it with one space: FortiOS 3/4 writes
 * `time=10: 13:03`, and that is the only way to get the time back. Tokens before the first key
 * (relay prefixes) are ignored. The first occurrence of a key wins.
 */
export function parseKv(s: string, from = 0): Map<string, string> {
  const out = new Map<string, string>();
  const n = s.length;
  let pos = from;
  let lastKey: string | undefined;
  let lastBare = false;
  while (pos < n) {
    while (pos < n && s.charCodeAt(pos) === 32) pos++;
    if (pos >= n) break;
    let end = s.indexOf(' ', pos);
    if (end < 0) end = n;
    const eq = s.indexOf('=', pos);
    if (eq < 0 || eq > end || eq === pos) {
      // A token with no key: the tail of a split bare value, or relay noise.
      if (lastKey !== undefined && lastBare) {
        out.set(lastKey, `${out.get(lastKey)} ${s.slice(pos, end)}`);
      }
      pos = end + 1;
      continue;
    }
    const key = s.slice(pos, eq);
    const q = s.charCodeAt(eq + 1);
    let value: string;
    if (q === 34 /* " */) {
      let i = eq + 2;
      let escaped = false;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === 92 /* \ */) {
          escaped = true;
          i++;
        } else if (c === 34) break;
      }
      value = s.slice(eq + 2, Math.min(i, n));
      if (escaped) value = value.replace(/\\(.)/g, '$1');
      pos = i + 1;
      lastBare = false;
    } else if (q === 0x201c || q === 0x201d) {
      let i = eq + 2;
      while (i < n && s.charCodeAt(i) !== 0x201d && s.charCodeAt(i) !== 0x201c) i++;
      value = s.slice(eq + 2, i);
      pos = i + 1;
      lastBare = false;
    } else {
      value = s.slice(eq + 1, end);
      pos = end + 1;
      lastBare = true;
    }
    if (!out.has(key)) {
      out.set(key, value);
      lastKey = key;
    } else {
      lastKey = undefined;
    }
  }
  return out;
}

/**
 * CSV fields of one record. Lines without quotes (nearly all PAN-OS lines) are split directly,
 * well-formed RFC 4180 quoting (a rule or user name with a comma) by `quotedSplit`; anything
 * irregular goes to csv-parse, which is about a hundred times slower per line.
 */
export function splitCsv(line: string): string[] | undefined {
  if (line.indexOf('"') < 0) return line.split(',');
  const fast = quotedSplit(line);
  if (fast) return fast;
  try {
    const rows = parseCsv(line, { relax_quotes: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
    return rows.length === 1 ? rows[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Fields when every quote opens a field, closes it, or is doubled inside it; else undefined. */
function quotedSplit(line: string): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let pos = 0;
  for (;;) {
    if (line.charCodeAt(pos) === 34 /* " */) {
      let v = '';
      let i = pos + 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return undefined;
        v += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          i = q + 2;
        } else {
          pos = q + 1;
          break;
        }
      }
      out.push(v);
      if (pos === n) return out;
      if (line.charCodeAt(pos) !== 44 /* , */) return undefined;
      pos++;
    } else {
      const c = line.indexOf(',', pos);
      const v = line.slice(pos, c < 0 ? n : c);
      if (v.indexOf('"') >= 0) return undefined;
      out.push(v);
      if (c < 0) return out;
      pos = c + 1;
    }
  }
}

const PROTO_NAMES: Record<string, string> = {
  icmp6: 'ipv6-icmp', icmpv6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp', ospf: 'ospfigp', ipinip: 'ipip',
  'ip-in-ip': 'ipip', nos: 'ipip', 'ipv6-in-ipv4': 'ipv6', ipv4: 'ipv4',
};
const TRANSPORT_NAMES = new Set(Object.values(PROTO_NUMBERS));

/** Protocol name or number → lower-case IANA keyword; `undefined` when it is neither. */
export function protoKeyword(v: string): string | undefined {
  if (v === '') return undefined;
  const c = v.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (!/^\d{1,3}$/.test(v)) return undefined;
    const n = +v;
    return n > 255 ? undefined : PROTO_NUMBERS[n] ?? String(n);
  }
  const l = v.toLowerCase();
  const mapped = PROTO_NAMES[l];
  if (mapped) return mapped;
  return TRANSPORT_NAMES.has(l) ? l : undefined;
}

/** Decimal 0..max, or undefined. */
export function toInt(s: string | undefined, max = 65535): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 10) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n <= max ? n : undefined;
}

/** Which side of the firewall a zone / interface name says it is on. */
export type ZoneSide = 'outside' | 'inside' | 'dmz';

const OUTSIDE_PREFIXES = ['outside', 'untrust', 'wan', 'internet', 'inet', 'external', 'public', 'isp'];
const INSIDE_PREFIXES = ['inside', 'trust', 'lan', 'internal', 'private', 'mgmt', 'management', 'identity', 'junos-host'];

/**
 * The side a zone or interface name clearly names, else undefined. Matching is by prefix, case
 * ignored (`OUTSIDE`, `wan1`, `untrustZone`, `Internet`, `inside_vlan10`, `trust`, `LAN`);
 * `outside`/`untrust`/`inside`/`dmz` also count anywhere in the name (`mpls-untrust`,
 * `isp2_outside`, `web-dmz`). `identity` (ASA) and `junos-host` (SRX) are the firewall itself,
 * so traffic to them from the outside is inbound. Anything else (`vlan-42`, `Clients`, `port1`,
 * `campus`) names nothing and gives no evidence.
 */
export function zoneSide(name: string | undefined): ZoneSide | undefined {
  if (!name) return undefined;
  const l = name.toLowerCase();
  if (l.includes('untrust') || l.includes('outside')) return 'outside';
  if (l.includes('dmz')) return 'dmz';
  if (l.includes('inside')) return 'inside';
  for (const p of OUTSIDE_PREFIXES) if (l.startsWith(p)) return 'outside';
  for (const p of INSIDE_PREFIXES) if (l.startsWith(p)) return 'inside';
  return undefined;
}

/**
 * Direction from the sides of the ingress and egress zones:
 * outside → inside/dmz (or to an unnamed egress) = inbound; inside/dmz → outside (or an unnamed
 * ingress → outside) = outbound; inside/dmz ↔ inside/dmz = internal. Outside → outside
 * (hairpin, or to the box) and pairs with no named side give no evidence.
 */
export function zoneDirection(inSide: ZoneSide | undefined, outSide: ZoneSide | undefined): Direction | undefined {
  if (inSide === 'outside') return outSide === 'outside' ? undefined : 'inbound';
  if (outSide === 'outside') return 'outbound';
  if (inSide !== undefined && outSide !== undefined) return 'internal';
  return undefined;
}

/**
 * Offsets (minutes east of UTC) of the zone abbreviations Cisco devices print after their
 * stamps (`clock timezone EST -5`, `show-timezone`). Ambiguous ones (IST, CST in China) follow
 * the North American / European reading, which is what the samples use.
 */
export const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, WET: 0, WEST: 60, BST: 60, IST: 60, CET: 60, CEST: 120, MET: 60,
  MEST: 120, EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300,
  MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, AST: -240,
  ADT: -180, NST: -210, NDT: -150, JST: 540, KST: 540, HKT: 480, SGT: 480, AWST: 480,
  ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

/** RFC 7042 form of a Cisco dotted MAC (`0011.2233.4455` → `00-11-22-33-44-55`). */
export function ciscoMac(v: string): string | undefined {
  if (!/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(v)) return undefined;
  const h = v.replaceAll('.', '').toUpperCase();
  return `${h.slice(0, 2)}-${h.slice(2, 4)}-${h.slice(4, 6)}-${h.slice(6, 8)}-${h.slice(8, 10)}-${h.slice(10, 12)}`;
}

// `*Mar  1 18:46:11.123`, `Apr 15 2014 09:34:34 EDT`, `.Jun  3 10:00:00 UTC` — Cisco's own stamp.
const CISCO_STAMP = /([*.]?)([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?: ([A-Z]{1,5}))?(?=[:\s]|$)/;

export interface CiscoStamp {
  ts: number;
  /** `*` before the stamp: the device clock was never set (IOS prints boot-relative dates). */
  unsynced: boolean;
}

/**
 * A Cisco device stamp anywhere in `text`, with the year when printed (else the clock's guess)
 * and the zone abbreviation when printed and known (else the clock's zone).
 */
export function ciscoStamp(text: string, clock: Clock): CiscoStamp | undefined {
  const m = CISCO_STAMP.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]];
  const day = +m[3], h = +m[5], mi = +m[6], sec = +m[7];
  if (!month || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  const ms = m[8] ? Math.floor(+`0.${m[8]}` * 1000) : 0;
  const off = m[9] === undefined ? undefined : ZONE_ABBREVIATIONS[m[9]];
  const year = m[4] ? +m[4] : clock.yearFor(month);
  const ts = off === undefined
    ? clock.localToUtc(year, month, day, h, mi, sec, ms)
    : Date.UTC(year, month - 1, day, h, mi, sec, ms) - off * 60_000;
  return { ts, unsynced: m[1] === '*' };
}

/** Reject reason for a token that should have been an address. */
export function badAddressReason(v: string): string {
  return isPlaceholder(v) ? 'placeholder address' : 'bad address';
}

/**
 * Documentation templates and anonymised values: `X.X.X.X`, `a.b.c.d`, `xxx.xxx.xxx.xxx`, `***`,
 * `<IP>`, `<public IP of 525>`, `inside_address`, `source_ip`, `CLIENT`.
 */
export function isPlaceholder(v: string): boolean {
  if (v === '' || v.includes('*') || v.charCodeAt(0) === 60 /* < */) return true;
  if (/^[a-z]{1,3}(?:\.[a-z]{1,3}){3}$/i.test(v)) return true;
  const l = v.toLowerCase();
  if (l.includes('address') || l.includes('addr') || l.includes('_ip') || l.startsWith('ip_')) return true;
  return /^(?:ip|host|client|server|source|destination|src|dst|n\/a)$/.test(l);
}
