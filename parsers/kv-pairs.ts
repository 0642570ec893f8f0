/**
 * Helpers shared by the key=value device formats (SonicWall, ZyXEL) and the other parsers of the
 * same batch (Check Point, Netgear, AWS VPC Flow Logs, Zeek, DShield): `key=value` splitting, TCP
 * flag words, port and protocol reading, and direction from a pair of zones.
 */
import { PROTO_NUMBERS } from './netfilter';
import type { Direction } from './types';
import { toUint } from './numbers';
export { toUint };

/**
 * `key=value key="quoted value" …` → map of first occurrences. Values run to the next space, or
 * to the closing quote (`\"` inside quotes is kept as a quote). Tokens without `=` are passed
 * over, so free text between pairs (`…msg="x"  type=3`) does not break the scan. Keys are kept as
 * written (SonicWall mixes `Category=` with `c=`).
 */
export function splitKv(s: string, from = 0): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = s.length;
  let pos = from;
  while (pos < n) {
    while (pos < n && s.charCodeAt(pos) === 32) pos++;
    if (pos >= n) break;
    const eq = s.indexOf('=', pos);
    let sp = s.indexOf(' ', pos);
    if (sp < 0) sp = n;
    if (eq < 0 || eq > sp) {
      // A word without `=` (free text between pairs): skip it.
      pos = sp + 1;
      continue;
    }
    const key = s.slice(pos, eq);
    let value: string;
    if (s.charCodeAt(eq + 1) === 34 /* " */) {
      let end = eq + 2;
      let escaped = false;
      while (end < n) {
        const c = s.charCodeAt(end);
        if (c === 92 /* \ */ && s.charCodeAt(end + 1) === 34) {
          escaped = true;
          end += 2;
          continue;
        }
        if (c === 34) break;
        end++;
      }
      value = s.slice(eq + 2, end);
      if (escaped) value = value.replaceAll('\\"', '"');
      pos = end + 1;
    } else {
      value = s.slice(eq + 1, sp);
      pos = sp + 1;
    }
    if (key !== '' && !(key in out)) out[key] = value;
  }
  return out;
}

/** TCP flag words in the contract's order; bit 7 is CWR, bit 0 FIN (the header's own layout). */
const FLAG_ORDER = ['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN'];
const FLAG_STRINGS = Array.from({ length: 256 }, (_, mask) => FLAG_ORDER.filter((_w, i) => mask & (128 >> i)).join(' '));
export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const PSH = 8;
export const ACK = 16;
export const URG = 32;
export const ECE = 64;
export const CWR = 128;

/** Canonical flag words of a header bitmask (`18` → `ACK SYN`); `''` for 0. */
export function flagWords(mask: number): string {
  return FLAG_STRINGS[mask & 255];
}

const FLAG_BY_WORD: Record<string, number> = {
  FIN, SYN, RST, PSH, PUSH: PSH, ACK, URG, ECE, ECN: ECE, CWR,
};

/** Bitmask of flag words separated by any of ` -,|/` (`FIN-ACK`, `SYN ACK`); -1 on an unknown word. */
export function flagMaskOfWords(s: string): number {
  let mask = 0;
  for (const w of s.toUpperCase().split(/[\s\-,|/]+/)) {
    if (w === '') continue;
    const bit = FLAG_BY_WORD[w];
    if (bit === undefined) return -1;
    mask |= bit;
  }
  return mask;
}

/** A port: `undefined` for empty or `-`, -1 for anything that is not 0–65535. */
export function portOf(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s === '-') return undefined;
  const p = toUint(s);
  return p > 65535 ? -1 : p;
}

const TRANSPORT_NAMES = new Set(Object.values(PROTO_NUMBERS));
const NAME_ALIASES: Record<string, string> = { icmp6: 'ipv6-icmp', icmpv6: 'ipv6-icmp', 'ipv6-icmp': 'ipv6-icmp', ospf: 'ospfigp' };

