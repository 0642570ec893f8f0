/**
 * The envelope stage: peel the transport wrapper (syslog RFC 3164 / 5424, ISO-8601 relays,
 * `dmesg -T`, Proxmox pve-firewall, journald / Filebeat JSON) off a record, leaving the device's
 * own message for the format parsers. Pure and allocation-light: it runs once per line.
 */
import type { Clock, Envelope } from '../types';
import { peelJson } from './json';
import { MONTHS, parseIsoStamp } from './stamps';
import { readBsdStamp, tagNameEndIn } from './bsd';
import { civilToUtc } from '../lib/time-checks';
import { readRepeat } from '../lib/repeats';

// `[Thu Mar 11 20:05:08 2021] `
const DMESG_STAMP = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
// OpenWrt logread: `Sun Jun  2 16:18:17 2024 kern.warn kernel: …`
const LOGREAD_STAMP = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) /;
// Proxmox: `0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 `
const PVEFW = /^\d+ \d+ (\S+) (\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) /;
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'error', 'warn', 'warning', 'notice', 'info', 'debug'];

export function peelEnvelope(raw: string, clock: Clock): Envelope {
  let s = raw;
  // RFC 6587 octet counting framing left in a file (`535 <14>1 …`); the count is not trusted.
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const sp = s.indexOf(' ');
    if (sp > 0 && sp <= 6 && s.charCodeAt(sp + 1) === 60 /* < */ && /^\d+$/.test(s.slice(0, sp))) s = s.slice(sp + 1);
  }
  if (s.charCodeAt(0) === 60 /* < */) {
    const close = s.indexOf('>');
    if (close > 1 && close <= 4 && /^\d+$/.test(s.slice(1, close))) s = s.slice(close + 1);
  }
  const first = s.charCodeAt(0);
  if (first === 123 /* { */) return peelJson(raw, s, clock);
  if (first === 91 /* [ */) {
    const m = DMESG_STAMP.exec(s);
    if (m) {
      const month = MONTHS[m[1]];
      if (month) {
        const ts = clock.localToUtc(+m[6], month, +m[2], +m[3], +m[4], +m[5]);
        return afterTag(raw, s.slice(m[0].length), 'dmesg', ts, undefined, undefined, undefined);
      }
    }
  }
  if (first >= 65 && first <= 90) {
    // A logread stamp starts with the day's name, then the month's: `Sun Jun`, not `Jun  2`.
    const c4 = s.charCodeAt(4);
    const lr = c4 >= 65 && c4 <= 90 ? LOGREAD_STAMP.exec(s) : null;
    if (lr && MONTHS[lr[1]]) {
      const ts = clock.localToUtc(+lr[6], MONTHS[lr[1]], +lr[2], +lr[3], +lr[4], +lr[5]);
      return afterStamp(raw, s.slice(lr[0].length), 'rfc3164', ts, false);
    }
    const b = readBsdStamp(s);
    if (b) {
      const ts = clock.localToUtc(b.year ?? clock.yearFor(b.month, b.day, b.hour, b.minute, b.second), b.month, b.day, b.hour, b.minute, b.second, b.ms);
      return afterStamp(raw, s.slice(b.end), 'rfc3164', ts);
    }
  }
  if (first >= 48 && first <= 57) {
    if (s.charCodeAt(0) === 49 && s.charCodeAt(1) === 32) {
      const env = peel5424(raw, s.slice(2), clock);
      if (env) return env;
    }
    const iso = parseIsoStamp(s, 0, clock);
    if (iso && s.charCodeAt(iso.end) === 32) return afterStamp(raw, s.slice(iso.end + 1), 'iso8601', iso.ts);
    const pve = PVEFW.exec(s);
    if (pve) {
      const month = MONTHS[pve[3]];
      if (month) {
        const offset = (pve[8] === '-' ? -1 : 1) * (+pve[9] * 60 + +pve[10]) * 60_000;
        const ts = civilToUtc(+pve[4], month, +pve[2], +pve[5], +pve[6], +pve[7]) - offset;
        const env: Envelope = { raw, message: s.slice(pve[0].length), ts, kind: 'pvefw' };
        if (pve[1] !== '-') env.tag = pve[1]; // the logger's own messages have no chain
        return env;
      }
    }
  }
  return afterTag(raw, s, 'none', undefined, undefined, undefined, undefined);
}

