/**
 * What the SIEM formats (CEF, LEEF) share: which of a vendor's records are firewall traffic, the
 * log-type vocabulary of the vendors whose native formats portledger also reads (PAN-OS log
 * types, FortiGate categories and interface roles), and the time stamps such records carry.
 * A CEF or LEEF line from a FortiGate or a PAN-OS box is the same record as its native line, so
 * it is decided the same way.
 */
import { MONTHS, epochToMs, parseIsoStamp } from '../envelope/stamps';
import type { Clock } from '../types';
import { readBsdStamp } from '../envelope/bsd';
import { reject, type RejectOutcome, type SkipCode } from './reasons';
import { civilToUtc } from './time-checks';
import { zoneOffset } from './time-zones';
import { zoneSide, type ZoneSide } from './zones';

/** PAN-OS log types that are not traffic, by what they are; the rest are system messages. */
const PAN_SKIP_TYPES: Readonly<Record<string, SkipCode>> = {
  THREAT: 'security-alert', CORRELATION: 'security-alert', GLOBALPROTECT: 'vpn-message', CONFIG: 'admin-message',
  AUTHENTICATION: 'admin-message', USERID: 'admin-message', AUDIT: 'admin-message',
};

/** The skip of a PAN-OS log type other than TRAFFIC. */
export function panTypeSkip(type: string): SkipCode {
  return PAN_SKIP_TYPES[type] ?? 'system-message';
}

/** A FortiGate category (`traffic:forward`, `utm:ips`, `event:system`): traffic, or its skip. */
export function fortinetCategory(cat: string): true | SkipCode {
  const l = cat.toLowerCase();
  if (l.startsWith('traffic')) return true;
  if (l.startsWith('utm') || l.startsWith('anomaly') || l.startsWith('ips') || l.startsWith('virus') || l.startsWith('webfilter')) return 'security-alert';
  return 'system-message';
}

/** A FortiGate interface role (`wan`, `lan`, `dmz`) as a side; the interface name when the role says nothing. */
export function fortinetSide(role: string | undefined, iface: string | undefined): ZoneSide | undefined {
  if (role === 'wan') return 'outside';
  if (role === 'lan') return 'inside';
  if (role === 'dmz') return 'dmz';
  return zoneSide(iface);
}

/** A Check Point blade (the CEF / LEEF product field): the firewall's records are traffic. */
export function checkPointBlade(product: string): true | SkipCode {
  const l = product.toLowerCase();
  if (l.includes('firewall')) return true;
  if (l.includes('url filtering') || l.includes('application control') || l.includes('content awareness')) return 'content-filter';
  if (l.includes('vpn') || l.includes('mobile access')) return 'vpn-message';
  if (/ips|smartdefense|anti-|threat|forensics|identity awareness|dlp/.test(l)) return 'security-alert';
  return 'system-message';
}

/**
 * Trend Micro Deep Security: firewall rule events carry a rule id below 1,000,000 as their
 * signature; intrusion prevention (1,000,000 and up), integrity monitoring, log inspection,
 * anti-malware and web reputation events are alerts.
 */
export function trendMicroEvent(signature: string): true | SkipCode {
  return /^\d{1,6}$/.test(signature) ? true : 'security-alert';
}

/**
 * A stamp a SIEM record carries (CEF `rt` / `start` / `end`, LEEF `devTime`): epoch seconds or
 * milliseconds; ISO 8601; `MMM dd yyyy HH:mm:ss[.SSS]` or `MMM dd HH:mm:ss` with an optional zone
 * after it (read by the one rule of time-zones.ts). Undefined when the text is none of those.
 */
export function siemTime(text: string | undefined, clock: Clock): number | RejectOutcome | undefined {
  if (text === undefined || text === '') return undefined;
  const t = text.trim();
  if (/^\d{9,19}$/.test(t)) return epochToMs(Number(t));
  const c = t.charCodeAt(0);
  if (c >= 48 && c <= 57) return parseIsoStamp(t, 0, clock)?.ts;
  const b = readBsdStamp(`${t} `);
  if (!b || MONTHS[t.slice(0, 3)] === undefined) return undefined;
  const zone = t.slice(b.end).trim();
  const year = b.year ?? clock.yearFor(b.month, b.day, b.hour, b.minute, b.second);
  if (zone === '') return clock.localToUtc(year, b.month, b.day, b.hour, b.minute, b.second, b.ms);
  const off = zoneOffset(zone, clock.tz);
  if (off === undefined) return undefined;
  if (off === 'ambiguous') return reject('ambiguous-time-zone', zone);
  // civilToUtc: a date that does not exist is NaN, which the parse stage rejects (impossible-date).
  return civilToUtc(year, b.month, b.day, b.hour, b.minute, b.second, b.ms) - off * 60_000;
}

/**
 * Where a `CEF:` / `LEEF:` header starts in a message: the tag within its first 256 characters,
 * followed by a version digit in `versions` (e.g. '0123456789', '12') and a `|` after it; -1 if none.
 */
export function headerStart(m: string, tag: string, versions: string): number {
  const i = m.indexOf(tag);
  if (i < 0 || i > 256) return -1;
  return versions.includes(m.charAt(i + tag.length)) && m.indexOf('|', i + tag.length + 1) > 0 ? i : -1;
}

/** A message that is a SIEM line: a JSON document the envelope could not unwrap is not one, whatever it quotes. */
export function sniffHeader(m: string, tag: string, versions: string): boolean {
  return m.charCodeAt(0) !== 123 && headerStart(m, tag, versions) >= 0;
}
