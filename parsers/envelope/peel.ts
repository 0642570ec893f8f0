/**
 * The envelope stage: peel the transport wrapper (syslog RFC 3164 / 5424, ISO-8601 relays,
 * `dmesg -T`, Proxmox pve-firewall, journald / Filebeat JSON) off a record, leaving the device's
 * own message for the format parsers. Pure and allocation-light: it runs once per line.
 */
import type { Clock, Envelope } from '../types';
import { peelJson } from './json';
import { MONTHS, parseIsoStamp } from './stamps';
import { readBsdStamp, tagNameEnd } from './bsd';
import { civilToUtc } from '../lib/time-checks';
import { readRepeat } from '../lib/repeats';

// `[Thu Mar 11 20:05:08 2021] `
const DMESG_STAMP = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
// OpenWrt logread: `Sun Jun  2 16:18:17 2024 kern.warn kernel: …`
const LOGREAD_STAMP = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) /;
// Proxmox: `0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 `
const PVEFW = /^\d+ \d+ (\S+) (\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d) /;
const FACILITY_LEVEL = /^[a-z0-9]+\.(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)$/;
const UPTIME = /^\[ *(\d+\.\d+)\] ?/;

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
    const lr = LOGREAD_STAMP.exec(s);
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
  let token = nextToken(rest);
  if (mayHaveHost && token && tagNameEnd(token) < 0 && !FACILITY_LEVEL.test(token) && isHostname(token)) {
    hostname = token;
    rest = rest.slice(token.length + 1);
    token = nextToken(rest);
    // Some relays write the hostname twice (UniFi).
    if (token === hostname) {
      rest = rest.slice(token.length + 1);
      token = nextToken(rest);
    }
  }
  if (token && FACILITY_LEVEL.test(token)) rest = rest.slice(token.length + 1);
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
    const token = nextToken(rest);
    const end = token ? tagNameEnd(token) : -1;
    if (end > 0) {
      tag = token!.slice(0, end);
      if (end < token!.length - 1) pid = token!.slice(end + 1, -2);
      rest = rest.slice(token!.length).trimStart();
    }
  }
  // rsyslog's `message repeated N times: [ … ]` (lib/repeats.ts): the folded message is the record.
  const repeat = readRepeat(rest);
  if (repeat) rest = repeat.inner;
  let uptime: number | undefined;
  if (rest.charCodeAt(0) === 91 /* [ */) {
    const u = UPTIME.exec(rest);
    if (u) {
      uptime = +u[1];
      rest = rest.slice(u[0].length);
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

function nextToken(s: string): string | undefined {
  const sp = s.indexOf(' ');
  const t = sp < 0 ? s : s.slice(0, sp);
  return t === '' ? undefined : t;
}

/**
 * A syslog HOSTNAME: a name or address, not the start of a message (`IN=`, `[PREFIX]`, `%ASA`,
 * or a CSV record such as PAN-OS `1,2012/10/30` sent without a hostname: no name holds a comma).
 */
function isHostname(token: string): boolean {
  const c = token.charCodeAt(0);
  if (c === 91 /* [ */ || c === 37 /* % */ || c === 123 /* { */) return false;
  if (token.includes('=') || token.includes(',')) return false;
  return token.length <= 255;
}