/** After a 3164 / ISO stamp: optional hostname, optional `facility.level`, optional tag. */
function afterStamp(raw: string, rest: string, kind: Envelope['kind'], ts: number, mayHaveHost = true): Envelope {
  let hostname: string | undefined;
  // Tokens are looked at in place (rest[0, end)); only what is kept is cut out.
  let end = tokenEnd(rest);
  if (mayHaveHost && end > 0 && tagNameEndIn(rest, 0, end) < 0 && !isFacilityLevel(rest, end) && isHostname(rest, end)) {
    hostname = rest.slice(0, end);
    rest = rest.slice(end + 1);
    end = tokenEnd(rest);
    // Some relays write the hostname twice (UniFi).
    if (end === hostname.length && rest.startsWith(hostname)) {
      rest = rest.slice(end + 1);
      end = tokenEnd(rest);
    }
  }
  if (end > 0 && isFacilityLevel(rest, end)) rest = rest.slice(end + 1);
  return afterTag(raw, rest, kind, ts, hostname, undefined, undefined);
}

/** Optional `tag[pid]:` and kernel uptime stamp; what remains is the message. */
function afterTag(
  raw: string,
  rest: string,
  kind: Envelope['kind'],
  ts: number | undefined,
  hostname: string | undefined,
  tag: string | undefined,
  pid: string | undefined,
): Envelope {
  rest = rest.trimStart();
  if (tag === undefined) {
    const te = tokenEnd(rest);
    const end = te > 0 ? tagNameEndIn(rest, 0, te) : -1;
    if (end > 0) {
      tag = rest.slice(0, end);
      if (end < te - 1) pid = rest.slice(end + 1, te - 2);
      rest = sliceTrimmed(rest, te);
    }
  }
  // rsyslog's `message repeated N times: [ … ]` (lib/repeats.ts): the folded message is the record.
  const repeat = readRepeat(rest);
  if (repeat) rest = repeat.inner;
  let uptime: number | undefined;
  if (rest.charCodeAt(0) === 91 /* [ */) {
    const u = uptimeEnd(rest);
    if (u > 0) {
      uptime = +rest.slice(uptimeDigits, rest.charCodeAt(u - 1) === 32 ? u - 2 : u - 1);
      rest = rest.slice(u);
    }
  }
  const env: Envelope = { raw, message: rest, kind };
  if (ts !== undefined) env.ts = ts;
  if (hostname !== undefined) env.hostname = hostname;
  if (tag !== undefined) env.tag = tag;
  if (pid !== undefined) env.pid = pid;
  if (uptime !== undefined) env.uptime = uptime;
  if (repeat) env.repeats = repeat.times;
  return env;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Where the digits of the last `uptimeEnd` match start. */
let uptimeDigits = 0;

/**
 * The kernel's uptime stamp `[ *\d+\.\d+\] ?` at the start of s: the index just past it (and
 * its digits from `uptimeDigits`), or -1.
 */
function uptimeEnd(s: string): number {
  let i = 1;
  while (s.charCodeAt(i) === 32) i++;
  const from = i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === from || s.charCodeAt(i) !== 46 /* . */) return -1;
  const frac = ++i;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === frac || s.charCodeAt(i) !== 93 /* ] */) return -1;
  i++;
  if (s.charCodeAt(i) === 32) i++;
  uptimeDigits = from;
  return i;
}