/** IANA keyword of a protocol number or name (`6`, `TCP`, `icmpv6`); `undefined` when unknown. */
export function transportOf(p: string): string | undefined {
  const n = toUint(p);
  if (n >= 0) return n <= 255 ? (PROTO_NUMBERS[n] ?? String(n)) : undefined;
  const l = p.toLowerCase();
  if (TRANSPORT_NAMES.has(l)) return l;
  return NAME_ALIASES[l];
}

/**
 * Direction from the zones a packet went between, as the device named them. `outside` says
 * whether a zone is the untrusted side (WAN, External, Internet…). Unknown zones give no answer.
 */
export function zoneDirection(
  inZone: string | undefined,
  outZone: string | undefined,
  outside: (zone: string) => boolean | undefined,
): Direction | undefined {
  if (inZone === undefined || outZone === undefined) return undefined;
  const a = outside(inZone);
  const b = outside(outZone);
  if (a === undefined || b === undefined) return undefined;
  if (a && b) return 'external';
  if (a) return 'inbound';
  if (b) return 'outbound';
  return 'internal';
}

/**
 * `YYYY-MM-DD[ T]HH:MM:SS[.fff]` at `pos` as [year, month, day, hour, minute, second, ms] and the
 * index just past it; `undefined` if the text there is not that shape.
 */
export function dateTimeParts(s: string, pos: number): { parts: number[]; end: number } | undefined {
  if (s.length < pos + 19) return undefined;
  const d = (i: number) => {
    const c = s.charCodeAt(pos + i) - 48;
    return c >= 0 && c <= 9 ? c : -100;
  };
  if (s.charCodeAt(pos + 4) !== 45 || s.charCodeAt(pos + 7) !== 45 || s.charCodeAt(pos + 13) !== 58 || s.charCodeAt(pos + 16) !== 58) return undefined;
  const sep = s.charCodeAt(pos + 10);
  if (sep !== 32 && sep !== 84) return undefined;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let end = pos + 19;
  let ms = 0;
  if (s.charCodeAt(end) === 46 /* . */ || s.charCodeAt(end) === 44 /* , */) {
    let scale = 100;
    end++;
    while (end < s.length) {
      const c = s.charCodeAt(end) - 48;
      if (c < 0 || c > 9) break;
      ms += c * scale;
      scale /= 10;
      end++;
    }
    ms = Math.floor(ms);
  }
  return { parts: [year, month, day, hour, minute, second, ms], end };
}

/**
 * Offset in minutes of a zone written after a stamp: `Z`, `UTC`, `GMT`, `+02:00`, `-0500`, or a
 * common abbreviation; `undefined` when there is none or it is not one we can trust.
 */
export function zoneOffsetMinutes(z: string): number | undefined {
  if (z === 'Z' || z === 'z' || z === 'UTC' || z === 'GMT' || z === 'UT') return 0;
  const c = z.charCodeAt(0);
  if (c === 43 || c === 45) {
    const digits = z.slice(1).replace(':', '');
    if (!/^\d{2}(?:\d{2})?$/.test(digits)) return undefined;
    const off = +digits.slice(0, 2) * 60 + (digits.length > 2 ? +digits.slice(2) : 0);
    return c === 45 ? -off : off;
  }
  return ZONE_ABBREVIATIONS[z];
}

// Only abbreviations that mean one thing; IST, CST (China) and the like are left out on purpose.
const ZONE_ABBREVIATIONS: Record<string, number> = {
  EST: -300, EDT: -240, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480,
  HST: -600, CET: 60, CEST: 120, MET: 60, MEST: 120, WET: 0, WEST: 60, EET: 120, EEST: 180, BST: 60,
  JST: 540, KST: 540, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

/**
 * ICMP type and code from their text fields: `undefined` when the record carries none (a code
 * without a type means nothing), 'bad' when either is not 0–255.
 */
export function icmpFields(typeText: string | undefined, codeText: string | undefined): { icmpType?: number; icmpCode?: number } | 'bad' {
  const t = typeText === undefined ? -1 : toUint(typeText);
  const c = codeText === undefined ? -1 : toUint(codeText);
  if (t > 255 || c > 255) return 'bad';
  if (t < 0) return {};
  return c >= 0 ? { icmpType: t, icmpCode: c } : { icmpType: t };
}