/** s from `from`, leading white space dropped (as `s.slice(from).trimStart()`, one string instead of two when it is spaces). */
function sliceTrimmed(s: string, from: number): string {
  let i = from;
  while (s.charCodeAt(i) === 32) i++;
  const c = s.charCodeAt(i);
  // Past the spaces, anything printable below DEL is no white space; other characters may be.
  if (i === s.length || (c > 32 && c < 127)) return s.slice(i);
  return s.slice(from).trimStart();
}

/** Index of the first space of s, or its length: the end of its first token. */
function tokenEnd(s: string): number {
  const sp = s.indexOf(' ');
  return sp < 0 ? s.length : sp;
}

/** Is s[0, end) a `facility.level` token (`kern.warn`, `local7.info`)? */
function isFacilityLevel(s: string, end: number): boolean {
  const dot = s.indexOf('.');
  if (dot <= 0 || dot >= end) return false;
  for (let i = 0; i < dot; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigit(c))) return false;
  }
  const len = end - dot - 1;
  for (const w of LEVELS) if (w.length === len && s.startsWith(w, dot + 1)) return true;
  return false;
}

/** RFC 5424 after the `1 ` version: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]. */
function peel5424(raw: string, s: string, clock: Clock): Envelope | undefined {
  let ts: number | undefined;
  let pos: number;
  if (s.startsWith('- ')) pos = 2;
  else {
    const iso = parseIsoStamp(s, 0, clock);
    if (!iso || s.charCodeAt(iso.end) !== 32) return undefined;
    ts = iso.ts;
    pos = iso.end + 1;
  }
  const fields: string[] = [];
  for (let i = 0; i < 4; i++) {
    const sp = s.indexOf(' ', pos);
    if (sp < 0) {
      if (i < 3) return undefined;
      fields.push(s.slice(pos));
      pos = s.length;
      break;
    }
    fields.push(s.slice(pos, sp));
    pos = sp + 1;
  }
  const [host, app, procid, msgid] = fields;
  let sd: string | undefined;
  if (s.charCodeAt(pos) === 91 /* [ */) {
    const end = endOfStructuredData(s, pos);
    sd = s.slice(pos, end);
    pos = end;
  } else if (s.charCodeAt(pos) === 45 /* - */ && (pos + 1 === s.length || s.charCodeAt(pos + 1) === 32)) {
    pos += 1;
  }
  let msg = s.slice(pos);
  if (msg.charCodeAt(0) === 32) msg = msg.slice(1);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1); // BOM allowed by RFC 5424
  const env = afterTag(raw, msg, 'rfc5424', ts, nil(host), nil(app), nil(procid));
  if (sd !== undefined) env.structuredData = sd;
  const id = nil(msgid);
  if (id !== undefined) env.msgId = id;
  return env;
}

/** End index (exclusive) of one or more `[id k="v" …]` elements; `\]` and `\"` are escapes. */
function endOfStructuredData(s: string, pos: number): number {
  let i = pos;
  while (s.charCodeAt(i) === 91) {
    let inQuote = false;
    i++;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inQuote = !inQuote;
      else if (c === 93 /* ] */ && !inQuote) break;
    }
    i++;
  }
  return Math.min(i, s.length);
}

function nil(v: string | undefined): string | undefined {
  return v === undefined || v === '-' || v === '' ? undefined : v;
}

/**
 * A syslog HOSTNAME, s[0, end): a name or address, not the start of a message (`IN=`, `[PREFIX]`,
 * `%ASA`, or a CSV record such as PAN-OS `1,2012/10/30` sent without a hostname: no name holds a
 * comma).
 */
function isHostname(s: string, end: number): boolean {
  const c = s.charCodeAt(0);
  if (c === 91 /* [ */ || c === 37 /* % */ || c === 123 /* { */) return false;
  for (let i = 0; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 61 /* = */ || ch === 44 /* , */) return false;
  }
  return end <= 255;
}
